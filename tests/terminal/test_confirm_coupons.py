"""Coupons that a confirm issues: written by the sale's own statement on PostgreSQL, with
the inventory and code uniqueness still enforced (coupons.md "Issue")."""

from decimal import Decimal

import pytest

from coupons import codes as coupon_codes
from coupons.models import Coupon, CouponEvent, CouponSeries
from loyalty.models import Sale
from terminal.models import IdempotencyRecord

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
    monkeypatch.setattr("coupons.services.generate_codes", first_draw_repeats)
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
