"""Invariants over random checks and rule sets (hypothesis)."""

import random
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from loyalty.engine import (
    ACTIONS,
    CREDIT_ACTIONS,
    DISCOUNT_ACTIONS,
    PERCENT_ACTIONS,
    BirthdayWindow,
    BundleComponent,
    Customer,
    Position,
    ProgramSettings,
    compile_rules,
    evaluate,
)
from loyalty.engine.money import distribute_cents

from .engine_builders import CUSTOMER, NOW, rule
from .engine_builders import check as make_check

CODES = ["LATTE", "CROISSANT", "BEANS", "TEA", "CAKE"]
CATEGORIES = ["coffee", "bakery", "coffee-beans", "tea", ""]
GOODS_ACTIONS = {
    a
    for a in ACTIONS
    if "goods" in a or a in ("special_price", "discount_cheapest", "bundle_price")
}

cents = st.integers(min_value=0, max_value=50_000).map(lambda c: Decimal(c).scaleb(-2))
units = st.one_of(
    st.integers(min_value=1, max_value=10_000).map(lambda m: Decimal(m).scaleb(-3)),
    st.integers(min_value=1, max_value=6).map(Decimal),  # whole units (promotions.md actions)
)


@st.composite
def positions(draw):
    n = draw(st.integers(min_value=0, max_value=8))
    return tuple(
        Position(
            code=draw(st.sampled_from(CODES)),
            title="",
            category=draw(st.sampled_from(CATEGORIES)),
            price=draw(cents),
            quantity=draw(units),
        )
        for _ in range(n)
    )


@st.composite
def rules(draw):
    count = draw(st.integers(min_value=0, max_value=8))
    made = []
    for rule_id in range(1, count + 1):
        action = draw(st.sampled_from(ACTIONS))
        if action in PERCENT_ACTIONS:
            value = draw(st.integers(min_value=0, max_value=10_000).map(lambda v: Decimal(v) / 100))
        elif action.startswith("issue"):
            value = draw(st.one_of(st.none(), st.integers(0, 3).map(Decimal)))
        else:
            value = draw(cents)
        options = {}
        if action in GOODS_ACTIONS:
            options["include_categories"] = draw(st.sets(st.sampled_from(CATEGORIES), max_size=2))
            options["exclude_goods"] = draw(st.sets(st.sampled_from(CODES), max_size=1))
            low = draw(st.one_of(st.none(), st.integers(0, 3000)))
            high = draw(st.one_of(st.none(), st.integers(0, 5000)))
            if low is not None:
                options["min_quantity"] = Decimal(low).scaleb(-3)
            if high is not None and (low is None or high >= low):
                options["max_quantity"] = Decimal(high).scaleb(-3)
        if action.startswith("issue"):
            options["per"] = draw(st.sampled_from(["check", "item"]))
        options.update(draw(promotion_options(action, options)))
        if draw(st.booleans()) and value is not None:
            higher = draw(st.integers(min_value=1, max_value=50_000))
            options["thresholds"] = [("0", value), (Decimal(higher).scaleb(-2), value)]
            if action.startswith("issue"):
                options["thresholds"][1] = (options["thresholds"][1][0], value + 1)
            options["measure"] = draw(st.sampled_from(["amount", "quantity"]))
            options["period"] = draw(st.sampled_from(["check", "month"]))
        made.append(
            rule(
                rule_id,
                action,
                value,
                priority=draw(st.integers(0, 3)),
                order=draw(st.integers(0, 3)),
                combine=draw(st.integers(0, 4)) > 0,
                mode=draw(st.sampled_from(["auto", "auto", "auto", "manual", "coupon"])),
                **options,
            )
        )
    return made


