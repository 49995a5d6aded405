"""Every action, table-driven: what it does to the lines, the credits and the coupons."""

import pytest

from loyalty.engine import BundleComponent, CreditTarget
from loyalty.engine.actions import ACTIONS

from .engine_builders import D, item, items, line_discounts, reasons, rule, run
from .engine_builders import check as make_check

GP, GA, SP = "discount_goods_percent", "discount_goods_amount", "special_price"
CP, CA = "discount_check_percent", "discount_check_amount"
CGP, CGA, CCP, CCA = (
    "credit_goods_percent",
    "credit_goods_amount",
    "credit_check_percent",
    "credit_check_amount",
)
IG, IC = "issue_coupon_goods", "issue_coupon_check"
DC, BP = "discount_cheapest", "bundle_price"
MEAL = (
    BundleComponent(frozenset({"coffee"}), frozenset(), 1),
    BundleComponent(frozenset({"bakery"}), frozenset(), 1),
)

COFFEE = {"include_categories": ["coffee"]}


def case(name, action, value, positions, discounts, credit="0.00", coupons=0, **options):
    """One row: the rule (action, value, options), the check (`items` syntax) and what it
    gives: line discounts, total credit, coupons issued."""
    return pytest.param(
        action, value, options, positions, discounts.split(), credit, coupons, id=name
    )


# fmt: off
CASES = [
    case("goods-percent", GP, "10", "LATTE*2 CROISSANT", "12.00 0.00", **COFFEE),
    case("goods-percent-max", GP, "10", "LATTE*3", "6.00", max_quantity="1", **COFFEE),
    case("goods-percent-part-line", GP, "10", "LATTE LATTE*2", "6.00 3.00", max_quantity="1.5"),
    case("goods-percent-weighed", GP, "15", "TEA*0.101", "0.61"),  # 4.04 * 15% = 0.606
    case("goods-percent-100", GP, "100", "LATTE", "60.00"),
    case("goods-amount", GA, "5", "LATTE*2 CROISSANT", "10.00 0.00", **COFFEE),
    case("goods-amount-capped", GA, "100", "LATTE", "60.00"),
    case("goods-amount-unit-not-below-0", GA, "100", "LATTE*3", "60.00", max_quantity="1"),
    case("goods-amount-weighed", GA, "3", "TEA*0.5", "1.50"),
    case("goods-amount-weighed-round", GA, "0.05", "TEA*0.101", "0.01"),  # 0.00505
    case("special-price", SP, "50.00", "LATTE*2", "20.00", include_goods=["LATTE"]),
    case("special-price-free-one", SP, "0.00", "CROISSANT*2", "45.00",
         include_goods=["CROISSANT"], max_quantity="1"),
    case("special-price-weighed", SP, "30.00", "TEA*0.5", "5.00"),
    case("special-price-only-dearer", SP, "50.00", "LATTE CROISSANT", "10.00 0.00"),
    case("check-percent", CP, "10", "LATTE CROISSANT", "6.00 4.50"),
    case("check-amount", CA, "10.00", "LATTE CROISSANT", "5.71 4.29"),
    case("check-amount-capped", CA, "200.00", "LATTE CROISSANT", "60.00 45.00"),
    case("credit-goods-percent", CGP, "10", "LATTE BEANS", "0.00 0.00", "6.00", **COFFEE),
    # rounded per line: 0.005 + 0.005 -> 0.01 + 0.01
    case("credit-goods-percent-per-line", CGP, "2", "X@0.25 Y@0.25", "0.00 0.00", "0.02"),
    case("credit-goods-percent-max", CGP, "10", "LATTE", "0.00", "3.00", max_quantity="0.5"),
    case("credit-goods-amount", CGA, "2.50", "BEANS*1.5", "0.00", "3.75"),
    case("credit-goods-amount-weighed", CGA, "2.50", "BEANS*0.333", "0.00", "0.83"),
    case("credit-goods-amount-max", CGA, "5", "LATTE*3", "0.00", "10.00", max_quantity="2"),
    case("credit-check-percent", CCP, "5", "BEANS", "0.00", "17.50"),
    # once on the total: 0.50 * 2% = 0.01, not 0.01 + 0.01
    case("credit-check-percent-once", CCP, "2", "X@0.25 Y@0.25", "0.00 0.00", "0.01"),
    case("credit-check-amount", CCA, "15", "X@1.00", "0.00", "15.00"),
    case("issue-goods-per-check", IG, None, "BEANS*3 LATTE", "0.00 0.00", coupons=2,
         coupon_quantity=2, include_goods=["BEANS"]),
    case("issue-goods-per-item", IG, None, "BEANS*2.5 LATTE BEANS*0.5", "0.00 0.00 0.00",
         coupons=3, per="item", include_goods=["BEANS"]),
    case("issue-goods-per-item-quantity", IG, None, "BEANS*2", "0.00", coupons=4, per="item",
         coupon_quantity=2),
    case("issue-goods-per-item-max", IG, None, "BEANS*5", "0.00", coupons=2, per="item",
         max_quantity="2"),
    case("issue-goods-value-wins", IG, "3", "BEANS", "0.00", coupons=3, coupon_quantity=1),
    case("issue-check", IC, None, "LATTE", "0.00", coupons=1),
    case("issue-check-value-wins", IC, "2", "LATTE", "0.00", coupons=2, coupon_quantity=5),
    case("cheapest-free", DC, "100", "LATTE*2 CROISSANT", "0.00 45.00", group_size=3,
         free_count=1),
    case("cheapest-part-of-a-line", DC, "50", "LATTE*4", "60.00", group_size=2, free_count=1),
    case("cheapest-weighed-never", DC, "100", "LATTE TEA*1.5", "0.00 0.00", group_size=2,
         free_count=1, max_quantity="1"),
    case("bundle-dearest-units", BP, "100.00", "LATTE CROISSANT CAKE", "17.14 0.00 22.86",
         components=MEAL),
]
# fmt: on


