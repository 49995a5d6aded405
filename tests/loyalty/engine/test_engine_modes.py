"""Candidates (auto, manual, coupon, kiosk), order, combining and what gets reported."""

from .engine_builders import D, item, items, line_discounts, reasons, rule, run
from .engine_builders import check as make_check

CP, CCP, GP = "discount_check_percent", "credit_check_percent", "discount_goods_percent"


def test_manual_rule_applies_only_when_selected():
    manual = rule(1, CP, "10", mode="manual", key="staff")
    assert run([manual], make_check(item("LATTE"))).applied_rules == []
    result = run([manual], make_check(item("LATTE"), manual=[1]))
    assert [(a.key, a.discount, a.coupon_ref) for a in result.applied_rules] == [
        ("staff", D("6.00"), None)
    ]


def test_unknown_or_non_manual_selected_rule_is_reported():
    rules = [rule(1, CP, "10"), rule(2, CP, "10", mode="kiosk"), rule(3, CP, "5", mode="manual")]
    result = run(rules, make_check(item("LATTE"), manual=[99, 1, 2, 3, 3]))
    assert reasons(result) == [
        ("rule", "99", "rule_not_found"),
        ("rule", "1", "rule_not_found"),
        ("rule", "2", "rule_not_found"),
    ]
    assert all(n.rule_id is None for n in result.not_applied)
    # the auto rule applies as an auto rule, the manual one once although selected twice
    assert [a.rule_id for a in result.applied_rules] == [1, 3]


def test_coupon_applications_apply_once_each_in_presentation_order():
    coupon_rule = rule(1, CP, "10", mode="coupon", key="ten-off")
    chk = make_check(item("LATTE", "2"), coupons=[("CODE-B", 1), ("CODE-A", 1)])
    result = run([coupon_rule], chk)
    assert [(a.coupon_ref, a.discount) for a in result.applied_rules] == [
        ("CODE-B", D("12.00")),
        ("CODE-A", D("10.80")),  # 10% of what the first left
    ]


def test_coupon_without_its_rule_is_reported():
    rules = [rule(1, CP, "10", mode="manual"), rule(2, CP, "10", mode="coupon")]
    chk = make_check(item("LATTE"), coupons=[("NOPE", 77), ("MANUAL", 1), ("GOOD", 2), ("GOOD", 2)])
    result = run(rules, chk)
    assert reasons(result) == [
        ("coupon", "NOPE", "coupon_not_applicable"),
        ("coupon", "MANUAL", "coupon_not_applicable"),
        ("coupon", "GOOD", "coupon_not_applicable"),  # presented twice
    ]
    assert [a.coupon_ref for a in result.applied_rules] == ["GOOD"]


def test_kiosk_rules_never_apply_to_sales():
    kiosk = rule(1, "issue_coupon_check", mode="kiosk")
    result = run([kiosk], make_check(item("LATTE"), manual=[1], coupons=[("K", 1)]))
    assert result.applied_rules == [] and result.coupons_issued == []
    assert [n.code for n in result.not_applied] == ["rule_not_found", "coupon_not_applicable"]


def test_order_is_priority_then_creation_order_then_id():
    rules = [
        rule(1, CP, "10", priority=5, order=1),
        rule(2, CP, "10", priority=1, order=9),
        rule(3, CP, "10", priority=1, order=3),
        rule(5, CP, "10", priority=1, order=3),
        rule(4, CP, "10", priority=1, order=3),
    ]
    result = run(rules, make_check(item("LATTE")))
    assert [a.rule_id for a in result.applied_rules] == [3, 4, 5, 2, 1]


def test_manual_and_coupon_candidates_take_their_place_in_the_order():
    rules = [
        rule(1, CP, "10", priority=2),
        rule(2, "special_price", "30.00", mode="coupon", priority=0),
        rule(3, CP, "50", mode="manual", priority=1),
    ]
    result = run(rules, make_check(item("LATTE"), manual=[3], coupons=[("C", 2)]))
    assert [a.rule_id for a in result.applied_rules] == [2, 3, 1]
    assert result.amount_to_pay == D("13.50")  # 60 -> 30 -> 15 -> 13.50


def test_failing_filter_auto_silent_manual_and_coupon_reported():
    rules = [
        rule(1, CP, "10", points_of_sale=["other"]),
        rule(2, CP, "10", mode="manual", points_of_sale=["other"], key="m"),
        rule(3, CP, "10", mode="coupon", points_of_sale=["other"]),
    ]
    result = run(rules, make_check(item("LATTE"), manual=[2], coupons=[("C1", 3)]))
    assert result.applied_rules == []
    assert reasons(result) == [("rule", "m", "point_of_sale"), ("coupon", "C1", "point_of_sale")]
    assert [n.rule_id for n in result.not_applied] == [2, 3]


