"""A check's payments from balances and its gift cards sold (payments.md), around the
engine: loading the sources (constant queries whatever their number), the result's
`payments` and `gift_cards_sold`, and the confirm's debits.

Loading: the account types named with the customer's balances in them (one query), the gift cards
named (one query, locked at confirm in primary-key order), the series sold (one query).
"""

from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed
from core.statement import Statement
from customers import ledger_debits
from customers.models import Account
from giftcards import services as giftcards
from loyalty.engine import payments as engine_payments

from .results import iso, money, quantity

POINTS = (Account.BONUS, Account.SPECIAL)
MESSAGES = {
    "insufficient_balance": _("Not enough on the balance."),
    "account_not_applicable": _("This account cannot pay for this check."),
    "payment_exceeds_amount": _("The payments exceed the amount to pay."),
    "gift_card_not_found": _("No such gift card."),
    "gift_card_expired": _("The gift card has expired."),
    "gift_card_blocked": _("The gift card is blocked."),
}


def attach(ctx, data, *, lock: bool) -> None:
    """Loads what `data.payments` and `data.gift_cards_sold` need into `ctx`."""
    ctx.payment_requests = ()
    ctx.account_sources = {}
    ctx.gift_card_sources = {}
    ctx.gift_cards = {}
    ctx.sale_lines = []
    if not data.payments and not data.gift_cards_sold:
        return
    keys = {p.account for p in data.payments if p.account}
    if keys:
        # The types and the customer's balances in them: one query.
        for source in ledger_debits.debit_sources(
            program_id=ctx.program.pk,
            customer_id=ctx.customer.pk if ctx.customer is not None else None,
            keys=keys,
            at=ctx.at,
        ):
            ctx.account_sources[source.key] = engine_payments.AccountSource(
                key=source.key,
                kind=source.kind,
                balance=source.balance,
                pays_goods=frozenset(source.pays_for.get("goods") or ()),
                pays_categories=frozenset(source.pays_for.get("categories") or ()),
            )
    codes = [p.gift_card for p in data.payments if p.gift_card]
    if codes:
        ctx.gift_cards = giftcards.cards_for_check(
            business_id=ctx.business.pk, codes=codes, lock=lock
        )
        for norm, card in ctx.gift_cards.items():
            ctx.gift_card_sources[norm] = engine_payments.GiftCardSource(
                ref=norm,
                balance=card.balance,
                refusal=giftcards.refusal_of(card, program_id=ctx.program.pk, at=ctx.at),
            )
    ctx.payment_requests = tuple(
        engine_payments.PaymentRequest(
            account=p.account,
            gift_card=giftcards.normalize_code(p.gift_card) if p.gift_card else None,
            amount=p.amount,
            units=p.units,
        )
        for p in data.payments
    )
    ctx.sale_lines = giftcards.check_sale_lines(
        program=ctx.program, lines=data.gift_cards_sold, at=ctx.at, lock=lock
    )
    for n, line in enumerate(ctx.sale_lines):
        # One card is either paid from or sold (reloaded) on a check: both write its balance.
        if line.card is not None and line.card.code_norm in ctx.gift_cards:
            raise ValidationFailed(
                _("A gift card cannot pay the check that reloads it."),
                field=f"gift_cards_sold[{n}].code",
            )


def has_payments(ctx) -> bool:
    return bool(getattr(ctx, "payment_requests", ()) or getattr(ctx, "sale_lines", ()))


def evaluate(ctx):
    return engine_payments.evaluate_with_payments(
        ctx.compiled.ruleset,
        ctx.engine_check,
        ctx.settings,
        payments=ctx.payment_requests,
        accounts=ctx.account_sources,
        gift_cards=ctx.gift_card_sources,
        gift_cards_sold=tuple(line.amount for line in ctx.sale_lines),
    )


def message(code: str, fallback: str) -> str:
    return str(MESSAGES.get(code, fallback))


def add_to_body(ctx, result, body: dict) -> None:
    """The result's `payments`, each covered line's `paid_by_units` and `gift_cards_sold`."""
    codes = {norm: card.code for norm, card in getattr(ctx, "gift_cards", {}).items()}
    paid = result.payments
    if not paid and result.points_paid > 0:  # the engine ran without payments
        spendable = ctx.engine_check.customer.spendable_points
        paid = [
            engine_payments.Payment("points", result.points_paid, spendable - result.points_paid)
        ]
    payments = []
    for p in paid:
        item = {"source": p.source}
        if p.source == "account":
            item["account"] = p.account
        elif p.source == "gift_card":
            item["gift_card"] = codes.get(p.gift_card, p.gift_card)
        item["amount"] = money(p.amount)
        if p.units is not None:
            item["units"] = quantity(p.units)
            item["balance_after"] = quantity(p.balance_after)
        else:
            item["balance_after"] = money(p.balance_after)
        payments.append(item)
    body["payments"] = payments
    for line, position in zip(result.positions, body["positions"], strict=True):
        if line.paid_by_units:
            covers = [
                {
                    "account": c["account"],
                    "units": quantity(c["units"]),
                    "amount": money(c["amount"]),
                }
                for c in line.paid_by_units
            ]
            position["paid_by_units"] = covers[0] if len(covers) == 1 else covers
    body["gift_cards_sold"] = [
        {
            "series": line.series.key,
            "code": None,
            "amount": money(line.amount),
            "balance": None,
            "valid_to": None,
        }
        for line in getattr(ctx, "sale_lines", ())
    ]


def take(*, ctx, result, customer, accounts: dict, sale, at, statement) -> None:
    """Debits the points, accounts and gift cards that pay `sale` (everything checked again
    under the locks: a balance spent meanwhile refuses the confirm)."""
    debits = []
    if result.points_paid > 0:
        debits.append(
            ledger_debits.Debit(
                [accounts[k] for k in POINTS if k in accounts],
                result.points_paid,
                "pay_with_points",
                "insufficient_points",
            )
        )
    cards = []
    for p in result.payments:
        if p.source == "account":
            account = accounts.get(p.account)
            amount = p.units if p.units is not None else p.amount
            debits.append(
                ledger_debits.Debit(
                    [account] if account is not None else [],
                    amount,
                    f"payments[{p.index}].{'units' if p.units is not None else 'amount'}",
                )
            )
        elif p.source == "gift_card":
            cards.append((ctx.gift_cards[p.gift_card], p.amount))
    if not debits and not cards:
        return
    own = statement is None
    if statement is None:  # written now: a top-up on the same check reads the accounts
        statement = Statement()
    ledger_debits.plan_debits(debits=debits, sale=sale, at=at, statement=statement)
    giftcards.plan_payments(statement=statement, payments=cards, sale=sale, at=at)
    if own:
        statement.execute()


def account_keys(ctx, result) -> list[str]:
    """The accounts the confirm will debit, and when it debits any, those it credits: locked
    together up front (one query, primary-key order)."""
    keys = [p.account for p in result.payments if p.source == "account"]
    if result.points_paid > 0:
        keys += list(POINTS)
    if keys:
        keys += [c.account for c in result.credits if c.amount > 0]
    return keys


def sell(*, ctx, sale, at, staff, body) -> None:
    if not ctx.sale_lines:
        return
    sold = giftcards.sell(lines=ctx.sale_lines, sale=sale, at=at, staff=staff)
    body["gift_cards_sold"] = [
        {
            "series": line.series.key,
            "code": item["code"],
            "amount": money(item["amount"]),
            "balance": money(item["balance"]),
            "valid_to": iso(item["valid_to"]),
        }
        for line, item in zip(ctx.sale_lines, sold, strict=True)
    ]
