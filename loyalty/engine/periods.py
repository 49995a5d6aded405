"""Period windows of `depends_on.period`, in the business's time zone.

Calendar periods (`day`, `week`, `month`, `year`) start at local midnight of their first
day (ISO weeks start on Monday). Rolling periods (`last_30_days`, `last_365_days`) start
exactly 30 x 24 h / 365 x 24 h before the check's instant. The window ends at the check's
time (the current check itself never counts: callers sum completed past sales only).
"""

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CHECK = "check"
CALENDAR_PERIODS = ("day", "week", "month", "year")
ROLLING_PERIODS = {"last_30_days": timedelta(days=30), "last_365_days": timedelta(days=365)}
ALL_TIME = "all_time"
PERIODS = frozenset((CHECK, *CALENDAR_PERIODS, *ROLLING_PERIODS, ALL_TIME))


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The ZoneInfo of an IANA name; ValueError when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def period_start(period: str, at: datetime, timezone: str) -> datetime | None:
    """The start (aware, UTC) of the `period` window that contains `at`.

    None for `all_time`; ValueError for `check` (it has no window: it is the check itself),
    for an unknown period, a naive `at` or an unknown time zone.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("period_start() needs an aware datetime")
    if period == ALL_TIME:
        return None
    rolling = ROLLING_PERIODS.get(period)
    if rolling is not None:
        return at.astimezone(UTC) - rolling
    if period not in CALENDAR_PERIODS:
        raise ValueError(f"period {period!r} has no window")
    tz = zone(timezone)
    local = at.astimezone(tz)
    day = local.date()
    if period == "week":
        day = day - timedelta(days=day.isoweekday() - 1)
    elif period == "month":
        day = day.replace(day=1)
    elif period == "year":
        day = day.replace(month=1, day=1)
    # Local midnight with fold=0: an ambiguous midnight takes its first occurrence, and a
    # midnight skipped by a DST jump maps to the instant of the jump; both are the first
    # instant of that local day.
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
