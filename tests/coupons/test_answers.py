"""Look-ups and answers: find by code, the terminal answer, the wallet, statistics."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coupons.imports import generate_pregenerated
from coupons.models import Coupon, CouponSeries
from coupons.selectors import find_coupons, series_stats
from coupons.services import (
    claim_coupon,
    coupon_answer,
    coupon_refusal,
    find_coupon,
    issue_coupons,
    redeem_coupon,
    wallet,
)
from tests.factories import T0, CouponSeriesFactory, PointOfSaleFactory, ProgramFactory, at

S = Coupon.State


def test_find_coupon_in_any_spelling_within_the_business(series, business):
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    spelled = " " + coupon.code.lower().replace("-", " ") + " "
    assert find_coupon(business=business, code=spelled) == coupon
    assert find_coupon(business=business, code=coupon.code_norm) == coupon
    other = ProgramFactory().business
    assert find_coupon(business=other, code=coupon.code) is None
    assert find_coupon(business=business, code="") is None


def test_stock_codes_are_not_found(program, business):
    series = CouponSeriesFactory(program=program, code_mode=CouponSeries.CodeMode.PREGENERATED)
    generate_pregenerated(series=series, count=2)
    stock = Coupon.objects.filter(series=series).first()
    assert find_coupon(business=business, code=stock.code) is None
    assert find_coupons(business=business, codes=[stock.code]) == {}
    assert coupon_refusal(coupon=stock, customer=None, point_of_sale=None, at=T0) == (
        "coupon_not_found"
    )


def test_find_coupons_is_one_query_and_refusal_makes_none(series, business, pos):
    coupons = issue_coupons(series=series, quantity=5, at=T0)
    with CaptureQueriesContext(connection) as queries:
        found = find_coupons(business=business, codes=[c.code for c in coupons] + ["NOPE"])
        for coupon in found.values():
            coupon_refusal(coupon=coupon, customer=None, point_of_sale=pos, at=T0)
    assert len(found) == 5 and len(queries) == 1


def test_coupon_answer(series, pos, customer):
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    answer = coupon_answer(coupon, customer=customer, point_of_sale=pos, at=at(hours=1))
    assert answer == {
        "code": coupon.code,
        "series": series.key,
        "state": "in_wallet",
        "valid_from": "2030-03-10T12:00:00+02:00",  # in the business time zone
        "valid_to": "2030-04-09T12:00:00+03:00",
        "usable_here": True,
        "reason": None,
    }
    anonymous = coupon_answer(coupon, point_of_sale=pos, at=at(hours=1))
    assert anonymous["usable_here"] is False and anonymous["reason"] == "customer_required"


def test_coupon_answer_of_a_free_relative_coupon_has_no_window(series, pos):
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    answer = coupon_answer(coupon, point_of_sale=pos, at=T0)
    assert answer["valid_from"] is None and answer["valid_to"] is None
    assert answer["usable_here"] is True


def test_coupon_answer_honours_the_reward_rules_points_of_sale(series, pos, program):
    elsewhere = PointOfSaleFactory(program=program, business=program.business)
    series.reward_rule.points_of_sale.add(elsewhere)
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    assert coupon_answer(coupon, point_of_sale=pos, at=T0)["reason"] == "coupon_not_applicable"
    assert coupon_answer(coupon, point_of_sale=elsewhere, at=T0)["usable_here"] is True


def test_wallet_lists_usable_coupons_here(program, pos, customer, friend):
    soon = CouponSeriesFactory(program=program, valid_days=2)
    later = CouponSeriesFactory(program=program, valid_days=20)
    delayed = CouponSeriesFactory(program=program, delay_days=3, valid_days=5)
    elsewhere_only = CouponSeriesFactory(program=program)
    elsewhere_only.reward_rule.points_of_sale.add(
        PointOfSaleFactory(program=program, business=program.business)
    )
    [b] = issue_coupons(series=later, quantity=1, at=T0, customer=customer)
    [a] = issue_coupons(series=soon, quantity=1, at=T0, customer=customer)
    [c] = issue_coupons(series=delayed, quantity=1, at=T0, customer=customer)
    issue_coupons(series=elsewhere_only, quantity=1, at=T0, customer=customer)
    [used] = issue_coupons(series=later, quantity=1, at=T0, customer=customer)
    redeem_coupon(coupon=used, at=T0, customer=customer)
    issue_coupons(series=later, quantity=1, at=T0, customer=friend)
    other_program_pos = PointOfSaleFactory(
        program=ProgramFactory(business=program.business), business=program.business
    )
    assert wallet(customer=customer, point_of_sale=pos, at=at(hours=1)) == [a, b]
    assert wallet(customer=customer, point_of_sale=pos, at=at(hours=1), include_upcoming=True) == [
        a,
        c,  # ends before b
        b,
    ]
    # a ended after 2 days; c opens on day 3 (inclusive)
    assert wallet(customer=customer, point_of_sale=pos, at=at(days=3)) == [c, b]
    assert wallet(customer=customer, point_of_sale=other_program_pos, at=T0) == []


def test_series_stats(series, customer, friend):
    a, b, c = issue_coupons(series=series, quantity=3, at=T0)
    claim_coupon(coupon=a, customer=customer, at=at(days=-1))
    claim_coupon(coupon=b, customer=friend, at=T0)
    redeem_coupon(coupon=b, at=T0, customer=friend)
    Coupon.objects.filter(pk=c.pk).update(state=S.EXPIRED)
    stats = series_stats(series, date_to=T0.date())
    assert (stats["issued"], stats["claimed"], stats["redeemed"], stats["expired"]) == (3, 2, 1, 1)
    assert len(stats["days"]) == 7
    assert stats["days"][-1] == {"date": "2030-03-10", "claimed": 1, "redeemed": 1}
    assert stats["days"][-2] == {"date": "2030-03-09", "claimed": 1, "redeemed": 0}


@pytest.mark.parametrize("language", ["en", "uk", "de"])
def test_series_title_language(language):
    from coupons.selectors import localized

    texts = {"en": "Croissant", "uk": "Круасан"}
    assert localized(texts, language) == {"uk": "Круасан"}.get(language, "Croissant")