@st.composite
def promotion_options(draw, action, options):
    """promotions.md's fields: the two actions' own, the cap, the limit, the birthday."""
    extra: dict = {}
    if action == "discount_cheapest":
        group = draw(st.integers(2, 4))
        extra["group_size"] = group
        extra["free_count"] = draw(st.integers(1, group - 1))
    if action == "bundle_price":
        options.pop("include_categories", None)
        extra["components"] = tuple(
            BundleComponent(
                frozenset(draw(st.sets(st.sampled_from(CATEGORIES), max_size=2))),
                frozenset(draw(st.sets(st.sampled_from(CODES), max_size=1))),
                draw(st.integers(1, 2)),
            )
            for _ in range(draw(st.integers(2, 3)))
        )
    if action in ("discount_cheapest", "bundle_price") and "max_quantity" in options:
        options["max_quantity"] = options["max_quantity"].to_integral_value()
        low = options.get("min_quantity")
        if low is not None and options["max_quantity"] < low:
            del options["max_quantity"]
    if (action in DISCOUNT_ACTIONS or action in CREDIT_ACTIONS) and draw(st.booleans()):
        extra["max_amount"] = draw(st.integers(1, 20_000).map(lambda c: Decimal(c).scaleb(-2)))
    if action in GOODS_ACTIONS and draw(st.booleans()):
        low = options.get("min_quantity") or Decimal(0)
        extra["quantity_limit"] = low + draw(st.integers(0, 8000).map(lambda m: Decimal(m) / 1000))
    if draw(st.integers(0, 4)) == 0:
        extra["birthday"] = BirthdayWindow(draw(st.integers(0, 10)), draw(st.integers(0, 10)))
    return extra


customers = st.sampled_from(
    [
        None,
        CUSTOMER,
        Customer(None),
        Customer(5, "vip", True, Decimal("100.00")),
        Customer(6, birthday=NOW.date()),
    ]
)


def _check(pos, customer, rule_list):
    manual = [r.id for r in rule_list if r.mode == "manual"]
    coupons = [(f"C{r.id}", r.id) for r in rule_list if r.mode == "coupon"]
    return make_check(
        *pos,
        customer=customer,
        manual=manual,
        coupons=coupons,
        history={r.id: ("500.00", "2") for r in rule_list},
    )


PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(positions(), rules(), customers)
def test_totals_add_up_and_never_go_negative(pos, rule_list, customer):
    result = evaluate(compile_rules(rule_list), _check(pos, customer, rule_list), ProgramSettings())
    zero = Decimal("0.00")
    assert result.amount >= zero and result.discount >= zero and result.amount_to_pay >= zero
    assert result.amount == sum((p.amount for p in result.positions), zero)
    assert result.discount == sum((p.discount for p in result.positions), zero)
    assert result.discount == sum((a.discount for a in result.applied_rules), zero)
    assert result.amount_to_pay == result.amount - result.discount
    assert result.money_to_pay == result.amount_to_pay
    for p in result.positions:
        assert p.amount_to_pay >= zero and p.discount >= zero
        assert p.amount == p.discount + p.amount_to_pay
    for c in result.credits:
        assert c.amount > zero
    for value in (result.amount, result.discount, result.amount_to_pay):
        assert value.as_tuple().exponent == -2
    if customer is None:
        assert result.credits == []


@PROPERTY
@given(positions(), rules(), customers, st.randoms(use_true_random=False))
def test_deterministic_and_independent_of_rule_order(pos, rule_list, customer, rnd):
    chk = _check(pos, customer, rule_list)
    first = evaluate(compile_rules(rule_list), chk, ProgramSettings())
    assert evaluate(compile_rules(rule_list), chk, ProgramSettings()) == first
    shuffled = list(rule_list)
    rnd.shuffle(shuffled)
    assert evaluate(compile_rules(shuffled), chk, ProgramSettings()) == first


@PROPERTY
@given(positions(), rules(), st.integers(0, 100), st.booleans(), st.integers(0, 100))
def test_points_payment_within_limits(pos, rule_list, share, credit_on_points, ask_pct):
    customer = Customer(1, spendable_points=Decimal("1000000.00"))
    chk = _check(pos, customer, rule_list)
    plain = evaluate(compile_rules(rule_list), chk, ProgramSettings())
    limit = (plain.amount_to_pay * share / 100).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    ask = (limit * ask_pct / 100).quantize(Decimal("0.01"), "ROUND_DOWN")
    result = evaluate(
        compile_rules(rule_list),
        replace(chk, pay_with_points=ask),
        ProgramSettings(Decimal(share), credit_on_points),
    )
    assert result.points_paid == ask
    assert result.money_to_pay == result.amount_to_pay - ask >= 0
    plain_credit = {c.rule_id: c.amount for c in plain.credits}
    for c in result.credits:
        assert c.amount <= plain_credit[c.rule_id]
        if credit_on_points:
            assert c.amount == plain_credit[c.rule_id]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.integers(0, 100_000), min_size=1, max_size=20), st.data())
