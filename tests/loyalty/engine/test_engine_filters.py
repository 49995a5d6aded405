"""Filters of step 2: point of sale, schedule in the business time zone, identity,
customer categories, first/repeat sales. Seen through a manual rule, which reports why."""

from datetime import UTC, date, datetime, time

import pytest

from loyalty.engine import Customer, Schedule

from .engine_builders import KYIV, NOW, item, rule, run
from .engine_builders import check as make_check

REGULAR = Customer(id=1, category="regular", has_completed_sales=True)
VIP_FIRST = Customer(id=2, category="vip", has_completed_sales=False)
NEW = Customer(id=None)
ANON = None


def outcome(customer=REGULAR, time=NOW, point_of_sale="center", **options):
    manual = rule(1, "discount_check_percent", "10", mode="manual", **options)
    result = run(
        [manual],
        make_check(
            item("LATTE"), customer=customer, time=time, point_of_sale=point_of_sale, manual=[1]
        ),
    )
    if result.applied_rules:
        return "applied"
    (reason,) = result.not_applied
    return reason.code


def at(y, m, d, hh=12, mm=0, ss=0, us=0):
    return datetime(y, m, d, hh, mm, ss, us, tzinfo=KYIV)


@pytest.mark.parametrize(
    ("points_of_sale", "point_of_sale", "expected"),
    [
        ((), "center", "applied"),
        (("center", "mall"), "center", "applied"),
        (("mall",), "center", "point_of_sale"),
    ],
)
def test_point_of_sale(points_of_sale, point_of_sale, expected):
    assert outcome(points_of_sale=points_of_sale, point_of_sale=point_of_sale) == expected


# NOW is Tuesday 2026-03-10 12:00 Kyiv
@pytest.mark.parametrize(
    ("schedule", "when", "expected"),
    [
        (Schedule(), NOW, "applied"),
        (Schedule(date_from=date(2026, 3, 10)), NOW, "applied"),
        (Schedule(date_from=date(2026, 3, 11)), NOW, "outside_schedule"),
        (Schedule(date_to=date(2026, 3, 10)), at(2026, 3, 10, 23, 59, 59, 999999), "applied"),
        (Schedule(date_to=date(2026, 3, 9)), NOW, "outside_schedule"),
        (Schedule(weekdays=frozenset({2})), NOW, "applied"),
        (Schedule(weekdays=frozenset({1, 3, 4, 5, 6, 7})), NOW, "outside_schedule"),
        (Schedule(weekdays=frozenset({7})), at(2026, 3, 15), "applied"),  # Sunday
        (Schedule(time_from=time(12, 0)), NOW, "applied"),
        (Schedule(time_from=time(12, 0, 1)), NOW, "outside_schedule"),
        (Schedule(time_to=time(12, 0)), NOW, "outside_schedule"),  # time_to is exclusive
        (Schedule(time_to=time(12, 0)), at(2026, 3, 10, 11, 59, 59, 999999), "applied"),
        (Schedule(time_from=time(8), time_to=time(20)), NOW, "applied"),
        (Schedule(time_from=time(8), time_to=time(20)), at(2026, 3, 10, 20), "outside_schedule"),
        # a window across midnight
        (Schedule(time_from=time(22), time_to=time(2)), at(2026, 3, 10, 23), "applied"),
        (Schedule(time_from=time(22), time_to=time(2)), at(2026, 3, 10, 1, 59), "applied"),
        (Schedule(time_from=time(22), time_to=time(2)), NOW, "outside_schedule"),
        (Schedule(time_from=time(9), time_to=time(9)), NOW, "applied"),
        # the business time zone decides: 22:30 UTC on Monday is 00:30 Tuesday in Kyiv
        (
            Schedule(weekdays=frozenset({2}), date_from=date(2026, 3, 10), time_to=time(1)),
            datetime(2026, 3, 9, 22, 30, tzinfo=UTC),
            "applied",
        ),
        (
            Schedule(weekdays=frozenset({1})),
            datetime(2026, 3, 9, 22, 30, tzinfo=UTC),
            "outside_schedule",
        ),
        # summer time: 09:30 UTC is 12:30 in Kyiv in July
        (
            Schedule(time_from=time(12), time_to=time(13)),
            datetime(2026, 7, 1, 9, 30, tzinfo=UTC),
            "applied",
        ),
    ],
)
def test_schedule_in_business_time_zone(schedule, when, expected):
    assert outcome(schedule=schedule, time=when) == expected


@pytest.mark.parametrize(
    ("identity", "customer", "expected"),
    [
        ("any", REGULAR, "applied"),
        ("any", ANON, "applied"),
        ("identified", REGULAR, "applied"),
        ("identified", NEW, "applied"),  # a phone registered by this check is identified
        ("identified", ANON, "customer_identity"),
        ("anonymous", ANON, "applied"),
        ("anonymous", REGULAR, "customer_identity"),
    ],
)
def test_customer_identity(identity, customer, expected):
    assert outcome(customer=customer, customer_identity=identity) == expected


@pytest.mark.parametrize(
    ("categories", "customer", "expected"),
    [
        ((), ANON, "applied"),
        (("regular", "vip"), REGULAR, "applied"),
        (("vip",), REGULAR, "customer_category"),
        (("vip",), NEW, "customer_category"),  # no category yet
        (("vip",), ANON, "customer_category"),
    ],
)
def test_customer_categories(categories, customer, expected):
    assert outcome(customer=customer, customer_categories=categories) == expected


@pytest.mark.parametrize(
    ("sales", "customer", "expected"),
    [
        ("all", ANON, "applied"),
        ("first", VIP_FIRST, "applied"),
        ("first", NEW, "applied"),
        ("first", REGULAR, "applies_to_sales"),
        ("first", ANON, "applies_to_sales"),
        ("repeat", REGULAR, "applied"),
        ("repeat", NEW, "applies_to_sales"),
        ("repeat", ANON, "applies_to_sales"),
    ],
)
def test_first_and_repeat_sales(sales, customer, expected):
    assert outcome(customer=customer, applies_to_sales=sales) == expected


def test_filters_report_the_first_failure_in_spec_order():
    assert (
        outcome(
            customer=ANON,
            points_of_sale=("mall",),
            schedule=Schedule(date_from=date(2030, 1, 1)),
            customer_identity="identified",
        )
        == "point_of_sale"
    )
    assert (
        outcome(customer=ANON, customer_identity="identified", applies_to_sales="first")
        == "customer_identity"
    )
