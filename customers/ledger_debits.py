"""Debits of a confirmed sale from customers' accounts, planned in a constant number of
queries whatever the number of payments (payments.md; P2 query budget).

A check may pay with points (bonus and special together, the lots that expire first across
both: payments.md "What can pay a check") and from prepaid money and units accounts. The
confirm locks the accounts first (`lock_customer_accounts`, one query, primary-key order),
then `plan_debits` reads the active lots of them all (one query), draws the entries' ids
(one query) and adds the entries, lot changes, lot uses and account totals as parts of the
sale's statement (core/statement.py). The account totals share the ledger's part key
(`("account", id)`), so a credit planned later for the same account replaces the part with
the final totals (both work on the same locked Account objects).
"""

import functools
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _

from core import json_rows
from core.errors import Refused
from core.statement import Clauses, Statement

from . import ledger
from .models import Account, LedgerEntry, Lot, LotUse

ZERO = Decimal("0.00")


@dataclass
class Debit:
    """Take `amount` from `accounts` (locked rows), lots soonest-expiring first across them;
    refuse with `code` naming `field` when they hold less."""

    accounts: list[Account]
    amount: Decimal
    field: str
    code: str = "insufficient_balance"


def lock_customer_accounts(*, customer, program, keys) -> dict[str, Account]:
    """The customer's existing accounts `keys` in `program`, locked in primary-key order
    (one query); an account never credited is missing (it holds nothing to spend)."""
    rows = (
        Account.objects.select_for_update()
        .filter(customer_id=customer.pk, program_id=program.pk, key__in=sorted(set(keys)))
        .order_by("pk")
    )
    found = {}
    for row in rows:
        row._locked = True
        found[row.key] = row
    return found


def plan_debits(*, debits: list[Debit], sale, at, statement: Statement | None = None) -> None:
    """Plans every debit (see the module's note); with no `statement`, writes them now."""
    debits = [d for d in debits if d.amount > 0]
    if not debits:
        return
    ids = {a.pk for d in debits for a in d.accounts}
    lots = list(
        Lot.objects.filter(account_id__in=ids, remaining__gt=0)
        .filter(ledger.active_lots_q(at))
        .order_by(F("expires_at").asc(nulls_last=True), "id")
    )
    plans: list[tuple[Account, Decimal, list[tuple[Lot, Decimal]]]] = []
    changed: dict[int, Lot] = {}
    for debit in debits:
        mine = {a.pk: a for a in debit.accounts}
        own_lots = [lot for lot in lots if lot.account_id in mine]
        available = sum((lot.remaining for lot in own_lots), ZERO) - sum(
            (a.debt for a in debit.accounts), ZERO
        )
        if available < debit.amount:
            available = max(available, ZERO)
            raise Refused(
                _("Not enough on the balance: %(available)s left.") % {"available": available},
                code=debit.code,
                field=debit.field,
                extra={"available": str(available)},
            )
        left = debit.amount
        taken: dict[int, list[tuple[Lot, Decimal]]] = {}
        for lot in own_lots:
            if not left:
                break
            take = min(lot.remaining, left)
            if not take:
                continue
            lot.remaining -= take
            left -= take
            changed[lot.pk] = lot
            taken.setdefault(lot.account_id, []).append((lot, take))
        for account_id, uses in sorted(taken.items()):
            plans.append((mine[account_id], sum((t for _lot, t in uses), ZERO), uses))
    entry_ids = _draw_entry_ids(len(plans))
    entries, uses_rows = [], []
    for (account, amount, uses), entry_id in zip(plans, entry_ids, strict=True):
        entry = LedgerEntry(
            id=entry_id,
            business_id=account.business_id,
            account=account,
            amount=-amount,
            kind=LedgerEntry.Kind.DEBIT,
            sale_id=sale.pk,
            reason=f"sale #{sale.pk}",
            created_at=at,
        )
        entries.append(entry)
        uses_rows += [
            {
                "business_id": account.business_id,
                "entry_id": entry_id,
                "lot_id": lot.pk,
                "amount": t,
            }
            for lot, t in uses
        ]
        account.balance -= amount
    own = statement is None
    if statement is None:
        statement = Statement()
    statement.add(
        _insert_clauses,
        [json_rows.dumps([_entry_row(e) for e in entries]), json_rows.dumps(uses_rows)],
    )
    statement.add(
        _lots_clauses,
        [json_rows.dumps([{"id": lot.pk, "remaining": lot.remaining} for lot in changed.values()])],
    )
    for account in {a.pk: a for a, _amount, _uses in plans}.values():
        statement.add(
            ledger._account_clauses,
            [account.balance, account.debt, account.pk],
            key=("account", account.pk),
        )
    if own:
        statement.execute()


def _draw_entry_ids(count: int) -> list[int]:
    table = LedgerEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
            [count],
        )
        return [row[0] for row in cursor.fetchall()]


def _entry_row(entry: LedgerEntry) -> dict:
    row = json_rows.model_row(entry, json_rows.model_columns(LedgerEntry))
    row["id"] = entry.pk
    return row


@functools.cache
def _insert_clauses(tag: str) -> Clauses:
    """Entries (with their ids) and lot uses. Parameters: both as JSON rows."""
    entry_columns = ["id"] + [f.column for f in json_rows.model_columns(LedgerEntry)]
    use_columns = ["business_id", "entry_id", "lot_id", "amount"]
    return Clauses(
        (
            f"{tag}e AS ({json_rows.insert_sql(LedgerEntry._meta.db_table, entry_columns)})",
            f"{tag}u AS ({json_rows.insert_sql(LotUse._meta.db_table, use_columns)})",
        )
    )


@functools.cache
def _lots_clauses(tag: str) -> Clauses:
    """What the debits left in each lot. Parameter: JSON rows of (id, remaining)."""
    qn = connection.ops.quote_name
    table = qn(Lot._meta.db_table)
    return Clauses(
        (
            f"{tag}l AS (UPDATE {table} AS t SET remaining = x.remaining "
            f"FROM json_populate_recordset(NULL::{table}, %s) x WHERE t.id = x.id)",
        )
    )
