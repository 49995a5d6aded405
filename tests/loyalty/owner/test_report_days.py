"""The report pages' folded days (loyalty.services.report_days): the dashboard and the
reports page show the same figures, to the cent, whether a day is read from its folded row
or counted from the sales; a write dated in a folded day (a cancel, a check with its own
`time`, points expiring late, another time zone) has the day counted again."""

import dataclasses
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from customers import ledger
from customers.models import LedgerEntry
from loyalty.checks.cancel import cancel_sale
from loyalty.models import ReportDay, ReportState
from loyalty.selectors.dashboard import program_dashboard
from loyalty.selectors.kpis import TILL, business_figures
from loyalty.services.report_days import fold
from tests.factories import CustomerFactory, EnrolmentFactory, ProgramFactory, UserFactory
from tests.terminal.conftest import LATTE, item, make_till

from .data import account, entry, populate, sale

pytestmark = pytest.mark.django_db
D = Decimal
KYIV = ZoneInfo("Europe/Kyiv")
DAY = timedelta(days=1)


def noon(days_ago: int) -> datetime:
    today = timezone.now().astimezone(KYIV).date()
    return datetime.combine(today - timedelta(days=days_ago), time(12), tzinfo=KYIV)


def shown(business, program, *, days=14):
    """Every figure of the dashboard and the reports page (its filters too) over `days`."""
    today = timezone.now().astimezone(KYIV).date()
    span = {"date_from": today - timedelta(days=days), "date_to": today}
    board = program_dashboard(business=business, program=program, **span)
    pos = program.points_of_sale.order_by("pk").first()
    return {
        "dashboard": dataclasses.asdict(board),
        "reports": dataclasses.asdict(business_figures(business=business, **span)),
        "by program": dataclasses.asdict(
            business_figures(business=business, program=program, **span)
        ),
        "by pos": dataclasses.asdict(
            business_figures(business=business, point_of_sale=pos, **span)
        ),
        "by till": dataclasses.asdict(business_figures(business=business, cashier=TILL, **span)),
    }


@pytest.fixture
def shop():
    program = ProgramFactory(business__timezone="Europe/Kyiv")
    business = program.business
    made = populate(program, sales=4, start=noon(9))
    cashier = UserFactory(email="cashier@example.com")
    for days_ago in (8, 6, 3, 1, 0):
        customer = CustomerFactory(business=business)
        row = sale(
            program,
            when=noon(days_ago),
            customer=customer,
            pos=made["pos"],
            amount="40.00",
            discount="4.00",
            rules=[(made["rule"], "4.00", "0.00")],
        )
        row.staff = cashier if days_ago % 2 else None
        row.save(update_fields=["staff"])
        acc = account(program, customer)
        entry(acc, LedgerEntry.Kind.CREDIT, "3.50", when=noon(days_ago), sale=row)
    sale(program, when=noon(5))  # anonymous
    return program


def test_folded_days_show_what_the_sales_show(shop):
    business = shop.business
    live = shown(business, shop)
    assert live["reports"]["sales"] == 10 and live["dashboard"]["totals"]["credited"] > 0

    assert fold(business) >= 9
    state = ReportState.objects.get(business=business)
    assert state.settled_until == timezone.now().astimezone(KYIV).date()  # today is not final
    assert ReportDay.objects.filter(business=business).count() >= 6

    assert shown(business, shop) == live
    assert fold(business) == 0  # nothing new is final
    assert shown(business, shop) == live


def test_a_cancel_of_a_folded_day_is_counted_again(shop):
    business = shop.business
    old = sale(shop, when=noon(4), customer=CustomerFactory(business=business), amount="70.00")
    before = shown(business, shop)
    fold(business)
    cancel_sale(sale=old)

    state = ReportState.objects.get(business=business)
    assert state.settled_until == noon(4).date()  # the sale's day and later: counted now
    after = shown(business, shop)
    assert after["reports"]["sales"] == before["reports"]["sales"] - 1
    assert after["reports"]["amount"] == before["reports"]["amount"] - D("70.00")
    fold(business)
    assert shown(business, shop) == after


def test_a_check_with_an_earlier_time_reaches_its_folded_day(db):
    till = make_till()
    business = till.business
    fold(business)  # nothing yet: every past day is final and empty
    assert ReportState.objects.get(business=business).settled_until is not None

    when = noon(3)
    response = till.confirm({"positions": [item(LATTE)], "time": when.isoformat()})
    assert response.status_code == 201, response.json()
    figures = shown(business, till.program)
    assert figures["reports"]["sales"] == 1
    day = next(d for d in figures["dashboard"]["days"] if d["day"] == when.date())
    assert day["sales"] == 1
    fold(business)
    assert shown(business, till.program) == figures


def test_points_expiring_in_a_folded_day_are_counted(shop):
    business = shop.business
    customer = CustomerFactory(business=business)
    EnrolmentFactory(customer=customer, business=business, program=shop)
    acc = ledger.get_account(customer=customer, program=shop)
    ledger.credit(account=acc, amount=D("8.00"), at=noon(7), expires_at=noon(5))
    fold(business)
    expired_before = shown(business, shop)["dashboard"]["totals"]["expired"]

    ledger.expire_lots()  # late: the entry is dated noon(5), a folded day
    assert ReportState.objects.get(business=business).settled_until == noon(5).date()
    figures = shown(business, shop)
    assert figures["dashboard"]["totals"]["expired"] == expired_before + D("8.00")
    fold(business)
    assert shown(business, shop) == figures


def test_another_time_zone_counts_every_day_again(shop):
    business = shop.business
    fold(business)
    business.timezone = "America/New_York"
    business.save(update_fields=["timezone"])
    live = shown(business, shop)  # the old days are not read in the new zone
    fold(business)
    assert ReportState.objects.get(business=business).timezone == "America/New_York"
    assert shown(business, shop) == live


def test_one_business_folds_only_its_own_days(shop):
    other = ProgramFactory()
    sale(other, when=noon(2), amount="999.00")
    fold(shop.business)
    assert not ReportDay.objects.filter(business=other.business).exists()
    assert shown(shop.business, shop)["reports"]["amount"] < D("999.00")
