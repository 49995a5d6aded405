"""Points payment after all rules, and the scaling of credits by the share paid in money."""

import pytest

from loyalty.engine import Customer, EngineError, ProgramSettings

from .engine_builders import D, item, rule, run
from .engine_builders import check as make_check

RICH = Customer(id=1, spendable_points=D("1000.00"))


def pay(points, *, customer=RICH, share="100", credit_on_points=True, rules=(), price="100.00"):
    settings = ProgramSettings(D(share), credit_on_points)
    chk = make_check(item("X", "1", price), customer=customer, pay_with_points=points)
    return run(list(rules), chk, settings)


def test_paying_with_points():
    result = pay("30.00")
    assert (result.amount_to_pay, result.points_paid, result.money_to_pay) == (
        D("100.00"),
        D("30.00"),
        D("70.00"),
    )


def test_whole_check_with_points():
    result = pay("100.00")
    assert result.money_to_pay == D("0.00")


def test_points_come_after_discounts():
    result = pay("90.00", rules=[rule(1, "discount_check_percent", "10")])
    assert (result.amount_to_pay, result.money_to_pay) == (D("90.00"), D("0.00"))
    with pytest.raises(EngineError) as exc:
        pay("90.01", rules=[rule(1, "discount_check_percent", "10")])
    assert exc.value.code == "points_share_exceeded"


@pytest.mark.parametrize(
    ("points", "kwargs", "code"),
    [
        ("1.00", {"customer": None}, "customer_required"),
        ("10.01", {"customer": Customer(1, spendable_points=D("10.00"))}, "insufficient_points"),
        ("1.00", {"customer": Customer(None)}, "insufficient_points"),  # new: no balance
        # both short and over the share: insufficient_points is checked first
        (
            "80.00",
            {"customer": Customer(1, spendable_points=D("10.00")), "share": "50"},
            "insufficient_points",
        ),
        ("50.01", {"share": "50"}, "points_share_exceeded"),
        ("100.01", {}, "points_share_exceeded"),  # more than the amount to pay
        ("0.01", {"share": "0"}, "points_share_exceeded"),
    ],
)
def test_points_errors(points, kwargs, code):
    with pytest.raises(EngineError) as exc:
        pay(points, **kwargs)
    assert (exc.value.code, exc.value.field) == (code, "pay_with_points")


def test_share_limit_is_rounded_half_up():
    # 50% of 0.03 = 0.015 -> 0.02
    assert pay("0.02", share="50", price="0.03").points_paid == D("0.02")
    with pytest.raises(EngineError):
        pay("0.03", share="50", price="0.03")
    assert pay("50.00", share="50").points_paid == D("50.00")


@pytest.mark.parametrize("points", ["-1.00", "0.001"])
def test_points_amount_must_be_money(points):
    with pytest.raises(EngineError) as exc:
        pay(points)
    assert (exc.value.code, exc.value.field) == ("validation_error", "pay_with_points")


CASHBACK = rule(1, "credit_check_percent", "10", key="cashback")
FIXED = rule(2, "credit_check_amount", "5.55", key="fixed")


def test_credits_not_reduced_by_default():
    result = pay("30.00", rules=[CASHBACK])
    assert [c.amount for c in result.credits] == [D("10.00")]


def test_credits_scaled_by_money_share():
    result = pay("30.00", credit_on_points=False, rules=[CASHBACK, FIXED])
    # 10.00 * 70/100 = 7.00; 5.55 * 0.7 = 3.885 -> 3.89
    assert [c.amount for c in result.credits] == [D("7.00"), D("3.89")]
    assert [a.credit for a in result.applied_rules] == [D("7.00"), D("3.89")]


def test_no_scaling_without_points():
    result = pay("0.00", credit_on_points=False, rules=[CASHBACK])
    assert [c.amount for c in result.credits] == [D("10.00")]


def test_credit_scaled_to_zero_is_dropped_but_rule_stays_applied():
    result = pay("100.00", credit_on_points=False, rules=[CASHBACK])
    assert result.credits == []
    assert [(a.key, a.credit) for a in result.applied_rules] == [("cashback", D("0.00"))]
