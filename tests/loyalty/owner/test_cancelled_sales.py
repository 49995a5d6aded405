"""A cancelled sale counts nowhere: after the cancel, every figure of the dashboard (and its
charts), the reports and the coupon records is what it was before the sale."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coupons import selectors as coupon_selectors
from coupons.models import CouponSeries
from coupons.services import issue_coupons
from customers import ledger
from loyalty.checks.cancel import cancel_sale
from loyalty.models import Rule
from loyalty.selectors.dashboard import program_dashboard
from tests.factories import CustomerFactory, EnrolmentFactory
from tests.terminal.conftest import LATTE, item, make_till

from .data import T0, sale

pytestmark = pytest.mark.django_db
D = Decimal
PHONE = "+380501112299"
DAY = timedelta(days=1)


@pytest.fixture
def till(program):
    return make_till(program=program)


@pytest.fixture
def customer(till):
    customer = CustomerFactory(business=till.business, phone=PHONE)
    EnrolmentFactory(customer=customer, business=till.business, program=till.program)
    account = ledger.get_account(customer=customer, program=till.program)
    ledger.credit(account=account, amount=D("100.00"))
    return customer


@pytest.fixture
def coupon(till, customer):
    """A half-off coupon in the customer's wallet, and a rule that gives a new coupon."""
    reward = till.rule(
        key="half", name="Half", mode="coupon", action="discount_check_percent", value=D("50")
    )
    half = CouponSeries.objects.create(
        business=till.business, program=till.program, key="half-off", name="Half off",
        reward_rule=reward, validity_type="relative", valid_days=30,
    )  # fmt: skip
    gift = CouponSeries.objects.create(
        business=till.business, program=till.program, key="gift", name="Gift",
        validity_type="relative", valid_days=30,
    )  # fmt: skip
    till.rule(
        key="give", action=Rule.Action.ISSUE_COUPON_CHECK, value=None, coupon_series=gift,
        coupon_per="check", coupon_quantity=1,
    )  # fmt: skip
    till.rule(key="cashback", action=Rule.Action.CREDIT_CHECK_PERCENT, value=D("10"))
    (coupon,) = issue_coupons(series=half, quantity=1, at=timezone.now(), customer=customer)
    return coupon


def everything_shown(client, business, series):
    """The dashboard's figures and charts, the reports that count, the coupon records."""
    home = client.get(reverse("panel:home"))
    assert home.status_code == 200
    figures = home.context["figures"]
    reports = {}
    for key in ("sales", "redemptions"):
        response = client.get(
            reverse("panel:report_download"),
            {
                "from": home.context["date_from"].isoformat(),
                "to": home.context["date_to"].isoformat(),
                "report": key,
                "format": "csv",
            },
        )
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        reports[key] = list(csv.reader(io.StringIO(text)))
    stats = coupon_selectors.series_stats(series)
    return {
        "days": figures.days,
        "totals": figures.totals,
        "customers": (figures.new_customers, figures.returning_customers),
        "top": (figures.top_by_discount, figures.top_by_credit),
        "charts": [str(svg) for _title, svg in home.context["charts"]],
        "redemptions_report": reports["redemptions"],
        "completed_sales_in_report": [r for r in reports["sales"][1:] if r[2] == "Completed"],
        "redemption_records": list(
            coupon_selectors.redemptions(business=business).values_list("pk", flat=True)
        ),
        "series_chart": stats["days"],
        "series_redeemed": stats["redeemed"],
    }


def test_a_cancelled_sale_leaves_every_figure_as_before_it(till, customer, coupon, owner_client):
    before = everything_shown(owner_client, till.business, coupon.series)

    confirmed = till.confirm(
        {
            "customer": {"phone": PHONE},
            "positions": [item(LATTE)],
            "coupons": [coupon.code],
            "pay_with_points": "10.00",
        }
    )
    assert confirmed.status_code == 201, confirmed.json()
    during = everything_shown(owner_client, till.business, coupon.series)
    # The sale did show: points credited and spent, a coupon redeemed and one issued.
    grew = {k: during["totals"][k] - before["totals"][k] for k in before["totals"]}
    assert grew["sales"] == 1
    assert grew["credited"] > 0 and grew["spent"] == D("10.00")
    assert (grew["coupons_redeemed"], grew["coupons_issued"]) == (1, 1)
    assert during["charts"] != before["charts"]
    assert len(during["redemptions_report"]) == len(before["redemptions_report"]) + 1

    sale_id = confirmed.json()["sale"]["id"]
    cancelled = till.client.post(f"/api/v1/terminal/checks/{sale_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"

    after = everything_shown(owner_client, till.business, coupon.series)
    for key, value in before.items():
        assert after[key] == value, key


def test_points_of_a_cancelled_sale_that_expired_first_are_not_counted_either(program):
    """The reversal takes back only what had not expired: the expiry of the rest is part of
    the cancelled sale too, so the figures still add up to the balance."""
    row = sale(program, customer=CustomerFactory(business=program.business))
    account = ledger.get_account(customer=row.customer, program=program)
    ledger.credit(account=account, amount=D("10.00"), sale=row, at=T0, expires_at=T0 + DAY)
    ledger.spend(account=account, amount=D("6.00"), at=T0 + DAY / 2)  # a later purchase
    ledger.expire_lots(now=T0 + 2 * DAY)  # the 4.00 left expire
    cancel_sale(sale=row)

    totals = program_dashboard(
        business=program.business,
        program=program,
        date_from=T0.date(),
        date_to=(T0 + 3 * DAY).date(),
    ).totals
    assert (totals["sales"], totals["credited"], totals["spent"]) == (0, 0, D("6.00"))
    assert totals["expired"] == 0
    account.refresh_from_db()
    assert account.balance == -totals["spent"] == D("-6.00")
