"""Paying a check with balances (payments.md): prepaid units before the rules, points and
money sources after them.

`evaluate_with_payments` wraps `evaluate.evaluate`: it takes the units that `units` payments
cover out of the check, lets the rules run on what is left (points payment included, as
rules.md has it), then puts the covered lines and the gift cards sold back into the totals
and applies the money payments in the order the check lists them. Pure Python: the callers
load the balances (`AccountSource`, `GiftCardSource`) and map `EngineError` to the API.
"""

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from .errors import CUSTOMER_REQUIRED, VALIDATION_ERROR, EngineError
from .evaluate import DEFAULT_SETTINGS, evaluate
from .inputs import Check, ProgramSettings
from .money import from_cents, scaled_int
from .results import EvaluationResult, PositionResult
from .ruleset import RuleSet
from .validation import as_decimal

INSUFFICIENT_BALANCE = "insufficient_balance"
ACCOUNT_NOT_APPLICABLE = "account_not_applicable"
PAYMENT_EXCEEDS_AMOUNT = "payment_exceeds_amount"
GIFT_CARD_NOT_FOUND = "gift_card_not_found"
GIFT_CARD_EXPIRED = "gift_card_expired"
GIFT_CARD_BLOCKED = "gift_card_blocked"

MONEY, GOODS = "money", "goods"
GIFT_CARD_MESSAGES = {
    GIFT_CARD_NOT_FOUND: "No such gift card.",
    GIFT_CARD_EXPIRED: "The gift card has expired.",
    GIFT_CARD_BLOCKED: "The gift card is blocked.",
}


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    """One entry of the check's `payments`: an account (`amount` or `units`) or a gift card."""

    account: str | None = None
    gift_card: str | None = None  # the card's canonical code
    amount: Decimal | None = None
    units: Decimal | None = None


@dataclass(frozen=True, slots=True)
class AccountSource:
    key: str
    kind: str  # "money" | "goods" | another kind, which cannot pay
    balance: Decimal  # active balance (units for goods)
    pays_goods: frozenset[str] = frozenset()
    pays_categories: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class GiftCardSource:
    ref: str  # canonical code
    balance: Decimal = Decimal("0.00")
    refusal: str | None = None  # gift_card_not_found | gift_card_expired | gift_card_blocked


@dataclass
class Payment:
    source: str  # "points" | "account" | "gift_card"
    amount: Decimal
    balance_after: Decimal
    account: str | None = None
    gift_card: str | None = None
    units: Decimal | None = None
    index: int | None = None  # its place in the request's `payments`; None for points


def _cents(value, field: str) -> int:
    given = as_decimal(value)
    cents = None if given is None else scaled_int(given, 2)
    if cents is None or cents <= 0:
        raise EngineError(VALIDATION_ERROR, "Expected a positive amount of 2 places.", field)
    return cents


def _whole_units(value, field: str) -> int:
    given = as_decimal(value)
    units = None if given is None else scaled_int(given, 0)
    if units is None or units <= 0:
        raise EngineError(
            VALIDATION_ERROR, "Units are paid whole: expected a positive whole number.", field
        )
    return units


def _check_shapes(check: Check, payments, accounts) -> None:
    for n, p in enumerate(payments):
        at = f"payments[{n}]"
        if (p.account is None) == (p.gift_card is None):
            raise EngineError(VALIDATION_ERROR, "Give either an account or a gift card.", at)
        if p.gift_card is not None:
            if p.amount is None or p.units is not None:
                raise EngineError(VALIDATION_ERROR, "A gift card pays an amount.", f"{at}.amount")
            continue
        if check.customer is None:
            raise EngineError(
                CUSTOMER_REQUIRED, "Identify the customer to pay from an account.", f"{at}.account"
            )
        source = accounts.get(p.account)
        if source is None or source.kind not in (MONEY, GOODS):
            raise EngineError(
                ACCOUNT_NOT_APPLICABLE, "This account cannot pay a check.", f"{at}.account"
            )
        if source.kind == MONEY and (p.amount is None or p.units is not None):
            raise EngineError(
                ACCOUNT_NOT_APPLICABLE, "A money account pays an amount, not units.", f"{at}.units"
            )
        if source.kind == GOODS and (p.units is None or p.amount is not None):
            raise EngineError(
                ACCOUNT_NOT_APPLICABLE, "A units account pays units, not an amount.", f"{at}.amount"
            )