def test_every_action_has_a_case():
    assert {c.values[0] for c in CASES} == set(ACTIONS)


@pytest.mark.parametrize(
    ("action", "value", "options", "positions", "discounts", "credit", "coupons"),
    CASES,
)
def test_action(action, value, options, positions, discounts, credit, coupons):
    r = rule(1, action, value, **options)
    result = run([r], make_check(*items(positions)))
    assert line_discounts(result) == discounts
    assert sum(D(d) for d in discounts) == result.discount
    assert sum((c.amount for c in result.credits), D("0.00")) == D(credit)
    assert sum(c.quantity for c in result.coupons_issued) == coupons
    if result.applied_rules:
        (applied,) = result.applied_rules
        assert (applied.discount, applied.credit, applied.coupons) == (
            result.discount,
            D(credit),
            coupons,
        )


@pytest.mark.parametrize(
    ("action", "value", "options", "positions"),
    [
        pytest.param(SP, "70.00", {}, [("LATTE", "1")], id="special-price-not-lower"),
        pytest.param(
            IG, None, {"per": "item"}, [("TEA", "0.5")], id="issue-per-item-no-whole-unit"
        ),
        pytest.param(GP, "10", {}, [("FREE", "1", "0.00")], id="goods-percent-of-zero"),
        pytest.param(CP, "0", {}, [("LATTE", "1")], id="check-percent-zero"),
        pytest.param(CCP, "1", {}, [("X", "1", "0.40")], id="credit-rounds-to-zero"),
    ],
)
def test_an_action_that_changes_nothing_does_not_apply(action, value, options, positions):
    chk_positions = [item(*p) for p in positions]
    auto = run([rule(1, action, value, **options)], make_check(*chk_positions))
    assert auto.applied_rules == [] and auto.not_applied == []  # auto: silently
    manual = run(
        [rule(1, action, value, mode="manual", **options)],
        make_check(*chk_positions, manual=[1]),
    )
    assert manual.applied_rules == []
    assert reasons(manual) == [("rule", "r1", "no_effect")]


