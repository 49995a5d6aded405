"""payments.md in the engine: units before the rules, money after; invariants over random
checks and payments (hypothesis)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty.engine import EngineError, compile_rules
from loyalty.engine.payments import (
    AccountSource,
    GiftCardSource,
    PaymentRequest,
    evaluate_with_payments,
)

from .engine_builders import D, item, rule
from .engine_builders import check as make_check

RULES = compile_rules(
    [
        rule(1, "discount_goods_percent", "10", priority=10),
        rule(2, "credit_check_percent", "5", priority=20),
    ]
)
ACCOUNTS = {
    "wallet": AccountSource("wallet", "money", D("100.00")),
    "car-wash": AccountSource("car-wash", "goods", D("3"), pays_goods=frozenset({"WASH"})),
}
CARD = {"GC1": GiftCardSource("GC1", D("500.00"))}


def wash(quantity="1"):
    return item("WASH", quantity, price="200.00", category="wash")


def pay(check, *payments, sold=()):
    return evaluate_with_payments(
        RULES, check, payments=payments, accounts=ACCOUNTS, gift_cards=CARD, gift_cards_sold=sold
    )


def test_units_leave_the_check_before_the_rules():
    result = pay(
        make_check(wash("2"), item("LATTE")), PaymentRequest(account="car-wash", units=D("2"))
    )
    assert (result.amount, result.discount, result.amount_to_pay) == (
        D("460.00"),
        D("6.00"),
        D("454.00"),
    )
    assert result.money_to_pay == D("54.00")
    assert [c.amount for c in result.credits] == [D("2.70")]
    assert result.positions[0].paid_by_units[0]["units"] == 2


@pytest.mark.parametrize(
    ("payment", "code", "field"),
    [
        (PaymentRequest(account="car-wash", units=D("1.5")), "validation_error", "units"),
        (PaymentRequest(gift_card="NOPE", amount=D("1")), "gift_card_not_found", "gift_card"),
        (PaymentRequest(account="wallet", amount=D("101")), "insufficient_balance", "amount"),
    ],
)
def test_refusals(payment, code, field):
    with pytest.raises(EngineError) as refused:
        pay(make_check(wash(), item("LATTE", "2")), payment)
    assert (refused.value.code, refused.value.field) == (code, f"payments[0].{field}")


money = st.integers(min_value=1, max_value=60_000).map(lambda c: Decimal(c).scaleb(-2))


@settings(max_examples=150, deadline=None)
@given(
    latte=st.integers(min_value=0, max_value=5),
    washes=st.integers(min_value=0, max_value=4),
    units=st.integers(min_value=0, max_value=3),
    wallet=money,
    card=money,
    sold=st.lists(st.integers(min_value=100, max_value=5000).map(Decimal), max_size=2),
)
def test_payments_never_exceed_what_is_to_pay(latte, washes, units, wallet, card, sold):
    lines = [item("LATTE", str(latte))] if latte else []
    lines += [wash(str(washes))] if washes else []
    if not lines:
        return
    payments = []
    if units:
        payments.append(PaymentRequest(account="car-wash", units=D(units)))
    payments += [
        PaymentRequest(account="wallet", amount=wallet),
        PaymentRequest(gift_card="GC1", amount=card),
    ]
    try:
        result = pay(make_check(*lines), *payments, sold=tuple(sold))
    except EngineError as refused:
        assert refused.code in {
            "insufficient_balance",
            "payment_exceeds_amount",
            "account_not_applicable",
        }
        return
    paid = sum((p.amount for p in result.payments), Decimal("0.00"))
    assert result.money_to_pay >= 0
    assert paid + result.points_paid + result.money_to_pay == result.amount_to_pay
    assert all(p.balance_after >= 0 for p in result.payments)
    assert result.amount == sum((p.amount for p in result.positions), Decimal(0)) + sum(
        sold, Decimal(0)
    )