def evaluate_with_payments(
    ruleset: RuleSet,
    check: Check,
    settings: ProgramSettings = DEFAULT_SETTINGS,
    *,
    payments: tuple[PaymentRequest, ...] = (),
    accounts: dict[str, AccountSource] | None = None,
    gift_cards: dict[str, GiftCardSource] | None = None,
    gift_cards_sold: tuple[Decimal, ...] = (),
) -> EvaluationResult:
    """Evaluate `check` paid by `payments` (payments.md "Order"); writes nothing.

    Raises EngineError (field `payments[n]...`) for a payment that cannot be made."""
    accounts = accounts or {}
    gift_cards = gift_cards or {}
    _check_shapes(check, payments, accounts)
    sold_cents = [_cents(a, f"gift_cards_sold[{n}].amount") for n, a in enumerate(gift_cards_sold)]

    # 1. Units first: whole units of matching lines, in position order, leave the check.
    positions = check.positions
    left = [p.quantity for p in positions]
    covered: dict[int, list[dict]] = {}
    left_balance: dict[tuple[str, str], Decimal] = {}
    units_paid: dict[int, tuple[int, int]] = {}  # payment index -> (units, cents)
    for n, p in enumerate(payments):
        if p.units is None:
            continue
        at = f"payments[{n}].units"
        units = _whole_units(p.units, at)
        source = accounts[p.account]  # type: ignore[index]
        balance = left_balance.setdefault(("account", source.key), source.balance)
        if units > balance:
            raise EngineError(
                INSUFFICIENT_BALANCE, f"Only {balance.normalize():f} units are left.", at
            )
        matching = [
            i
            for i, pos in enumerate(positions)
            if pos.code in source.pays_goods
            or (pos.category and pos.category in source.pays_categories)
        ]
        if sum(int(left[i]) for i in matching) < units:
            raise EngineError(
                ACCOUNT_NOT_APPLICABLE, "The check has fewer units this account pays for.", at
            )
        need, cents = units, 0
        for i in matching:
            take = min(int(left[i]), need)
            if not take:
                continue
            left[i] -= take
            need -= take
            line = scaled_int(as_decimal(positions[i].price), 2) * take  # type: ignore[arg-type, operator]
            cents += line
            covered.setdefault(i, []).append(
                {"account": source.key, "units": Decimal(take), "amount": from_cents(line)}
            )
            if not need:
                break
        left_balance[("account", source.key)] = balance - units
        units_paid[n] = (units, cents)

    # 2. The rules run on what is left; points are paid inside, as rules.md has it.
    kept = [i for i, q in enumerate(left) if q > 0]
    reduced = dataclasses.replace(
        check,
        positions=tuple(dataclasses.replace(positions[i], quantity=left[i]) for i in kept),
    )
    result = evaluate(ruleset, reduced, settings)

    # 3. Covered lines and the cards sold go back into the totals; money pays the rest.
    covered_cents = sum(c for _u, c in units_paid.values())
    sold_total = sum(sold_cents)
    to_pay = scaled_int(result.amount_to_pay, 2) or 0
    points = scaled_int(result.points_paid, 2) or 0
    still = to_pay + sold_total - points
    paid: list[Payment] = []
    if points:
        spendable = check.customer.spendable_points if check.customer else Decimal("0.00")
        paid.append(Payment("points", result.points_paid, spendable - result.points_paid))
    money_paid = 0
    for n, p in enumerate(payments):
        if n in units_paid:
            units, cents = units_paid[n]
            paid.append(
                Payment(
                    "account",
                    from_cents(cents),
                    Decimal("0"),  # set below, once every payment of the account is known
                    account=p.account,
                    units=Decimal(units),
                    index=n,
                )
            )
            continue
        at = f"payments[{n}].amount"
        cents = _cents(p.amount, at)
        if p.gift_card is not None:
            card = gift_cards.get(p.gift_card)
            if card is None or card.refusal is not None:
                code = GIFT_CARD_NOT_FOUND if card is None else (card.refusal or "")
                raise EngineError(
                    code, GIFT_CARD_MESSAGES.get(code, code), f"payments[{n}].gift_card"
                )
            key, balance = ("gift_card", card.ref), card.balance
        else:
            key, balance = ("account", p.account), accounts[p.account].balance  # type: ignore[assignment, index]
        balance = left_balance.setdefault(key, balance)  # type: ignore[arg-type]
        if from_cents(cents) > balance:
            raise EngineError(
                INSUFFICIENT_BALANCE, f"Only {max(balance, Decimal('0.00'))} is left.", at
            )
        if cents > still - money_paid:
            raise EngineError(
                PAYMENT_EXCEEDS_AMOUNT,
                f"At most {from_cents(max(still - money_paid, 0))} is left to pay.",
                at,
            )
        money_paid += cents
        left_balance[key] = balance - from_cents(cents)
        paid.append(
            Payment(
                key[0],
                from_cents(cents),
                Decimal("0"),
                account=p.account,
                gift_card=p.gift_card,
                index=n,
            )
        )
    for payment in paid:
        if payment.source == "account":
            payment.balance_after = left_balance[("account", payment.account)]  # type: ignore[index]
        elif payment.source == "gift_card":
            payment.balance_after = left_balance[("gift_card", payment.gift_card)]  # type: ignore[index]

    merged: list[PositionResult] = []
    by_index = dict(zip(kept, result.positions, strict=True))
    for i, pos in enumerate(positions):
        cover = covered.get(i, [])
        cover_cents = sum(scaled_int(c["amount"], 2) or 0 for c in cover)
        row = by_index.get(i)
        line_cents = (scaled_int(row.amount, 2) or 0) if row else 0
        discount = row.discount if row else Decimal("0.00")
        amount = from_cents(line_cents + cover_cents)
        merged.append(
            PositionResult(i, pos.code, pos.quantity, amount, discount, amount - discount, cover)
        )
    result.positions = merged
    result.amount = from_cents((scaled_int(result.amount, 2) or 0) + covered_cents + sold_total)
    result.amount_to_pay = from_cents(to_pay + covered_cents + sold_total)
    result.money_to_pay = from_cents(still - money_paid)
    result.payments = paid
    result.gift_cards_sold = [from_cents(c) for c in sold_cents]
    return result


__all__ = [
    "ACCOUNT_NOT_APPLICABLE",
    "GIFT_CARD_BLOCKED",
    "GIFT_CARD_EXPIRED",
    "GIFT_CARD_NOT_FOUND",
    "INSUFFICIENT_BALANCE",
    "PAYMENT_EXCEEDS_AMOUNT",
    "AccountSource",
    "GiftCardSource",
    "Payment",
    "PaymentRequest",
    "evaluate_with_payments",
]
