"""Gift cards: looking cards up for a check, paying from them, selling them, cancelling,
blocking (payments.md "Gift cards").

Every balance change is an append-only `GiftCardEntry` with the card's row locked
(`SELECT ... FOR UPDATE`, primary-key order), so concurrent payments from one card never
take it below zero; the table's check constraint is the last guard.
"""

import functools
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import json_rows, sql_rows
from core.errors import Refused, ValidationFailed
from core.statement import Clauses, Statement
from coupons.codes import generate_code, normalize_code
from coupons.validity import business_tz, day_end

from .models import GiftCard, GiftCardEntry, GiftCardSeries

ZERO = Decimal("0.00")
Kind = GiftCardEntry.Kind
NOT_FOUND, EXPIRED, BLOCKED = "gift_card_not_found", "gift_card_expired", "gift_card_blocked"


def refusal_of(card: GiftCard | None, *, program_id: int, at) -> str | None:
    """Why `card` cannot pay now, or None. A card of another program, not sold yet or void
    answers as an unknown one."""
    if card is None or card.program_id != program_id:
        return NOT_FOUND
    if card.state in (GiftCard.State.STOCK, GiftCard.State.VOID):
        return NOT_FOUND
    if card.state == GiftCard.State.BLOCKED:
        return BLOCKED
    if card.valid_to is not None and card.valid_to <= at:
        return EXPIRED
    return None


def find_card(*, business_id: int, code: str) -> GiftCard | None:
    norm = normalize_code(code)
    if not norm:
        return None
    return GiftCard.objects.filter(business_id=business_id, code_norm=norm).first()


def cards_for_check(*, business_id: int, codes, lock: bool = False) -> dict[str, GiftCard]:
    """The cards of `codes` by normalised code, in one query (locked in primary-key order)."""
    norms = sorted({normalize_code(c) for c in codes if c})
    if not norms:
        return {}
    # Written as SQL: building the ORM query cost more Python than the query took on the
    # server (a check paying by gift card, P2; core/sql_rows.py).
    with connection.cursor() as cursor:
        cursor.execute(_cards_sql(lock), [business_id, norms])
        rows = cursor.fetchall()
    fields = [f.attname for f in GiftCard._meta.concrete_fields]
    cards = (GiftCard.from_db(connection.alias, fields, row) for row in rows)
    return {card.code_norm: card for card in cards}


@functools.cache
def _cards_sql(lock: bool) -> str:
    return (
        f"SELECT {sql_rows.columns(GiftCard, 'g')} "
        f"FROM {connection.ops.quote_name(GiftCard._meta.db_table)} g "
        "WHERE g.business_id = %s AND g.code_norm = ANY(%s)"
        + (" ORDER BY g.id FOR UPDATE" if lock else "")
    )


# --- paying -----------------------------------------------------------------------------


def plan_payments(*, statement: Statement, payments: list[tuple[GiftCard, Decimal]], sale, at):
    """Debits each (locked card, amount) as parts of the sale's `statement`: entries and the
    cards' balances, whatever their number in two parts."""
    if not payments:
        return
    entries, cards = [], {}
    for card, amount in payments:
        if amount > card.balance:  # re-checked under the lock
            raise Refused(
                _("Not enough on the gift card: %(left)s left.") % {"left": card.balance},
                code="insufficient_balance",
                field="payments",
            )
        card.balance -= amount
        cards[card.pk] = card
        entries.append(
            {
                "business_id": card.business_id,
                "card_id": card.pk,
                "amount": -amount,
                "kind": Kind.PAYMENT,
                "sale_id": sale.pk,
                "reverses_id": None,
                "staff_id": None,
                "reason": "",
                "created_at": at,
            }
        )
    statement.add(
        _payment_clauses,
        [
            json_rows.dumps(entries),
            json_rows.dumps([{"id": c.pk, "balance": c.balance} for c in cards.values()]),
        ],
    )


@functools.cache
def _payment_clauses(tag: str) -> Clauses:
    qn = connection.ops.quote_name
    table = qn(GiftCard._meta.db_table)
    columns = [f.column for f in json_rows.model_columns(GiftCardEntry)]
    return Clauses(
        (
            f"{tag}e AS ({json_rows.insert_sql(GiftCardEntry._meta.db_table, columns)})",
            f"{tag}c AS (UPDATE {table} AS t SET balance = x.balance "
            f"FROM json_populate_recordset(NULL::{table}, %s) x WHERE t.id = x.id)",
        )
    )


