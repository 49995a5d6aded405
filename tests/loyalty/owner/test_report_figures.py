"""Issue 21: the reports page shows its figures on screen, for period presets, with a
constant number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coupons.models import Coupon
from loyalty.selectors.kpis import business_figures
from tests.factories import (
    T0,
    AccountFactory,
    BusinessFactory,
    CouponFactory,
    CouponSeriesFactory,
    CustomerFactory,
    PointOfSaleFactory,
    ProgramFactory,
    UserFactory,
)

from .data import D, sale

pytestmark = pytest.mark.django_db

MARCH = {"from": "2030-03-01", "to": "2030-03-31"}


def shop_month(program, *, customers=2, suffix=""):
    """In March: `customers` people each buy twice (one of them also bought in February),
    one anonymous sale, one cancelled; two points of sale, one cashier."""
    business = program.business
    center = PointOfSaleFactory(program=program, business=business, name=f"Center{suffix}")
    mall = PointOfSaleFactory(program=program, business=business, name=f"Mall{suffix}")
    cashier = UserFactory(email=f"ira{suffix}@example.com")
    people = [CustomerFactory(business=business) for _ in range(customers)]
    sale(program, customer=people[0], when=T0 - timedelta(days=30), pos=center)  # February
    for person in people:
        for amount in ("100.00", "50.00"):
            row = sale(program, customer=person, amount=amount, pos=center)
            row.staff = cashier
            row.save(update_fields=["staff"])
    sale(program, amount="30.00", pos=mall)
    sale(program, amount="999.00", pos=mall, status="cancelled")
    series = CouponSeriesFactory(program=program, business=business, name=f"Welcome{suffix}")
    for redeemed in (True, False, False, False):
        CouponFactory(
            series=series,
            state=Coupon.State.REDEEMED if redeemed else Coupon.State.IN_WALLET,
            issued_at=T0,
            redeemed_at=T0 if redeemed else None,
        )
    AccountFactory(business=business, customer=people[0], program=program, balance=D("12.50"))
    return people


def test_figures_of_a_month(program):
    shop_month(program)
    ProgramFactory(business=BusinessFactory())  # another business: never counted
    f = business_figures(
        business=program.business, date_from=date(2030, 3, 1), date_to=date(2030, 3, 31)
    )
    assert (f.sales, f.amount) == (5, D("330.00"))  # the cancelled sale does not count
    assert f.average == D("66.00")
    assert (f.customers, f.returning, f.returning_rate) == (2, 1, D("50.0"))
    assert [(r["name"], r["sales"], r["amount"]) for r in f.by_pos] == [
        ("Center", 4, D("300.00")), ("Mall", 1, D("30.00")),
    ]  # fmt: skip
    assert [(r["name"], r["sales"]) for r in f.by_cashier] == [
        ("ira@example.com", 4), ("", 1),
    ]  # fmt: skip
    assert [(r["name"], r["issued"], r["redeemed"], r["rate"]) for r in f.by_series] == [
        ("Welcome", 4, 1, D("25.0"))
    ]
    assert [(str(r["name"]), r["balance"]) for r in f.liability] == [("points", D("12.50"))]


def test_the_page_shows_the_figures_in_uk_with_presets(owner_client, business):
    program = ProgramFactory(business=business)
    shop_month(program)
    owner_client.cookies["django_language"] = "uk"
    body = owner_client.get(reverse("panel:report_index"), MARCH).content.decode()
    assert 'data-testid="average-check">66,00<' in body
    assert "50,0 %" in body and "25,0 %" in body
    assert "Center" in body and "ira@example.com" in body and "Welcome" in body
    for label in ("Сьогодні", "7 днів", "30 днів", "Цей місяць"):
        assert label in body


def test_an_empty_period_explains_what_to_do(owner_client, business):
    body = owner_client.get(reverse("panel:report_index"), MARCH).content.decode()
    assert 'data-testid="reports-empty"' in body and 'data-testid="kpis"' not in body


def test_the_page_costs_the_same_queries_with_ten_times_the_rows(owner_client, business):
    program = ProgramFactory(business=business)
    shop_month(program, customers=1)
    with CaptureQueriesContext(connection) as few:
        assert owner_client.get(reverse("panel:report_index"), MARCH).status_code == 200
    shop_month(ProgramFactory(business=business), customers=10, suffix="2")
    with CaptureQueriesContext(connection) as many:
        assert owner_client.get(reverse("panel:report_index"), MARCH).status_code == 200
    assert len(many) == len(few)


# -- the customer list carries each customer's figures --------------------------------------


def test_customer_list_shows_points_visits_spend_and_sorts(owner_client, business):
    program = ProgramFactory(business=business)
    people = shop_month(program)
    owner_client.cookies["django_language"] = "uk"
    body = owner_client.get(reverse("panel:customer_list"), {"sort": "balance"}).content.decode()
    rows = body.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    first = rows[0]
    assert people[0].card_code in first  # 12,50 points: first when sorted by points
    assert "12,50" in first and ">3<" in first and "250,00" in first  # 3 visits, 250 spent
    assert "10.03.2030" in first  # the last visit, in Kyiv


def test_customer_list_queries_do_not_grow_with_sales(owner_client, business):
    program = ProgramFactory(business=business)
    shop_month(program, customers=1)
    with CaptureQueriesContext(connection) as few:
        owner_client.get(reverse("panel:customer_list"))
    shop_month(ProgramFactory(business=business), customers=10, suffix="2")
    with CaptureQueriesContext(connection) as many:
        owner_client.get(reverse("panel:customer_list"))
    assert len(many) == len(few)
