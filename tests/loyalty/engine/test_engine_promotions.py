"""promotions.md: the worked examples 1-4 and 7 in the engine, and the new actions' edges."""

from datetime import date, datetime

import pytest

from loyalty.engine import (
    BirthdayWindow,
    BundleComponent,
    CreditTarget,
    Customer,
    EngineError,
    Position,
    compile_rules,
)

from .engine_builders import KYIV, D, line_discounts, reasons, rule, run
from .engine_builders import check as make_check

GOODS = {
    "LATTE": ("coffee", "60.00"),
    "ESPRESSO": ("coffee", "40.00"),
    "CROISSANT": ("bakery", "35.00"),
    "MUFFIN": ("bakery", "45.00"),
}


def p(code, quantity="1"):
    category, price = GOODS[code]
    return Position(code, code.title(), category, D(price), D(quantity))


def third_coffee_free(**kw):
    return rule(
        1,
        "discount_cheapest",
        "100",
        key="third-coffee",
        include_categories=["coffee"],
        group_size=3,
        free_count=1,
        **kw,
    )


def meal_deal(value="70.00", **kw):
    return rule(
        2,
        "bundle_price",
        value,
        key="meal-deal",
        components=(
            BundleComponent(frozenset({"coffee"}), frozenset(), 1),
            BundleComponent(frozenset({"bakery"}), frozenset(), 1),
        ),
        **kw,
    )


# Example 1: third coffee free.
def test_example_1_one_free_the_cheapest():
    result = run([third_coffee_free()], make_check(p("LATTE", "2"), p("ESPRESSO")))
    assert line_discounts(result) == ["0.00", "40.00"]
    assert result.amount_to_pay == D("120.00")


def test_example_1_six_units_two_free():
    result = run([third_coffee_free()], make_check(p("LATTE", "5"), p("ESPRESSO")))
    assert result.amount == D("340.00")
    assert line_discounts(result) == ["60.00", "40.00"]
    assert result.amount_to_pay == D("240.00")


def test_example_1_two_units_reported_min_quantity():
    result = run([third_coffee_free()], make_check(p("LATTE", "2")))
    assert result.discount == D("0.00")
    assert reasons(result) == [("rule", "third-coffee", "min_quantity")]


def test_cheapest_ties_take_the_later_position_and_weighed_goods_never_match():
    result = run(
        [third_coffee_free()],
        make_check(p("LATTE"), p("LATTE"), p("LATTE"), p("ESPRESSO", "0.5")),
    )
    assert line_discounts(result) == ["0.00", "0.00", "60.00", "0.00"]


def test_cheapest_half_price_and_max_quantity_caps_the_discounted_units():
    half = rule(
        1,
        "discount_cheapest",
        "50",
        include_categories=["coffee"],
        group_size=2,
        free_count=1,
        max_quantity="1",
    )
    result = run([half], make_check(p("LATTE", "4")))
    assert result.discount == D("30.00")  # 2 groups, but at most 1 discounted unit


# Example 2: meal deal.
def test_example_2_two_bundles():
    result = run(
        [meal_deal()],
        make_check(p("LATTE"), p("MUFFIN"), p("ESPRESSO"), p("CROISSANT")),
    )
    assert line_discounts(result) == ["20.00", "15.00", "2.67", "2.33"]
    assert result.amount_to_pay == D("140.00")
    assert result.applied_rules[0].discount == D("40.00")


def test_bundle_never_raises_the_price_and_max_quantity_caps_bundles():
    result = run([meal_deal("90.00")], make_check(p("ESPRESSO"), p("CROISSANT")))
    assert result.discount == D("0.00")  # 75.00 < 90.00: no bundle discount
    result = run(
        [meal_deal(max_quantity="1")],
        make_check(p("LATTE"), p("MUFFIN"), p("ESPRESSO"), p("CROISSANT")),
    )
    assert line_discounts(result) == ["20.00", "15.00", "0.00", "0.00"]


def test_bundle_incomplete_does_nothing():
    result = run([meal_deal()], make_check(p("LATTE", "3")))
    assert result.discount == D("0.00")


def test_bundle_takes_units_of_one_line_in_several_bundles():
    result = run([meal_deal()], make_check(p("LATTE", "2"), p("MUFFIN", "2")))
    assert line_discounts(result) == ["40.00", "30.00"]
    assert result.amount_to_pay == D("140.00")


