"""Inventory and single redemption hold under real concurrency (PostgreSQL, real threads)."""

from collections import Counter

import pytest

from coupons.imports import generate_pregenerated
from coupons.models import Coupon, CouponEvent, CouponSeries
from coupons.services import claim_coupon, claim_promotion, issue_coupons, redeem_coupon
from tests.coupons.threads import run_concurrently
from tests.factories import T0, CouponSeriesFactory, CustomerFactory

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "code_mode", [CouponSeries.CodeMode.ON_ISSUE, CouponSeries.CodeMode.PREGENERATED]
)
def test_20_concurrent_issues_against_inventory_10(program, code_mode):
    series = CouponSeriesFactory(program=program, inventory=10, code_mode=code_mode)
    if code_mode == CouponSeries.CodeMode.PREGENERATED:
        generate_pregenerated(series=series, count=10)

    def issue(_i):
        fresh = CouponSeries.objects.select_related("business").get(pk=series.pk)
        issue_coupons(series=fresh, quantity=1, at=T0)

    results = Counter(run_concurrently(issue, 20))
    assert results == {"ok": 10, "coupon_series_exhausted": 10}
    series.refresh_from_db()
    assert series.issued_count == 10
    assert Coupon.objects.filter(series=series, is_stock=False).count() == 10
    assert CouponEvent.objects.filter(coupon__series=series).count() == 10


def test_concurrent_issues_of_several_coupons_never_pass_the_inventory(program):
    series = CouponSeriesFactory(program=program, inventory=25)

    def issue(_i):
        fresh = CouponSeries.objects.select_related("business").get(pk=series.pk)
        issue_coupons(series=fresh, quantity=3, at=T0)

    results = Counter(run_concurrently(issue, 20))
    assert results == {"ok": 8, "coupon_series_exhausted": 12}
    assert Coupon.objects.filter(series=series).count() == 24


def test_50_concurrent_redeems_of_one_coupon(series, pos):
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)

    def redeem(_i):
        fresh = Coupon.objects.select_related("series").get(pk=coupon.pk)
        redeem_coupon(coupon=fresh, at=T0, point_of_sale=pos)

    results = Counter(run_concurrently(redeem, 50))
    assert results == {"ok": 1, "coupon_already_redeemed": 49}
    assert CouponEvent.objects.filter(coupon=coupon, to_state=Coupon.State.REDEEMED).count() == 1


def test_concurrent_claims_of_one_free_coupon(series, business):
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    customers = [CustomerFactory(business=business) for _ in range(20)]

    def claim(i):
        fresh = Coupon.objects.select_related("series").get(pk=coupon.pk)
        claim_coupon(coupon=fresh, customer=customers[i], at=T0)

    results = Counter(run_concurrently(claim, 20))
    assert results == {"ok": 1, "coupon_already_claimed": 19}
    coupon.refresh_from_db()
    assert coupon.state == Coupon.State.IN_WALLET and coupon.customer in customers


def test_concurrent_promotion_claims_give_one_customer_one_coupon(series, business):
    customer = CustomerFactory(business=business)

    def claim(_i):
        fresh = CouponSeries.objects.select_related("business").get(pk=series.pk)
        claim_promotion(series=fresh, customer=customer, at=T0, channel="poster")

    results = Counter(run_concurrently(claim, 16))
    assert results == {"ok": 1, "coupon_already_claimed": 15}
    assert Coupon.objects.filter(series=series, customer=customer).count() == 1
