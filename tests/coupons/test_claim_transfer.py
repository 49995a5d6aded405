"""Claiming free coupons, promotion channels, transfers between customers."""

from datetime import date

import pytest

from core.errors import Refused, ValidationFailed
from coupons.models import Coupon, CouponEvent, CouponSeries, PromotionChannel
from coupons.services import (
    claim_coupon,
    count_channel_visit,
    issue_coupons,
    redeem_coupon,
    transfer_coupon,
)
from customers.models import Notification
from tests.factories import (
    T0,
    CouponSeriesFactory,
    CustomerFactory,
    PointOfSaleFactory,
    ProgramFactory,
    at,
)

S = Coupon.State


def test_claim_puts_a_free_coupon_in_the_wallet_and_starts_its_window(series, pos, customer):
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    claimed = claim_coupon(
        coupon=coupon, customer=customer, at=at(days=2), point_of_sale=pos, actor="kiosk-1"
    )
    claimed.refresh_from_db()
    assert claimed.state == S.IN_WALLET and claimed.customer == customer
    assert claimed.claimed_at == at(days=2)
    assert claimed.valid_from == at(days=2)
    event = CouponEvent.objects.get(coupon=coupon, to_state=S.IN_WALLET)
    assert (event.from_state, event.actor, event.customer) == (S.FREE, "kiosk-1", customer)


def test_claim_keeps_a_range_window(program, customer):
    series = CouponSeriesFactory(
        program=program,
        validity_type=CouponSeries.Validity.RANGE,
        valid_from=date(2030, 3, 1),
        valid_to=date(2030, 3, 31),
    )
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    window = (coupon.valid_from, coupon.valid_to)
    claim_coupon(coupon=coupon, customer=customer, at=at(days=1))
    coupon.refresh_from_db()
    assert (coupon.valid_from, coupon.valid_to) == window


def test_claiming_a_coupon_that_is_not_free(series, customer, friend):
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    stale = Coupon.objects.get(pk=coupon.pk)
    claim_coupon(coupon=coupon, customer=customer, at=T0)
    for who in (friend, customer):
        with pytest.raises(Refused) as err:
            claim_coupon(coupon=stale, customer=who, at=T0)
        assert err.value.code == "coupon_already_claimed" and err.value.status == 422
    assert Coupon.objects.get(pk=coupon.pk).customer == customer


def test_claim_refusals(program, series, customer):
    [expired] = issue_coupons(series=series, quantity=1, at=T0)
    Coupon.objects.filter(pk=expired.pk).update(state=S.EXPIRED)
    expired.refresh_from_db()
    with pytest.raises(Refused) as err:
        claim_coupon(coupon=expired, customer=customer, at=T0)
    assert err.value.code == "coupon_expired"

    other_pos = PointOfSaleFactory(
        program=ProgramFactory(business=program.business), business=program.business
    )
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    with pytest.raises(Refused) as err:
        claim_coupon(coupon=coupon, customer=customer, at=T0, point_of_sale=other_pos)
    assert err.value.code == "coupon_not_applicable"
    with pytest.raises(Refused) as err:
        claim_coupon(coupon=coupon, customer=CustomerFactory(), at=T0)
    assert err.value.code == "coupon_not_applicable"

    range_series = CouponSeriesFactory(
        program=program,
        validity_type=CouponSeries.Validity.RANGE,
        valid_from=date(2030, 3, 1),
        valid_to=date(2030, 3, 31),
    )
    [late] = issue_coupons(series=range_series, quantity=1, at=T0)
    with pytest.raises(Refused) as err:
        claim_coupon(coupon=late, customer=customer, at=at(days=30))
    assert err.value.code == "coupon_expired"


def test_channels_count_visits_and_claims(series, customer, friend):
    a, b = issue_coupons(series=series, quantity=2, at=T0)
    assert count_channel_visit(series=series, channel="instagram")
    assert count_channel_visit(series=series, channel="Instagram ")
    assert not count_channel_visit(series=series, channel="<script>")
    claim_coupon(coupon=a, customer=customer, at=T0, channel="instagram")
    claim_coupon(coupon=b, customer=friend, at=T0, channel="flyer")
    counts = {c.name: (c.visits, c.claims) for c in PromotionChannel.objects.all()}
    assert counts == {"instagram": (2, 1), "flyer": (0, 1)}


def test_transfer_to_a_friend(program, customer, friend):
    series = CouponSeriesFactory(program=program, transferable=True, notify_giver=True)
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    window = (coupon.valid_from, coupon.valid_to)
    transfer_coupon(coupon=coupon, giver=customer, receiver=friend, at=at(hours=1))
    coupon.refresh_from_db()
    assert coupon.customer == friend and coupon.giver == customer and coupon.state == S.IN_WALLET
    assert (coupon.valid_from, coupon.valid_to) == window  # the window does not move
    event = CouponEvent.objects.get(coupon=coupon, from_state=S.IN_WALLET)
    assert event.to_state == S.IN_WALLET and event.customer == friend
    kinds = {(n.customer_id, n.kind) for n in Notification.objects.all()}
    assert kinds == {(friend.pk, "coupon_received"), (customer.pk, "gift_claimed")}


def test_transfer_without_notify_giver_tells_only_the_receiver(program, customer, friend):
    series = CouponSeriesFactory(program=program, transferable=True)
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    transfer_coupon(coupon=coupon, giver=customer, receiver=friend, at=T0)
    assert list(Notification.objects.values_list("kind", flat=True)) == ["coupon_received"]


def test_gift_link_becomes_free_and_tells_the_giver_when_claimed(program, customer, friend):
    series = CouponSeriesFactory(program=program, transferable=True, notify_giver=True)
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    transfer_coupon(coupon=coupon, giver=customer, receiver=None, at=T0)
    coupon.refresh_from_db()
    assert coupon.state == S.FREE and coupon.customer is None and coupon.giver == customer
    assert not Notification.objects.exists()
    claim_coupon(coupon=coupon, customer=friend, at=at(hours=3))
    coupon.refresh_from_db()
    assert coupon.customer == friend
    assert coupon.valid_from == T0  # kept the window it had in the giver's wallet
    [message] = Notification.objects.all()
    assert message.customer == customer and message.kind == "gift_claimed"
    assert friend.name in message.body


def test_transfer_refusals(program, series, customer, friend):
    [plain] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    with pytest.raises(Refused) as err:
        transfer_coupon(coupon=plain, giver=customer, receiver=friend, at=T0)
    assert err.value.code == "coupon_not_applicable"

    series = CouponSeriesFactory(program=program, transferable=True)
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    with pytest.raises(Refused) as err:  # not the holder
        transfer_coupon(coupon=coupon, giver=friend, receiver=customer, at=T0)
    assert err.value.code == "coupon_not_applicable"
    with pytest.raises(ValidationFailed):
        transfer_coupon(coupon=coupon, giver=customer, receiver=customer, at=T0)
    with pytest.raises(Exception) as err:
        transfer_coupon(coupon=coupon, giver=customer, receiver=CustomerFactory(), at=T0)
    assert err.value.status == 404
    redeem_coupon(coupon=coupon, at=T0, customer=customer)
    with pytest.raises(Refused) as err:
        transfer_coupon(coupon=coupon, giver=customer, receiver=friend, at=T0)
    assert err.value.code == "coupon_already_redeemed"
    [late] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    with pytest.raises(Refused) as err:
        transfer_coupon(coupon=late, giver=customer, receiver=friend, at=at(days=31))
    assert err.value.code == "coupon_expired"
