"""Coupons that a confirm issues: written by the sale's own statement on PostgreSQL, with
the inventory and code uniqueness still enforced (coupons.md "Issue")."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coupons import codes as coupon_codes
from coupons.models import Coupon, CouponEvent, CouponSeries
from loyalty.models import IdempotencyRecord, Sale

from .conftest import LATTE, item

pytestmark = pytest.mark.django_db


def gift_series(till, **fields):
    series = CouponSeries.objects.create(
        business=till.business, program=till.program, key="gift", name="Gift",
        top_up_amount=Decimal("1.00"), validity_type="relative", valid_days=30, **fields,
    )  # fmt: skip
    till.rule(
        key="give", action="issue_coupon_check", value=None, coupon_series=series,
        coupon_per="check", coupon_quantity=2,
    )  # fmt: skip
    return series


def test_a_confirm_issues_its_coupons_with_their_events(till):
    series = gift_series(till)
    answer = till.confirm({"positions": [item(LATTE)]}, key="c1")
    assert answer.status_code == 201, answer.json()
    issued = answer.json()["coupons_issued"]
    assert len(issued) == 2
    sale = Sale.objects.get()
    coupons = Coupon.objects.filter(issued_by_sale=sale)
    assert sorted(c.code for c in coupons) == sorted(c["code"] for c in issued)
    assert {c.state for c in coupons} == {Coupon.State.FREE}
    assert CouponEvent.objects.filter(sale=sale, to_state=Coupon.State.FREE).count() == 2
    series.refresh_from_db()
    assert series.issued_count == 2


def test_a_used_up_series_refuses_the_confirm_and_nothing_is_written(till):
    series = gift_series(till, inventory=3)
    assert till.confirm({"positions": [item(LATTE)]}, key="c1").status_code == 201
    refused = till.confirm({"positions": [item(LATTE)]}, key="c2")  # 2 more of 1 left
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "coupon_series_exhausted"
    assert Sale.objects.count() == 1
    assert Coupon.objects.count() == 2
    assert not IdempotencyRecord.objects.filter(key="c2").exists()
    series.refresh_from_db()
    assert series.issued_count == 2
    # The key was not spent: the same confirm goes through once there is stock again.
    CouponSeries.objects.filter(pk=series.pk).update(inventory=10)
    assert till.confirm({"positions": [item(LATTE)]}, key="c2").status_code == 201


def test_a_code_taken_meanwhile_is_drawn_again(till, monkeypatch):
    series = gift_series(till)
    taken = till.confirm({"positions": [item(LATTE)]}, key="c1").json()["coupons_issued"][0]
    real = coupon_codes.generate_codes
    draws = []

    def first_draw_repeats(series_, count):
        drawn = list(real(series_, count))
        if not draws:  # the first draw holds a code that exists already
            drawn[0] = (taken["code"], coupon_codes.normalize_code(taken["code"]))
        draws.append(drawn)
        return drawn

    monkeypatch.setattr("coupons.fresh_codes.generate_codes", first_draw_repeats)
    answer = till.confirm({"positions": [item(LATTE)]}, key="c2")
    assert answer.status_code == 201, answer.json()
    codes = [c["code"] for c in answer.json()["coupons_issued"]]
    assert taken["code"] not in codes and len(codes) == 2
    assert len(draws) >= 2
    sale = Sale.objects.get(pk=answer.json()["sale"]["id"])
    assert sorted(Coupon.objects.filter(issued_by_sale=sale).values_list("code", flat=True)) == (
        sorted(codes)
    )
    assert Sale.objects.count() == 2
    series.refresh_from_db()
    assert series.issued_count == 4


def test_an_identified_confirm_queues_the_customers_message_with_its_coupons(till):
    from customers.models import Customer, Notification
    from tests.factories import CustomerFactory, EnrolmentFactory

    gift_series(till, inventory=3)
    customer = CustomerFactory(
        business=till.business, phone="+380501112233", channel=Customer.Channel.SMS
    )
    EnrolmentFactory(customer=customer, business=till.business, program=till.program)
    ref = {"customer": {"phone": "+380501112233"}, "positions": [item(LATTE)]}
    answer = till.confirm(ref, key="n1")
    assert answer.status_code == 201, answer.json()
    [message] = Notification.objects.all()
    assert (message.customer_id, message.kind, message.recipient) == (
        customer.pk,
        "coupon_issued",
        "+380501112233",
    )
    assert "2" in message.body and message.state == Notification.State.PENDING
    assert Coupon.objects.filter(customer=customer).count() == 2
    # Refused for want of stock: neither the sale nor its message is written.
    assert till.confirm(ref, key="n2").status_code == 422
    assert Notification.objects.count() == 1


# -- the points a confirm credits, also written by the sale's statement on PostgreSQL -------


def points_customer(till):
    """A customer and a check that earns 5.00 bonus points and two special credits to one
    account (2.00 expiring in 30 days, 3.00 in 60): three credits, two to the same account."""
    from tests.factories import CustomerFactory, EnrolmentFactory

    customer = CustomerFactory(business=till.business, phone="+380504445566")
    EnrolmentFactory(customer=customer, business=till.business, program=till.program)
    till.rule(key="five", action="credit_check_amount", value=Decimal("5.00"))
    for key, value, days in (("two", "2.00", 30), ("three", "3.00", 60)):
        till.rule(
            key=key, action="credit_check_amount", value=Decimal(value),
            credit_account="special", credit_expires_in_days=days,
        )  # fmt: skip
    return customer, {"customer": {"phone": "+380504445566"}, "positions": [item(LATTE)]}


def account(customer, till, key="bonus"):
    from customers import ledger

    return ledger.get_account(customer=customer, program=till.program, key=key)


def test_credits_of_one_confirm_to_one_account_add_up(till):
    from customers.models import LedgerEntry, Lot
    from customers.selectors import check_ledger

    customer, body = points_customer(till)
    with CaptureQueriesContext(connection) as queries:
        assert till.confirm(body, key="p1").status_code == 201
    # PostgreSQL applies only one of two updates of a row in one statement: one per account.
    for query in queries.captured_queries:
        updated = re.findall(r'UPDATE "customers_account" SET .*? WHERE id = (\d+)', query["sql"])
        assert len(updated) == len(set(updated)), query["sql"]
    special = account(customer, till, "special")
    assert (special.balance, special.debt) == (Decimal("5.00"), Decimal("0.00"))
    assert account(customer, till).balance == Decimal("5.00")
    amounts = sorted(LedgerEntry.objects.filter(account=special).values_list("amount", flat=True))
    assert amounts == [Decimal("2.00"), Decimal("3.00")]
    lots = Lot.objects.filter(account=special).order_by("expires_at")
    assert [lot.remaining for lot in lots] == [Decimal("2.00"), Decimal("3.00")]
    assert check_ledger() == []


def test_credits_repay_a_debt_first(till):
    from customers import ledger
    from customers.selectors import check_ledger

    customer, body = points_customer(till)
    first = till.confirm(body, key="p1").json()
    ledger.spend(account=account(customer, till), amount=Decimal("5.00"))
    # Cancelling the first sale takes back 5.00 bonus points that were spent: a debt.
    till.client.post(f"/api/v1/terminal/checks/{first['sale']['id']}/cancel")
    assert account(customer, till).debt == Decimal("5.00")
    assert till.confirm(body, key="p2").status_code == 201
    bonus = account(customer, till)
    assert (bonus.balance, bonus.debt) == (Decimal("0.00"), Decimal("0.00"))
    assert account(customer, till, "special").balance == Decimal("5.00")
    assert check_ledger() == []


def test_a_top_up_coupon_and_credits_in_one_confirm(till):
    from django.utils import timezone

    from coupons import services as coupon_services
    from customers.selectors import check_ledger

    customer, body = points_customer(till)
    series = gift_series(till)  # a top-up of 1.00 bonus; the confirm issues two more of them
    [top_up] = coupon_services.issue_coupons(
        series=series, quantity=1, at=timezone.now(), customer=customer
    )
    answer = till.confirm({**body, "coupons": [top_up.code]}, key="p1")
    assert answer.status_code == 201, answer.json()
    assert account(customer, till).balance == Decimal("6.00")
    assert account(customer, till, "special").balance == Decimal("5.00")
    assert check_ledger() == []
