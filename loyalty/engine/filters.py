"""Filters of step 2 of rules.md: point of sale, schedule, identity, categories, first/repeat.

`rule_filter_failure` answers the first failing filter's reason code, or None. The moment is
the check's time in the business's time zone (`Moment`, computed once per check).
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from .errors import Reason
from .inputs import Customer, Schedule
from .periods import zone

IDENTITIES = frozenset(("any", "identified", "anonymous"))
SALES = frozenset(("all", "first", "repeat"))


@dataclass(frozen=True, slots=True)
class Moment:
    """A check's time in the business's time zone."""

    date: date
    weekday: int  # ISO: 1 = Monday
    time: time

    @classmethod
    def of(cls, at: datetime, timezone: str) -> "Moment":
        local = at.astimezone(zone(timezone))
        return cls(local.date(), local.isoweekday(), local.time().replace(tzinfo=None))


def schedule_matches(schedule: Schedule, moment: Moment) -> bool:
    """A missing part does not restrict; `date_to` is inclusive, `time_to` exclusive.

    A `time_from` later than `time_to` is a window across midnight (22:00-02:00); equal
    times do not restrict the time of day. Weekdays and dates are those of the local date of
    the check, also after midnight inside such a window.
    """
    if schedule.date_from is not None and moment.date < schedule.date_from:
        return False
    if schedule.date_to is not None and moment.date > schedule.date_to:
        return False
    if schedule.weekdays and moment.weekday not in schedule.weekdays:
        return False
    t_from, t_to = schedule.time_from, schedule.time_to
    now = moment.time
    if t_from is not None and t_to is not None:
        if t_from < t_to:
            return t_from <= now < t_to
        if t_from > t_to:
            return now >= t_from or now < t_to
        return True
    if t_from is not None:
        return now >= t_from
    if t_to is not None:
        return now < t_to
    return True


def filter_failure(
    points_of_sale: frozenset[str],
    schedule: Schedule | None,
    customer_identity: str,
    customer_categories: frozenset[str],
    applies_to_sales: str,
    point_of_sale: str,
    moment: Moment,
    customer: Customer | None,
) -> str | None:
    """The reason code of the first filter that fails, in the order of rules.md, or None."""
    if points_of_sale and point_of_sale not in points_of_sale:
        return Reason.POINT_OF_SALE
    if schedule is not None and not schedule_matches(schedule, moment):
        return Reason.OUTSIDE_SCHEDULE
    if customer_identity != "any" and (customer_identity == "identified") != (customer is not None):
        return Reason.CUSTOMER_IDENTITY
    if customer_categories and (customer is None or customer.category not in customer_categories):
        return Reason.CUSTOMER_CATEGORY
    if applies_to_sales != "all" and (
        customer is None or customer.has_completed_sales != (applies_to_sales == "repeat")
    ):
        return Reason.APPLIES_TO_SALES
    return None
