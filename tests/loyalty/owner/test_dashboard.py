"""The dashboard: figures by day in the business's time zone, constant query count."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coupons.models import Coupon
from customers.models import LedgerEntry
from loyalty.selectors.dashboard import program_dashboard
from tests.factories import BusinessFactory, CustomerFactory, ProgramFactory

from .data import T0, D, account, coupon_event, entry, populate, sale

pytestmark = pytest.mark.django_db

RANGE = {"from": "2030-03-01", "to": "2030-03-31"}


def figures(program, date_from=date(2030, 3, 1), date_to=date(2030, 3, 31)):
    return program_dashboard(
        business=program.business, program=program, date_from=date_from, date_to=date_to
    )


def day(result, iso):
    return next(d for d in result.days if d["date"] == iso)


def test_figures_by_day(program):
    populate(program, sales=3)
    result = figures(program)

    assert len(result.days) == 31
    tenth = day(result, "2030-03-10")
    assert tenth["sales"] == 3
    assert tenth["amount"] == D("300.00")
    assert tenth["discount"] == D("15.00")
    assert tenth["credited"] == D("6.00")
    assert tenth["spent"] == D("3.00")
    assert tenth["coupons_issued"] == 3
    assert tenth["activations"] == 3
    assert tenth["new_customers"] == 3
    assert result.totals["sales"] == 3
    assert result.new_customers == 3 and result.returning_customers == 0
    assert [r["rule_key"] for r in result.top_by_discount] == ["tiered"]
    assert result.top_by_discount[0]["discount"] == D("15.00")
    assert [r["rule_key"] for r in result.top_by_credit] == ["cashback"]
    assert result.top_by_credit[0]["credit"] == D("6.00")


def test_days_are_days_of_the_business_time_zone(program):
    assert program.business.timezone == "Europe/Kyiv"
    # 23:30 UTC on the 10th is 01:30 on the 11th in Kyiv.
    sale(program, when=datetime(2030, 3, 10, 23, 30, tzinfo=UTC))
    result = figures(program)
    assert day(result, "2030-03-10")["sales"] == 0
    assert day(result, "2030-03-11")["sales"] == 1
    # The range ends at midnight Kyiv time: 22:30 UTC on the 31st is already April 1st.
    sale(program, when=datetime(2030, 3, 31, 22, 30, tzinfo=UTC))
    assert figures(program).totals["sales"] == 1


def test_new_and_returning_customers(program):
    regular, newcomer = CustomerFactory(business=program.business), None
    sale(program, customer=regular, when=T0 - timedelta(days=40))  # before the range
    sale(program, customer=regular, when=T0)
    newcomer = CustomerFactory(business=program.business)
    sale(program, customer=newcomer, when=T0)
    sale(program, customer=newcomer, when=T0 + timedelta(days=1))
    sale(program, customer=None, when=T0)  # anonymous: neither
    result = figures(program)
    assert (result.new_customers, result.returning_customers) == (1, 1)
    assert day(result, "2030-03-10")["new_customers"] == 1


def test_cancelled_sales_and_other_kinds_do_not_count(program):
    sale(program, status="cancelled")
    acc = account(program)
    entry(acc, LedgerEntry.Kind.ADJUSTMENT, "50.00")
    entry(acc, LedgerEntry.Kind.EXPIRY, "-4.00")
    series = populate(program, sales=0)["series"]
    coupon_event(series, Coupon.State.IN_WALLET, from_state="in_wallet")  # a transfer
    coupon_event(series, Coupon.State.REDEEMED, from_state="in_wallet")
    result = figures(program)
    assert result.totals["sales"] == 0
    assert result.totals["credited"] == 0
    assert result.totals["expired"] == D("4.00")
    assert result.totals["coupons_issued"] == 0
    assert result.totals["coupons_redeemed"] == 1


def test_another_program_or_business_is_not_counted(program):
    populate(ProgramFactory(business=program.business))
    populate(ProgramFactory(business=BusinessFactory()))
    result = figures(program)
    assert result.totals["sales"] == 0
    assert result.totals["activations"] == 0


def test_page_shows_charts_and_totals(owner_client, program):
    populate(program, sales=2)
    response = owner_client.get(reverse("panel:home"), RANGE)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<svg class="chart"') == 4
    assert "Tiered" in body and "Cashback" in body
    assert response.context["figures"].totals["sales"] == 2
    assert response.context["counts"]["programs"] == 1


def test_default_range_is_the_last_30_days(owner_client, program):
    response = owner_client.get(reverse("panel:home"))
    assert len(response.context["figures"].days) == 30
    assert response.context["date_to"] - response.context["date_from"] == timedelta(days=29)


def test_a_foreign_program_id_falls_back_to_the_first_program(owner_client, program):
    foreign = ProgramFactory(business=BusinessFactory())
    response = owner_client.get(reverse("panel:home"), {"program": foreign.pk})
    assert response.context["program"] == program


def test_bad_range_is_reported(owner_client, program):
    response = owner_client.get(reverse("panel:home"), {"from": "2030-03-10", "to": "2030-03-01"})
    assert response.status_code == 200
    assert "The start is after the end." in response.content.decode()


def count_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("panel:home"), params).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_sales(owner_client, program):
    populate(program, sales=2)
    few = count_queries(owner_client, RANGE)
    populate(program, sales=40, start=T0 + timedelta(days=3))
    many = count_queries(owner_client, RANGE)
    assert figures(program).totals["sales"] == 42
    assert few == many


def test_cashier_gets_403(cashier_client, program):
    assert cashier_client.get(reverse("panel:home")).status_code == 403


def test_an_empty_range_explains_the_next_step_instead_of_blank_charts(owner_client, program):
    response = owner_client.get(reverse("panel:home"), RANGE)
    body = response.content.decode()
    assert '<svg class="chart"' not in body
    assert 'data-testid="dashboard-empty"' in body
    assert reverse("cashier:check") in body
