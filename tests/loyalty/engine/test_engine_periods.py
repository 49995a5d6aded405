"""period_start: the window each period starts at, in the business time zone."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from loyalty.engine import PERIODS, period_start

KYIV = ZoneInfo("Europe/Kyiv")


def kyiv(*args):
    return datetime(*args, tzinfo=KYIV)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("period", "at", "start"),
    [
        # day: local midnight; the edges belong to the day they start
        ("day", kyiv(2026, 3, 10, 0, 0), utc(2026, 3, 9, 22)),
        ("day", kyiv(2026, 3, 10, 23, 59, 59, 999999), utc(2026, 3, 9, 22)),
        ("day", utc(2026, 3, 9, 22, 30), utc(2026, 3, 9, 22)),  # 00:30 in Kyiv
        ("day", utc(2026, 3, 9, 21, 59), utc(2026, 3, 8, 22)),  # 23:59 the day before
        # ISO week: Monday 00:00
        ("week", kyiv(2026, 3, 9, 0, 0), utc(2026, 3, 8, 22)),  # Monday itself
        ("week", kyiv(2026, 3, 15, 23, 59), utc(2026, 3, 8, 22)),  # Sunday
        ("week", kyiv(2027, 1, 1, 12), utc(2026, 12, 27, 22)),  # ISO week across the year
        ("week", kyiv(2026, 1, 1, 12), utc(2025, 12, 28, 22)),
        ("month", kyiv(2026, 3, 31, 23, 59), utc(2026, 2, 28, 22)),
        ("month", kyiv(2026, 3, 1, 0, 0), utc(2026, 2, 28, 22)),
        ("year", kyiv(2026, 12, 31, 23, 59), utc(2025, 12, 31, 22)),
        ("year", utc(2025, 12, 31, 22, 0), utc(2025, 12, 31, 22)),  # Jan 1st 00:00 in Kyiv
        # DST starts in Kyiv on 2026-03-29 (03:00 -> 04:00): that day began at +02:00
        ("day", kyiv(2026, 3, 29, 10), utc(2026, 3, 28, 22)),
        ("day", kyiv(2026, 3, 30, 0, 0), utc(2026, 3, 29, 21)),  # the next begins at +03:00
        ("week", kyiv(2026, 3, 29, 10), utc(2026, 3, 22, 22)),
        ("week", kyiv(2026, 3, 30, 10), utc(2026, 3, 29, 21)),
        ("month", kyiv(2026, 4, 15), utc(2026, 3, 31, 21)),
        # DST ends on 2026-10-25 (04:00 -> 03:00): that day began at +03:00
        ("day", kyiv(2026, 10, 25, 12), utc(2026, 10, 24, 21)),
        ("day", kyiv(2026, 10, 26, 12), utc(2026, 10, 25, 22)),
        ("week", kyiv(2026, 10, 28, 12), utc(2026, 10, 25, 22)),  # Monday 26th, +02:00
        ("month", kyiv(2026, 11, 1, 0, 30), utc(2026, 10, 31, 22)),
        # rolling periods: exactly 30 / 365 days of 24 h before the check
        ("last_30_days", kyiv(2026, 3, 10, 12), utc(2026, 2, 8, 10)),
        ("last_30_days", kyiv(2026, 4, 10, 12), utc(2026, 3, 11, 9)),  # across DST
        ("last_365_days", kyiv(2026, 3, 10, 12), utc(2025, 3, 10, 10)),
        ("all_time", kyiv(2026, 3, 10, 12), None),
    ],
)
def test_period_start(period, at, start):
    assert period_start(period, at, "Europe/Kyiv") == start
    if start is not None:
        assert start.utcoffset() == timedelta(0)
        assert start <= at


def test_skipped_midnight_starts_at_the_jump():
    # Sao Paulo, 2018-11-04: clocks jumped from 00:00 to 01:00 (-03:00 -> -02:00)
    sao_paulo = ZoneInfo("America/Sao_Paulo")
    start = period_start("day", datetime(2018, 11, 4, 12, tzinfo=sao_paulo), "America/Sao_Paulo")
    assert start == utc(2018, 11, 4, 3)
    assert start.astimezone(sao_paulo).hour == 1


@pytest.mark.parametrize(
    ("period", "at", "zone"),
    [
        ("check", kyiv(2026, 3, 10), "Europe/Kyiv"),
        ("fortnight", kyiv(2026, 3, 10), "Europe/Kyiv"),
        ("day", datetime(2026, 3, 10), "Europe/Kyiv"),  # naive
        ("day", kyiv(2026, 3, 10), "Mars/Olympus"),
    ],
)
def test_period_start_refuses(period, at, zone):
    with pytest.raises(ValueError):
        period_start(period, at, zone)


def test_periods_constant_names_the_eight_periods():
    assert {
        "check",
        "day",
        "week",
        "month",
        "year",
        "last_30_days",
        "last_365_days",
        "all_time",
    } == PERIODS