def test_distribution_adds_up_and_stays_within_weights(weights, data):
    total = data.draw(st.integers(0, sum(weights)))
    shares = distribute_cents(total, weights)
    assert sum(shares) == total
    assert all(0 <= s <= w for s, w in zip(shares, weights, strict=True))
    # each share is within one cent of its exact proportion
    if sum(weights):
        for s, w in zip(shares, weights, strict=True):
            assert abs(s * sum(weights) - total * w) < sum(weights)


def test_random_order_many_rules_same_result():
    rnd = random.Random(7)
    many = [
        rule(
            i,
            rnd.choice(["discount_check_percent", "credit_check_percent"]),
            "3",
            priority=rnd.randint(0, 2),
            order=rnd.randint(0, 2),
        )
        for i in range(1, 40)
    ]
    chk = make_check(
        *(Position(c, c, "", Decimal("9.99"), Decimal("1.5")) for c in CODES),
        time=NOW + timedelta(hours=1),
    )
    first = evaluate(compile_rules(many), chk, ProgramSettings())
    for _ in range(5):
        rnd.shuffle(many)
        assert evaluate(compile_rules(many), chk, ProgramSettings()) == first


whole_positions = st.lists(
    st.builds(
        Position,
        code=st.sampled_from(CODES),
        title=st.just(""),
        category=st.sampled_from(CATEGORIES),
        price=cents,
        quantity=st.integers(1, 5).map(Decimal),
    ),
    max_size=8,
)


@PROPERTY
@given(whole_positions, st.data(), st.randoms(use_true_random=False))
def test_cheapest_and_bundle_totals_do_not_depend_on_position_order(pos, data, rnd):
    """promotions.md picks units by price (ties by position), so on undiscounted whole
    units the rule's discount is the same in any position order. Where a line matches two
    bundle components, which of equally priced lines a component takes is the position's
    choice and may change which units bundle together: such checks are left out here
    (test_overlapping_components_find_the_bundle_in_any_order covers finding them)."""
    action = data.draw(st.sampled_from(["discount_cheapest", "bundle_price"]))
    options = data.draw(promotion_options(action, {}))
    options.pop("quantity_limit", None)
    options.pop("birthday", None)
    if action == "bundle_price":
        assume(all(sum(_matches(c, p) for c in options["components"]) <= 1 for p in pos))
    value = "100" if action == "discount_cheapest" else data.draw(cents)
    promo = rule(1, action, value, **options)
    first = evaluate(compile_rules([promo]), make_check(*pos), ProgramSettings())
    shuffled = list(pos)
    rnd.shuffle(shuffled)
    again = evaluate(compile_rules([promo]), make_check(*shuffled), ProgramSettings())
    assert again.discount == first.discount
    assert again.discount == sum((p.discount for p in again.positions), Decimal("0.00"))


def _matches(component, position) -> bool:
    if not component.include_categories and not component.include_goods:
        return True  # any goods
    return (
        position.category in component.include_categories
        or position.code in component.include_goods
    )


def test_overlapping_components_find_the_bundle_in_any_order():
    """any item x1 + LATTE x1 at 0.00: LATTE and CROISSANT make a bundle, whichever comes
    first (taking LATTE for "any item" first used to leave LATTE x1 with nothing)."""
    promo = rule(
        1,
        "bundle_price",
        "0.00",
        components=(BundleComponent(), BundleComponent(include_goods=frozenset({"LATTE"}))),
    )
    latte = Position("LATTE", "", "coffee", Decimal("0.01"), Decimal("1"))
    croissant = Position("CROISSANT", "", "coffee", Decimal("0.01"), Decimal("1"))
    for order in ([latte, croissant], [croissant, latte]):
        result = evaluate(compile_rules([promo]), make_check(*order), ProgramSettings())
        assert result.discount == Decimal("0.02"), order
