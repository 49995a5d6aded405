"""Step 5: values from thresholds over the check or over the customer's history."""

from decimal import Decimal

import pytest

from loyalty.engine import Customer, Threshold, history_rules, select_threshold
from loyalty.engine.ruleset import compile_rules

from .engine_builders import D, item, items, reasons, rule, run
from .engine_builders import check as make_check

CP, GP = "discount_check_percent", "discount_goods_percent"
TIERS = [("0", "1"), ("100.01", "7"), ("200", "10")]


@pytest.mark.parametrize(
    ("spec", "percent"),
    [
        ("X@100.00", "1"),
        ("X@100.01", "7"),  # from is inclusive
        ("X@199.99", "7"),
        ("X@200.00", "10"),
        ("LATTE*4", "10"),
    ],
)
def test_check_amount_tiers(spec, percent):
    result = run([rule(1, CP, thresholds=TIERS)], make_check(*items(spec)))
    assert result.discount == (result.amount * D(percent) / 100).quantize(D("0.01"))


def test_fractional_from_compares_exactly():
    tiers = [("100.005", "10")]
    assert run([rule(1, CP, thresholds=tiers)], make_check(*items("X@100.00"))).applied_rules == []
    assert run([rule(1, CP, thresholds=tiers)], make_check(*items("X@100.01"))).applied_rules


def test_check_period_measures_effective_amounts_at_the_rule_step():
    rules = [
        rule(1, CP, "50", priority=0),
        rule(2, CP, priority=1, thresholds=[("100", "10")], key="tier"),
    ]
    result = run(rules, make_check(item("LATTE", "2")))  # 120.00 -> 60.00 before "tier"
    assert [a.rule_id for a in result.applied_rules] == [1]
    assert reasons(result) == [("rule", "tier", "no_threshold")]


def test_goods_action_measures_matched_positions_only():
    coffee_tier = rule(
        1, GP, thresholds=[("100", "10")], include_categories=["coffee"], measure="amount"
    )
    assert run([coffee_tier], make_check(*items("LATTE BEANS"))).applied_rules == []
    assert run([coffee_tier], make_check(*items("LATTE*2 BEANS"))).discount == D("12.00")


def test_quantity_over_check():
    goods = rule(1, GP, thresholds=[("3", "10")], include_goods=["LATTE"], measure="quantity")
    check_rule = rule(2, CP, thresholds=[("3", "10")], measure="quantity")
    assert run([goods], make_check(*items("LATTE*2 CROISSANT"))).applied_rules == []
    assert run([check_rule], make_check(*items("LATTE*2 CROISSANT"))).discount == D("16.50")
    assert run([goods], make_check(*items("LATTE*2.5 LATTE*0.5"))).discount == D("18.00")


def test_quantity_measure_counts_all_matched_units_not_only_covered():
    r = rule(
        1,
        GP,
        "10",
        max_quantity="1",
        thresholds=[("3", "50")],
        measure="quantity",
    )
    result = run([r], make_check(*items("LATTE*3")))
    assert result.discount == D("30.00")  # 50% of the one covered unit


@pytest.mark.parametrize(
    ("period", "history", "customer", "expected"),
    [
        ("month", {1: ("999.99", "0")}, Customer(1), None),
        ("month", {1: ("1000.00", "0")}, Customer(1), "5"),
        ("year", {1: ("5000.00", "0")}, Customer(1), "10"),
        ("all_time", {}, Customer(1), None),  # missing history: zeros
        ("all_time", {1: ("5000.00", "0")}, None, None),  # anonymous: 0 whatever is passed
        ("day", {2: ("5000.00", "0")}, Customer(1), None),  # history of another rule
    ],
)
def test_history_periods(period, history, customer, expected):
    r = rule(1, CP, thresholds=[("1000", "5"), ("5000", "10")], period=period)
    result = run([r], make_check(item("X", "1", "100.00"), customer=customer, history=history))
    if expected is None:
        assert result.applied_rules == []
        assert reasons(result) == [("rule", "r1", "no_threshold")]
    else:
        assert result.discount == D(expected)


def test_history_quantity_and_current_check_not_counted():
    r = rule(1, CP, thresholds=[("10", "5")], measure="quantity", period="week")
    chk = make_check(item("LATTE", "20"), history={1: ("0", "9.999")})
    assert run([r], chk).applied_rules == []
    chk = make_check(item("LATTE", "1"), history={1: ("0", "10")})
    assert run([r], chk).discount == D("3.00")


def test_threshold_value_replaces_value_and_counts_coupons():
    discount = rule(1, CP, "50", thresholds=[("0", "10")])
    assert run([discount], make_check(item("LATTE"))).discount == D("6.00")
    issue = rule(2, "issue_coupon_check", "9", coupon_quantity=5, thresholds=[("0", "2")])
    assert [c.quantity for c in run([issue], make_check(item("LATTE"))).coupons_issued] == [2]


def test_select_threshold():
    rows = [Threshold(Decimal("100.01"), Decimal("7")), Threshold(Decimal("0"), Decimal("1"))]
    assert select_threshold(rows, Decimal("100.01")).value == Decimal("7")
    assert select_threshold(rows, Decimal("100")).value == Decimal("1")
    assert select_threshold(rows[:1], Decimal("5")) is None


def test_history_rules():
    rules = [
        rule(1, CP, thresholds=[("0", "1")], period="check"),
        rule(2, CP, thresholds=[("0", "1")], period="month", priority=3),
        rule(3, CP, "1"),
        rule(4, CP, thresholds=[("0", "1")], period="all_time", mode="manual", priority=1),
        rule(5, CP, thresholds=[("0", "1")], period="year", mode="coupon", priority=2),
        rule(6, "issue_coupon_check", thresholds=[("0", "1")], period="day", mode="kiosk"),
    ]
    ruleset = compile_rules(rules)
    assert [r.id for r in history_rules(ruleset)] == [6, 4, 5, 2]
    assert [r.id for r in history_rules(ruleset, ["auto", "manual"])] == [4, 2]
    assert [r.id for r in history_rules(ruleset, "coupon")] == [5]
    chk = make_check(item("LATTE"), manual=[4])
    assert [r.id for r in history_rules(ruleset, chk)] == [4, 2]
    chk = make_check(item("LATTE"), coupons=[("C", 5)])
    assert [r.id for r in history_rules(ruleset, chk)] == [5, 2]