def test_auto_rules_report_min_quantity_no_threshold_not_combinable_customer_required():
    rules = [
        rule(1, GP, "10", min_quantity="5", key="min"),
        rule(2, CP, "10", thresholds=[("1000", "5")], key="tier"),
        rule(3, CP, "10", key="plain"),
        rule(4, CP, "10", combine=False, key="alone"),
        rule(5, CCP, "10", key="cashback"),
    ]
    result = run(rules, make_check(item("LATTE"), customer=None))
    assert reasons(result) == [
        ("rule", "min", "min_quantity"),
        ("rule", "tier", "no_threshold"),
        ("rule", "alone", "not_combinable"),
        ("rule", "cashback", "customer_required"),
    ]


def test_combine_false_after_applied_is_skipped_later_rules_still_apply():
    rules = [
        rule(1, CP, "10", priority=0),
        rule(2, CP, "50", priority=1, combine=False),
        rule(3, CP, "10", priority=2),
    ]
    result = run(rules, make_check(item("LATTE")))
    assert [a.rule_id for a in result.applied_rules] == [1, 3]
    assert reasons(result) == [("rule", "r2", "not_combinable")]


def test_after_a_stop_remaining_candidates_are_not_combinable():
    rules = [
        rule(1, CP, "20", priority=0, combine=False),
        rule(2, CP, "10", priority=1),  # auto, filters match
        rule(3, CP, "10", priority=1, points_of_sale=["other"]),  # auto, filters fail: silent
        rule(4, GP, "10", priority=1, include_goods=["TEA"]),  # auto, filters match
        rule(5, CP, "10", priority=2, mode="manual", key="m5"),
        rule(6, CP, "10", priority=2, mode="manual", key="m6", points_of_sale=["other"]),
        rule(7, CP, "10", priority=3, mode="coupon"),
    ]
    chk = make_check(item("LATTE"), manual=[5, 6], coupons=[("CPN", 7)])
    result = run(rules, chk)
    assert [a.rule_id for a in result.applied_rules] == [1]
    assert reasons(result) == [
        ("rule", "r2", "not_combinable"),
        ("rule", "r4", "not_combinable"),
        ("rule", "m5", "not_combinable"),
        ("rule", "m6", "point_of_sale"),
        ("coupon", "CPN", "not_combinable"),
    ]


def test_combine_false_rule_that_does_not_apply_does_not_stop():
    rules = [
        rule(1, CP, "20", priority=0, combine=False, thresholds=[("1000", "20")]),  # no row
        rule(2, CCP, "20", priority=1, combine=False),  # anonymous: customer_required
        rule(3, "special_price", "99.00", priority=2, combine=False),  # no effect
        rule(4, CP, "10", priority=3, combine=False),  # the first to apply: stops
        rule(5, CP, "10", priority=4),
    ]
    result = run(rules, make_check(item("LATTE"), customer=None))
    assert [a.rule_id for a in result.applied_rules] == [4]
    assert [(n.ref, n.code) for n in result.not_applied] == [
        ("r1", "no_threshold"),
        ("r2", "customer_required"),
        ("r5", "not_combinable"),
    ]


def test_credit_on_anonymous_check_does_not_count_as_applied():
    rules = [rule(1, CCP, "5", priority=0), rule(2, CP, "10", priority=1, combine=False)]
    result = run(rules, make_check(item("LATTE"), customer=None))
    assert [a.rule_id for a in result.applied_rules] == [2]
    assert result.credits == []
    assert reasons(result) == [("rule", "r1", "customer_required")]


def test_manual_credit_rule_on_anonymous_check_is_reported():
    result = run(
        [rule(1, CCP, "5", mode="manual", key="m")],
        make_check(item("LATTE"), customer=None, manual=[1]),
    )
    assert reasons(result) == [("rule", "m", "customer_required")]


def test_manual_and_coupon_min_quantity_and_no_threshold_are_reported():
    rules = [
        rule(1, GP, "10", mode="manual", min_quantity="2", key="m"),
        rule(2, CP, "10", mode="coupon", thresholds=[("500", "10")]),
    ]
    result = run(rules, make_check(item("LATTE"), manual=[1], coupons=[("C", 2)]))
    assert reasons(result) == [("rule", "m", "min_quantity"), ("coupon", "C", "no_threshold")]


def test_a_line_fully_discounted_stays_at_zero():
    rules = [
        rule(1, "special_price", "0.00", priority=0),
        rule(2, "discount_check_amount", "5", priority=1),
    ]
    result = run(rules, make_check(*items("LATTE CROISSANT")))
    assert line_discounts(result) == ["60.00", "45.00"]
    assert result.amount_to_pay == D("0.00")
    assert [a.rule_id for a in result.applied_rules] == [1]
