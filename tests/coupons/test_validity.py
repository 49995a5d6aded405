"""Validity windows at their edges (coupons.md "validity"), business time zone Europe/Kyiv."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coupons.models import CouponSeries
from coupons.services import claim_coupon, coupon_refusal, issue_coupons
from coupons.validity import window_on_issue, window_on_reach
from tests.factories import CouponSeriesFactory

KYIV = ZoneInfo("Europe/Kyiv")
V = CouponSeries.Validity


def kyiv(*args):
    return datetime(*args, tzinfo=KYIV)


@pytest.fixture
def range_series(program):
    return CouponSeriesFactory(
        program=program,
        validity_type=V.RANGE,
        valid_from=date(2030, 3, 1),
        valid_to=date(2030, 3, 31),
    )


def test_range_is_whole_days_in_the_business_time_zone(range_series):
    start, end = window_on_issue(range_series, at=kyiv(2030, 2, 1, 12))
    assert start == kyiv(2030, 3, 1, 0, 0)
    assert start.astimezone(UTC) == datetime(2030, 2, 28, 22, 0, tzinfo=UTC)
    # 31 March 2030 is after the switch to summer time (+03:00)
    assert end == kyiv(2030, 3, 31, 23, 59, 59, 999999)
    assert end.astimezone(UTC) == datetime(2030, 3, 31, 20, 59, 59, 999999, tzinfo=UTC)
    assert window_on_reach(range_series, at=kyiv(2030, 3, 5)) == (start, end)


@pytest.mark.parametrize(
    ("moment", "reason"),
    [
        (kyiv(2030, 2, 28, 23, 59, 59), "coupon_not_yet_valid"),
        (kyiv(2030, 3, 1, 0, 0, 0), None),
        (kyiv(2030, 3, 31, 23, 59, 59), None),
        (kyiv(2030, 4, 1, 0, 0, 0), "coupon_expired"),
    ],
)
def test_range_edges_are_inclusive(range_series, pos, moment, reason):
    [coupon] = issue_coupons(series=range_series, quantity=1, at=kyiv(2030, 2, 1))
    assert coupon.valid_from is not None and coupon.valid_to is not None
    got = coupon_refusal(coupon=coupon, customer=None, point_of_sale=pos, at=moment)
    assert got == reason


def test_relative_and_hours_free_coupons_have_no_window(program, pos):
    relative = CouponSeriesFactory(program=program, delay_days=2, valid_days=5)
    hours = CouponSeriesFactory(program=program, validity_type=V.HOURS, valid_hours=3)
    t = kyiv(2030, 3, 10, 12)
    assert window_on_issue(relative, at=t) == (None, None)
    assert window_on_issue(hours, at=t) == (None, None)
    [coupon] = issue_coupons(series=relative, quantity=1, at=t)
    assert (coupon.valid_from, coupon.valid_to) == (None, None)
    far = t + timedelta(days=400)
    assert coupon_refusal(coupon=coupon, customer=None, point_of_sale=pos, at=far) is None


def test_relative_with_delay_starts_later_and_lasts_valid_days(program, pos, customer):
    series = CouponSeriesFactory(program=program, delay_days=1, valid_days=7)
    t = kyiv(2030, 3, 10, 12, 30)
    [coupon] = issue_coupons(series=series, quantity=1, at=t, customer=customer)
    assert coupon.valid_from == kyiv(2030, 3, 11, 12, 30)
    assert coupon.valid_to == kyiv(2030, 3, 18, 12, 30)

    def reason(moment):
        return coupon_refusal(coupon=coupon, customer=customer, point_of_sale=pos, at=moment)

    assert reason(kyiv(2030, 3, 11, 12, 29, 59)) == "coupon_not_yet_valid"
    assert reason(kyiv(2030, 3, 11, 12, 30)) is None
    assert reason(kyiv(2030, 3, 18, 12, 30)) is None
    assert reason(kyiv(2030, 3, 18, 12, 30, 1)) == "coupon_expired"


def test_relative_days_are_calendar_days_across_summer_time(program):
    series = CouponSeriesFactory(program=program, delay_days=0, valid_days=30)
    start, end = window_on_reach(series, at=kyiv(2030, 3, 10, 10, 0))  # EET
    assert end == kyiv(2030, 4, 9, 10, 0)  # EEST: still 10:00 on the wall clock
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=30, hours=-1)


def test_relative_without_delay_starts_at_once(program, customer):
    series = CouponSeriesFactory(program=program, delay_days=0, valid_days=1)
    t = kyiv(2030, 3, 10, 23, 0)
    assert window_on_reach(series, at=t) == (t, kyiv(2030, 3, 11, 23, 0))


def test_hours_window_starts_when_claimed(program, pos, customer):
    series = CouponSeriesFactory(program=program, validity_type=V.HOURS, valid_hours=3)
    [coupon] = issue_coupons(series=series, quantity=1, at=kyiv(2030, 3, 1, 9))
    claimed_at = kyiv(2030, 3, 10, 22, 0)
    claim_coupon(coupon=coupon, customer=customer, at=claimed_at)
    coupon.refresh_from_db()
    assert coupon.valid_from == claimed_at
    assert coupon.valid_to == kyiv(2030, 3, 11, 1, 0)
    after = coupon.valid_to + timedelta(microseconds=1)
    assert coupon_refusal(coupon=coupon, customer=customer, point_of_sale=pos, at=after) == (
        "coupon_expired"
    )
    assert (
        coupon_refusal(coupon=coupon, customer=customer, point_of_sale=pos, at=coupon.valid_to)
        is None
    )
