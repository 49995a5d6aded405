"""The six worked examples of rules.md, verbatim."""

import pytest

from loyalty.engine import Customer

from .engine_builders import D, item, line_discounts, reasons, rule, run
from .engine_builders import check as make_check

# Example 1: tiers on the check amount.
RULE_A = rule(
    1,
    "discount_check_percent",
    key="A",
    thresholds=[("0", "1"), ("100.01", "7")],
    measure="amount",
    period="check",
)


@pytest.mark.parametrize(
    ("lattes", "amount", "discount", "to_pay"),
    [("1", "60.00", "0.60", "59.40"), ("2", "120.00", "8.40", "111.60")],
)
def test_example_1_check_percent_thresholds(lattes, amount, discount, to_pay):
    result = run([RULE_A], make_check(item("LATTE", lattes)))
    assert (result.amount, result.discount, result.amount_to_pay) == (
        D(amount),
        D(discount),
        D(to_pay),
    )
    assert [a.key for a in result.applied_rules] == ["A"]


def test_example_2_special_price_before_percent():
    b = rule(
        2, "special_price", "30.00", key="B", priority=0, include_goods=["LATTE"], max_quantity="2"
    )
    c = rule(3, "discount_goods_percent", "10", key="C", priority=5, include_categories=["coffee"])
    result = run([c, b], make_check(item("LATTE", "3")))
    by_key = {a.key: a for a in result.applied_rules}
    assert by_key["B"].discount == D("60.00")  # two units at 30.00, third at 60.00: 120.00
    assert by_key["C"].discount == D("12.00")
    assert result.amount_to_pay == D("108.00")
    assert [a.key for a in result.applied_rules] == ["B", "C"]


def test_example_3_not_combinable_first_stops():
    d = rule(4, "discount_check_percent", "20", key="D", priority=0, combine=False)
    e = rule(5, "credit_check_percent", "5", key="E", priority=1)
    result = run([d, e], make_check(item("BEANS")))
    assert result.discount == D("70.00")
    assert result.credits == []
    assert [a.key for a in result.applied_rules] == ["D"]
    assert reasons(result) == [("rule", "E", "not_combinable")]


def test_example_3_not_combinable_after_another_is_skipped():
    d = rule(4, "discount_check_percent", "20", key="D", priority=2, combine=False)
    e = rule(5, "credit_check_percent", "5", key="E", priority=1)
    result = run([d, e], make_check(item("BEANS")))
    assert [a.key for a in result.applied_rules] == ["E"]
    assert [(c.account, c.amount) for c in result.credits] == [("bonus", D("17.50"))]
    assert result.discount == D("0.00")
    assert reasons(result) == [("rule", "D", "not_combinable")]


RULE_F = rule(
    6,
    "issue_coupon_goods",
    key="F",
    include_goods=["BEANS"],
    series="free-croissant",
    per="check",
    coupon_quantity=1,
    thresholds=[("3", "1")],
    measure="quantity",
    period="last_365_days",
)


def test_example_4_first_check_does_not_count_itself():
    new_customer = Customer(id=None)
    result = run([RULE_F], make_check(item("BEANS", "3"), customer=new_customer))
    assert result.coupons_issued == []
    assert reasons(result) == [("rule", "F", "no_threshold")]


def test_example_4_next_check_counts_completed_units():
    customer = Customer(id=7, has_completed_sales=True)
    chk = make_check(item("BEANS", "1"), customer=customer, history={6: ("1050.00", "3")})
    result = run([RULE_F], chk)
    assert [(c.series, c.quantity, c.rule_key) for c in result.coupons_issued] == [
        ("free-croissant", 1, "F")
    ]
    assert result.applied_rules[0].coupons == 1


def test_example_5_check_amount_split_by_largest_remainder():
    g = rule(7, "discount_check_amount", "10.00", key="G")
    result = run([g], make_check(item("LATTE"), item("CROISSANT")))
    assert line_discounts(result) == ["5.71", "4.29"]
    assert result.discount == D("10.00")


RULE_H = rule(
    8,
    "credit_goods_amount",
    "5",
    key="H",
    include_categories=["coffee"],
    exclude_goods=["BEANS"],
    min_quantity="2",
)


def test_example_6_min_quantity_not_reached():
    result = run([RULE_H], make_check(item("LATTE"), item("BEANS")))
    assert result.credits == []
    assert reasons(result) == [("rule", "H", "min_quantity")]


def test_example_6_two_lattes_credit_ten():
    result = run([RULE_H], make_check(item("LATTE", "2")))
    assert [c.amount for c in result.credits] == [D("10.00")]
    assert result.applied_rules[0].credit == D("10.00")
