"""A coupon's validity window (coupons.md "validity").

A window is ``(valid_from, valid_to)``, both inclusive: a coupon is usable at ``at`` when
``valid_from <= at <= valid_to`` (a missing bound does not restrict).

- ``range``: fixed when the coupon is issued: from 00:00 of ``valid_from`` to the last
  microsecond of ``valid_to``, whole days in the business time zone.
- ``relative``: when the coupon reaches a customer: starts ``delay_days`` days later and ends
  ``valid_days`` days after its start. Days are calendar days in the business time zone, so
  a coupon received at 10:00 ends at 10:00 local time also across a DST change.
- ``hours``: when the coupon reaches a customer, for ``valid_hours`` hours of real time.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

RANGE, RELATIVE, HOURS = "range", "relative", "hours"


def business_tz(business) -> ZoneInfo:
    return ZoneInfo(business.timezone or "UTC")


def day_start(day, tz) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def day_end(day, tz) -> datetime:
    return datetime.combine(day, time.max, tzinfo=tz)


def _add_local_days(moment: datetime, days: int, tz) -> datetime:
    # Aware arithmetic within one tzinfo is wall-clock arithmetic; normalise through UTC so
    # that the offset is the one valid on the resulting day.
    local = moment.astimezone(tz) + timedelta(days=days)
    return local.astimezone(UTC).astimezone(tz)


def range_window(series) -> tuple[datetime | None, datetime | None]:
    tz = business_tz(series.business)
    start = day_start(series.valid_from, tz) if series.valid_from else None
    end = day_end(series.valid_to, tz) if series.valid_to else None
    return start, end


def window_on_issue(series, *, at) -> tuple[datetime | None, datetime | None]:
    """The window of a free coupon issued at ``at``: only ``range`` fixes one now."""
    if series.validity_type == RANGE:
        return range_window(series)
    return None, None


def window_on_reach(series, *, at) -> tuple[datetime, datetime]:
    """The window of a coupon that reaches a customer at ``at``.

    ``range`` series keep their fixed window (their coupons' windows never move).
    """
    if series.validity_type == RANGE:
        return range_window(series)
    if series.validity_type == HOURS:
        return at, at + timedelta(hours=series.valid_hours or 0)
    tz = business_tz(series.business)
    start = _add_local_days(at, series.delay_days or 0, tz)
    end = _add_local_days(start, series.valid_days or 0, tz)
    return start, end


def window_state(valid_from, valid_to, at) -> str | None:
    """``"not_yet"``, ``"over"`` or None when ``at`` lies in the window."""
    if valid_from is not None and at < valid_from:
        return "not_yet"
    if valid_to is not None and at > valid_to:
        return "over"
    return None


def issuable_until(series) -> datetime | None:
    """The last moment a new coupon of the series may be issued (``issue_until``, inclusive
    whole day, or the end of a ``range`` series' window), or None if no end."""
    tz = business_tz(series.business)
    ends = []
    if series.issue_until:
        ends.append(day_end(series.issue_until, tz))
    if series.validity_type == RANGE and series.valid_to:
        ends.append(day_end(series.valid_to, tz))
    return min(ends) if ends else None