# --- selling ----------------------------------------------------------------------------


@dataclass
class SaleLine:
    """A `gift_cards_sold` entry, checked: its series, amount and card (pre-printed or
    reloaded) when a code was given."""

    series: GiftCardSeries
    amount: Decimal
    card: GiftCard | None = None


def check_sale_lines(*, program, lines, at, lock: bool = False) -> list[SaleLine]:
    """Checks the `gift_cards_sold` entries; a refusal names the entry's field."""
    if not lines:
        return []
    keys = {line.series for line in lines}
    series = {s.key: s for s in GiftCardSeries.objects.filter(program=program, key__in=keys)}
    codes = [line.code for line in lines if line.code]
    cards = cards_for_check(business_id=program.business_id, codes=codes, lock=lock)
    checked, seen = [], set()
    for n, line in enumerate(lines):
        at_field = f"gift_cards_sold[{n}]"
        found = series.get(line.series)
        if found is None:
            raise ValidationFailed(
                _("The program has no gift-card series “%(key)s”.") % {"key": line.series},
                field=f"{at_field}.series",
            )
        if line.amount <= 0 or not found.allows(line.amount):
            raise ValidationFailed(
                _("This series does not sell cards of %(amount)s.") % {"amount": line.amount},
                field=f"{at_field}.amount",
            )
        card = None
        if line.code:
            card = cards.get(normalize_code(line.code))
            if card is None or card.series_id != found.pk or card.code_norm in seen:
                raise Refused(_("No such gift card."), code=NOT_FOUND, field=f"{at_field}.code")
            seen.add(card.code_norm)
            if card.state == GiftCard.State.ACTIVE:
                if not found.reloadable:
                    raise Refused(
                        _("This gift card has been sold already and cannot be reloaded."),
                        code="gift_card_not_reloadable",
                        field=f"{at_field}.code",
                    )
                refusal = refusal_of(card, program_id=program.pk, at=at)
                if refusal:
                    raise Refused(
                        _("This gift card cannot be reloaded."),
                        code=refusal,
                        field=f"{at_field}.code",
                    )
            elif card.state != GiftCard.State.STOCK:
                raise Refused(_("No such gift card."), code=NOT_FOUND, field=f"{at_field}.code")
        checked.append(SaleLine(found, line.amount, card))
    return checked


def valid_to_for(series: GiftCardSeries, at: datetime) -> datetime | None:
    if series.valid_months:
        month = at.month - 1 + series.valid_months
        year, month = at.year + month // 12, month % 12 + 1
        day = min(at.day, 28)
        return at.replace(year=year, month=month, day=day)
    if series.valid_to:
        # The series' last day, to its end in the business's time zone (as coupons end):
        # shown as that day, where the next midnight read as a day too late.
        return day_end(series.valid_to, business_tz(series.business))
    return None


def sell(*, lines: list[SaleLine], sale, at, staff=None) -> list[dict]:
    """Issues, activates or reloads each line's card; returns the receipt's entries."""
    sold = []
    for line in lines:
        card = line.card
        if card is None:
            code, norm = _free_code(line.series)
            card = GiftCard.objects.create(
                business_id=line.series.business_id,
                series=line.series,
                program_id=line.series.program_id,
                code=code,
                code_norm=norm,
                state=GiftCard.State.ACTIVE,
                balance=line.amount,
                valid_to=valid_to_for(line.series, at),
                sold_at=at,
                sale=sale,
            )
            kind = Kind.ISSUE
        elif card.state == GiftCard.State.STOCK:
            card.state, card.balance, card.sold_at, card.sale = (
                GiftCard.State.ACTIVE,
                line.amount,
                at,
                sale,
            )
            card.valid_to = valid_to_for(line.series, at)
            card.save(update_fields=["state", "balance", "sold_at", "sale", "valid_to"])
            kind = Kind.ISSUE
        else:
            card.balance += line.amount
            card.save(update_fields=["balance"])
            kind = Kind.RELOAD
        GiftCardEntry.objects.create(
            business_id=card.business_id,
            card=card,
            amount=line.amount,
            kind=kind,
            sale=sale,
            staff=staff,
            created_at=at,
        )
        sold.append(
            {
                "code": card.code,
                "amount": line.amount,
                "balance": card.balance,
                "valid_to": card.valid_to,
            }
        )
    return sold