def test_goods_action_without_matching_goods():
    options = {"include_categories": ["tea"]}
    auto = run([rule(1, GP, "10", **options)], make_check(item("LATTE")))
    assert auto.applied_rules == [] and auto.not_applied == []
    manual = run(
        [rule(1, GP, "10", mode="manual", **options)], make_check(item("LATTE"), manual=[1])
    )
    assert reasons(manual) == [("rule", "r1", "no_matching_goods")]


@pytest.mark.parametrize(
    ("options", "matched"),
    [
        ({}, ["LATTE", "CROISSANT", "BEANS"]),
        ({"include_categories": ["coffee"]}, ["LATTE"]),
        ({"include_goods": ["BEANS"]}, ["BEANS"]),
        ({"include_categories": ["coffee"], "include_goods": ["BEANS"]}, ["LATTE", "BEANS"]),
        ({"exclude_categories": ["bakery"]}, ["LATTE", "BEANS"]),
        ({"include_goods": ["BEANS", "LATTE"], "exclude_goods": ["BEANS"]}, ["LATTE"]),
        ({"include_goods": ["LATTE"], "exclude_categories": ["coffee"]}, []),
        ({"include_categories": ["coffee", "bakery", "x", "y", "z"]}, ["LATTE", "CROISSANT"]),
    ],
)
def test_goods_matching(options, matched):
    result = run(
        [rule(1, GP, "100", **options)],
        make_check(item("LATTE"), item("CROISSANT"), item("BEANS")),
    )
    assert [p.code for p in result.positions if p.discount] == matched


def test_max_quantity_takes_units_in_position_order():
    result = run(
        [rule(1, GP, "50", include_categories=["coffee"], max_quantity="2.5")],
        make_check(item("LATTE", "2"), item("CROISSANT"), item("LATTE", "2")),
    )
    # first line fully (60.00), half a unit of the third (15.00)
    assert line_discounts(result) == ["60.00", "0.00", "15.00"]


def test_credit_is_computed_on_effective_amounts_at_its_step():
    discount = rule(1, CP, "50", priority=0)
    credit = rule(2, CCP, "10", priority=1)
    result = run([credit, discount], make_check(item("LATTE", "2")))
    assert [c.amount for c in result.credits] == [D("6.00")]  # 10% of 60.00


@pytest.mark.parametrize(
    ("target", "account", "activates", "expires"),
    [
        (None, "bonus", None, None),
        (CreditTarget(), "bonus", None, None),
        (CreditTarget("bonus", expires_in_days=30), "bonus", None, None),  # special only
        (CreditTarget("special", expires_in_days=30), "special", None, 30),
        (CreditTarget("special", 30, 7), "special", 7, 30),
        (CreditTarget("special", None, 0), "special", None, None),
        (CreditTarget("special", 0, None), "special", None, 0),
        (CreditTarget("car-washes"), "car-washes", None, None),
    ],
)
def test_credit_target(target, account, activates, expires):
    from datetime import timedelta

    chk = make_check(item("LATTE"))
    result = run([rule(1, CCA, "5", credit=target)], chk)
    (credit,) = result.credits
    assert credit.account == account
    assert credit.activates_at == (None if activates is None else chk.time + timedelta(activates))
    assert credit.expires_at == (None if expires is None else chk.time + timedelta(expires))
    assert (credit.rule_id, credit.rule_key, credit.amount) == (1, "r1", D("5.00"))


def test_issue_actions_work_on_an_anonymous_check():
    result = run(
        [rule(1, IC, series="welcome"), rule(2, IG, series="beans", include_goods=["BEANS"])],
        make_check(item("BEANS"), customer=None),
    )
    assert [(c.series, c.quantity) for c in result.coupons_issued] == [("welcome", 1), ("beans", 1)]
