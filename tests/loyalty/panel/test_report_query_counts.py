"""Issue 21's Must-show: every reports page makes the same number of queries with 3 sales as
with 30 (bench/reports_bench.py times them with a million)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coupons.models import Coupon
from tests.factories import (
    T0,
    CouponFactory,
    CouponSeriesFactory,
    CustomerFactory,
    PointOfSaleFactory,
    UserFactory,
)
from tests.loyalty.owner.data import sale

pytestmark = pytest.mark.django_db

MARCH = {"from": "2030-03-01", "to": "2030-03-31"}


def add_sales(program, n, tag):
    """`n` sales over new customers, points of sale, cashiers and a series' coupons."""
    business = program.business
    places = [
        PointOfSaleFactory(program=program, business=business, name=f"{tag} shop {i}")
        for i in range(max(n // 10, 1))
    ]
    cashiers = [UserFactory(email=f"{tag}{i}@example.com") for i in range(max(n // 10, 1))]
    series = CouponSeriesFactory(program=program, business=business, name=f"{tag} series")
    for i in range(n):
        customer = CustomerFactory(business=business) if i % 3 else None
        row = sale(program, customer=customer, pos=places[i % len(places)],
                   when=T0 - timedelta(days=i % 20))  # fmt: skip
        row.staff = cashiers[i % len(cashiers)] if i % 4 else None
        row.save(update_fields=["staff"])
        CouponFactory(series=series, customer=customer, state=Coupon.State.IN_WALLET,
                      issued_at=T0)  # fmt: skip


def pages(program):
    pos = program.points_of_sale.order_by("pk").first()
    reports, customers = reverse("panel:report_index"), reverse("panel:customer_list")
    return [
        (reverse("panel:home"), MARCH),
        (reports, MARCH),
        (reports, {"from": "2030-03-10", "to": "2030-03-10"}),
        (reports, {**MARCH, "sort_pos": "name", "sort_cashier": "-sales"}),
        (reports, {**MARCH, "pos": pos.pk, "program": program.pk}),
        (reports, {**MARCH, "cashier": "till"}),
        (reverse("panel:report_table"), {**MARCH, "table": "cashier"}),
        (customers, {}),
        *((customers, {"sort": key}) for key in ("last_visit", "visits", "spend", "balance")),
        (customers, {"q": "a"}),
    ]


def counts(client, program):
    result = []
    for url, query in pages(program):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, query)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        assert response.status_code == 200, (url, query)
        result.append((url, tuple(sorted(query.items())), len(captured)))
    return result


def test_every_reports_page_costs_the_same_with_3_and_30_sales(owner_client, program):
    add_sales(program, 3, "few")
    few = counts(owner_client, program)
    add_sales(program, 27, "many")
    assert counts(owner_client, program) == few


def test_folded_days_cost_the_pages_the_same_queries(owner_client, program):
    """The days read from their folded rows make the same number of queries as the days
    counted from the sales (loyalty.services.report_days)."""
    from django.utils import timezone

    from loyalty.models import ReportDay
    from loyalty.services.report_days import fold

    now = timezone.now()
    for i in range(12):
        sale(program, customer=CustomerFactory(business=program.business),
             when=now - timedelta(days=i % 6, hours=1))  # fmt: skip
    today = timezone.localdate(now)
    span = {"from": str(today - timedelta(days=29)), "to": str(today)}
    urls = [reverse("panel:home"), reverse("panel:report_index")]

    def measured():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert owner_client.get(url, span).status_code == 200
            result.append(len(captured))
        return result

    live = measured()
    fold(program.business)
    assert ReportDay.objects.filter(business=program.business).exists()
    assert measured() == live
