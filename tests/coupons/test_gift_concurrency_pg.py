"""One gift link claimed by 10 phones at once: exactly one gets the coupon (PostgreSQL,
real threads, each with its own connection)."""

from collections import Counter

import pytest
from django.utils import timezone

from coupons.gifts import claim_gift, create_gift
from coupons.models import Coupon, CouponEvent, Gift
from tests.coupons.threads import run_concurrently
from tests.terminal.cashier.shop import make_shop

pytestmark = pytest.mark.django_db(transaction=True)

PHONES = 10


def test_ten_phones_claim_one_gift_link_and_one_wins():
    shop = make_shop()
    shop.series.transferable = True
    shop.series.save()
    coupon = shop.wallet_coupon(shop.customer)
    gift = create_gift(coupon=coupon, giver=shop.customer, at=timezone.now())
    friends = [shop.customer_with_points("0", phone=f"+38050777{i:04d}") for i in range(PHONES)]

    def task(i):
        claim_gift(gift=Gift.objects.get(pk=gift.pk), receiver=friends[i], at=timezone.now())

    answers = Counter(run_concurrently(task, PHONES))
    assert answers == {"ok": 1, "gift_claimed": PHONES - 1}
    coupon.refresh_from_db()
    gift.refresh_from_db()
    assert coupon.customer_id == gift.receiver_id and coupon.customer_id in {f.pk for f in friends}
    assert coupon.state == Coupon.State.IN_WALLET
    # one transfer event, one move
    assert CouponEvent.objects.filter(coupon=coupon, customer__in=friends).count() == 1