# Example 3: cap.
def test_example_3_cap():
    capped = rule(3, "discount_check_percent", "20", max_amount=D("50.00"))
    result = run([capped], make_check(p("LATTE", "5")))
    assert result.discount == D("50.00")
    assert result.amount_to_pay == D("250.00")


def test_cap_on_goods_discount_keeps_line_discounts_exact_and_caps_credits():
    capped = rule(
        3, "discount_goods_percent", "50", include_categories=["coffee"], max_amount=D("35.00")
    )
    result = run([capped], make_check(p("LATTE"), p("ESPRESSO"), p("LATTE")))
    assert result.discount == D("35.00")
    assert sum(D(x) for x in line_discounts(result)) == D("35.00")
    credit = rule(4, "credit_check_percent", "10", max_amount=D("5.00"), credit=CreditTarget())
    result = run([credit], make_check(p("LATTE", "2")))
    assert [c.amount for c in result.credits] == [D("5.00")]


# Example 4: quantity limit.
def test_example_4_quantity_limit():
    limited = rule(
        4,
        "discount_goods_percent",
        "10",
        key="two-max",
        include_categories=["coffee"],
        quantity_limit=D("2"),
    )
    result = run([limited], make_check(p("LATTE", "2")))
    assert result.discount == D("12.00")
    result = run([limited], make_check(p("LATTE", "3")))
    assert result.discount == D("0.00")
    assert reasons(result) == [("rule", "two-max", "quantity_limit")]


# Example 7: birthday.
BIRTHDAY = rule(
    7,
    "credit_check_amount",
    "100",
    key="birthday",
    credit=CreditTarget(),
    birthday=BirthdayWindow(3, 3),
)


def on(day: int, month: int = 3, year: int = 2026):
    return datetime(year, month, day, 12, 0, tzinfo=KYIV)


@pytest.mark.parametrize(("day", "credit"), [(7, "100.00"), (13, "100.00"), (6, None), (14, None)])
def test_example_7_birthday_window(day, credit):
    customer = Customer(id=1, birthday=date(1990, 3, 10))
    result = run([BIRTHDAY], make_check(p("LATTE"), customer=customer, time=on(day)))
    assert [str(c.amount) for c in result.credits] == ([credit] if credit else [])


def test_example_7_no_birthday_or_anonymous_never():
    for customer in (Customer(id=1), None):
        result = run([BIRTHDAY], make_check(p("LATTE"), customer=customer, time=on(10)))
        assert result.credits == []


def test_birthday_across_the_new_year_and_on_29_february():
    window = rule(8, "discount_check_amount", "10.00", birthday=BirthdayWindow(0, 3))
    newyear = Customer(id=1, birthday=date(1990, 12, 30))
    result = run([window], make_check(p("LATTE"), customer=newyear, time=on(2, 1, 2027)))
    assert result.discount == D("10.00")
    leap = Customer(id=1, birthday=date(2000, 2, 29))
    result = run([window], make_check(p("LATTE"), customer=leap, time=on(28, 2, 2027)))
    assert result.discount == D("10.00")
    result = run([window], make_check(p("LATTE"), customer=leap, time=on(4, 3, 2027)))
    assert result.discount == D("0.00")


def test_manual_rule_outside_the_birthday_is_reported():
    manual = rule(9, "discount_check_amount", "10.00", mode="manual", birthday=BirthdayWindow(1, 1))
    result = run([manual], make_check(p("LATTE"), manual=[9]))
    assert reasons(result) == [("rule", "r9", "birthday")]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"action": "discount_cheapest", "group_size": 1, "free_count": 1}, "group_size"),
        ({"action": "discount_cheapest", "group_size": 3, "free_count": 3}, "free_count"),
        ({"action": "bundle_price", "components": ()}, "components"),
        (
            {"action": "bundle_price", "components": (BundleComponent(frozenset({"a"})),)},
            "components",
        ),
        (
            {"action": "discount_goods_percent", "min_quantity": "3", "quantity_limit": "2"},
            "quantity_limit",
        ),
        ({"action": "discount_check_amount", "birthday": BirthdayWindow(20, 12)}, "birthday"),
        ({"action": "issue_coupon_check", "max_amount": D("5")}, "max_amount"),
    ],
)
def test_bad_input_names_the_field(kw, field):
    kw = dict(kw)
    action = kw.pop("action")
    for name in ("min_quantity", "quantity_limit"):
        if name in kw:
            kw[name] = D(kw[name])
    bad = rule(1, action, "10", **kw)
    with pytest.raises(EngineError) as caught:
        compile_rules([bad])
    assert caught.value.field == field