def _free_code(series: GiftCardSeries) -> tuple[str, str]:
    for _attempt in range(10):
        code, norm = generate_code(series)
        if not GiftCard.objects.filter(business_id=series.business_id, code_norm=norm).exists():
            return code, norm
    raise RuntimeError("no free gift-card code after 10 draws")


# --- cancelling a sale --------------------------------------------------------------------


def reverse_sale(*, sale, at) -> None:
    """Gives the sale's gift-card payments back and voids (or un-reloads) the cards it sold;
    refuses with `gift_card_used` when a card sold on it has been spent from. Idempotent."""
    entries = list(
        GiftCardEntry.objects.filter(sale=sale, reversals__isnull=True)
        .exclude(kind=Kind.REVERSAL)
        .order_by("id")
    )
    if not entries:
        return
    cards = {
        c.pk: c
        for c in GiftCard.objects.select_for_update()
        .filter(pk__in=sorted({e.card_id for e in entries}))
        .order_by("pk")
    }
    for entry in entries:
        card = cards[entry.card_id]
        if entry.kind == Kind.PAYMENT:
            card.balance -= entry.amount  # the entry is negative: the amount comes back
            _entry(card, -entry.amount, Kind.REVERSAL, sale=sale, reverses=entry, at=at)
            continue
        # A sold or reloaded amount comes off the card, unless it has been spent meanwhile.
        spent = GiftCardEntry.objects.filter(
            card=card, kind=Kind.PAYMENT, id__gt=entry.id, reversals__isnull=True
        ).exclude(sale=sale)
        if spent.exists() or card.balance < entry.amount:
            raise Refused(
                _("The gift card %(code)s has been spent from; the sale cannot be cancelled.")
                % {"code": card.code},
                code="gift_card_used",
                field="gift_cards_sold",
            )
        card.balance -= entry.amount
        _entry(card, -entry.amount, Kind.REVERSAL, sale=sale, reverses=entry, at=at)
        if entry.kind == Kind.ISSUE:
            card.state = GiftCard.State.VOID
    for card in cards.values():
        card.save(update_fields=["balance", "state"])


def _entry(card, amount, kind, *, at, sale=None, reverses=None, staff=None, reason=""):
    return GiftCardEntry.objects.create(
        business_id=card.business_id,
        card=card,
        amount=amount,
        kind=kind,
        sale=sale,
        reverses=reverses,
        staff=staff,
        reason=reason,
        created_at=at,
    )


# --- panel ------------------------------------------------------------------------------


def set_blocked(*, card: GiftCard, blocked: bool, reason: str, staff=None) -> GiftCard:
    """Blocks or unblocks `card`, with a reason kept in its history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why."), field="reason")
    with transaction.atomic():
        card = GiftCard.objects.select_for_update().get(pk=card.pk)
        if card.state not in (GiftCard.State.ACTIVE, GiftCard.State.BLOCKED):
            raise ValidationFailed(_("Only a sold card can be blocked or unblocked."))
        card.state = GiftCard.State.BLOCKED if blocked else GiftCard.State.ACTIVE
        card.blocked_reason = reason if blocked else ""
        card.save(update_fields=["state", "blocked_reason"])
        _entry(
            card,
            ZERO,
            Kind.BLOCK if blocked else Kind.UNBLOCK,
            staff=staff,
            reason=reason,
            at=timezone.now(),
        )
    return card


def check_cards() -> list[str]:
    """Cards whose balance differs from the sum of their entries (for check_ledger)."""
    problems = []
    rows = GiftCard.objects.annotate(total=Sum("entries__amount")).filter(
        ~Q(balance=0) | Q(total__isnull=False)
    )
    for card in rows:
        total = card.total or ZERO
        if total != card.balance:
            problems.append(
                f"gift card {card.pk} {card.code}: balance {card.balance} != entries {total}"
            )
    return problems
