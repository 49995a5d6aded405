"""Debits of a confirmed sale from customers' accounts, planned in a constant number of
queries whatever the number of payments (payments.md; P2 query budget).

A check may pay with points (bonus and special together, the lots that expire first across
both: payments.md "What can pay a check") and from prepaid money and units accounts. The
confirm locks the accounts first (`lock_customer_accounts`, one query, primary-key order,
with the accounts the sale credits), then `plan_debits` reads the active lots of them all and
draws the entries' ids (one query) and adds the entries, lot changes, lot uses and account
totals as parts of the sale's statement (core/statement.py). Before that, `debit_sources`
reads the account types a check pays from with the customer's balances in one query. The
account totals share the ledger's part key (`("account", id)`), so a credit planned later for
the same account replaces the part with the final totals (both work on the same locked Account
objects).
"""

import functools
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils.translation import gettext as _

from core import json_rows, sql_rows
from core.errors import Refused
from core.statement import Clauses, Statement

from . import ledger
from .models import Account, AccountType, LedgerEntry, Lot, LotUse

ZERO = Decimal("0.00")


@dataclass
class Debit:
    """Take `amount` from `accounts` (locked rows), lots soonest-expiring first across them;
    refuse with `code` naming `field` when they hold less."""

    accounts: list[Account]
    amount: Decimal
    field: str
    code: str = "insufficient_balance"


@dataclass(frozen=True)
class Source:
    """An account type a check pays from, with the customer's active balance in it."""

    key: str
    kind: str
    pays_for: dict
    balance: Decimal


def debit_sources(*, program_id: int, customer_id: int | None, keys, at) -> list[Source]:
    """The program's account types `keys`, each with what the customer holds active in it at
    `at` (active lots less debt; 0 without a customer or an account), in one query. Written
    as SQL for the hot path, as customers.selectors.customer_for_check is."""
    with connection.cursor() as cursor:
        cursor.execute(_sources_sql(), [at, at, customer_id, program_id, sorted(set(keys))])
        rows = cursor.fetchall()
    return [
        Source(
            key=key,
            kind=kind,
            # Django reads jsonb as text (its psycopg loader); JSONField parses it.
            pays_for=(json.loads(pays_for) if isinstance(pays_for, str) else pays_for) or {},
            balance=(active or ZERO).quantize(ZERO, ROUND_HALF_UP),
        )
        for key, kind, pays_for, active in rows
    ]


@functools.cache
def _sources_sql() -> str:
    qn = connection.ops.quote_name
    return (
        "SELECT t.key, t.kind, t.pays_for, "
        f"(SELECT COALESCE(SUM(l.remaining), 0) FROM {qn(Lot._meta.db_table)} l "
        "WHERE l.account_id = a.id AND l.remaining > 0 "
        "AND (l.activates_at IS NULL OR l.activates_at <= %s) "
        "AND (l.expires_at IS NULL OR l.expires_at > %s)) - COALESCE(a.debt, 0) "
        f"FROM {qn(AccountType._meta.db_table)} t "
        f"LEFT JOIN {qn(Account._meta.db_table)} a "
        "ON a.customer_id = %s AND a.program_id = t.program_id AND a.key = t.key "
        "WHERE t.program_id = %s AND t.key = ANY(%s) ORDER BY t.key"
    )


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
    ids = sorted({a.pk for d in debits for a in d.accounts})
    # At most one entry per (debit, account): ids for as many, drawn with the lots.
    lots, entry_ids = _lots_and_entry_ids(ids, at, sum(len(d.accounts) for d in debits))
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
    entries, uses_rows = [], []
    for (account, amount, uses), entry_id in zip(plans, entry_ids, strict=False):
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


def _lots_and_entry_ids(account_ids: list[int], at, count: int) -> tuple[list[Lot], list[int]]:
    """The active lots of `account_ids` with something left, soonest-expiring first (no expiry
    last, then the oldest), and `count` new ledger entry ids: one round trip. Ids drawn and
    not used leave a gap in the sequence, as a rolled-back insert would."""
    with connection.cursor() as cursor:
        cursor.execute(_lots_sql(), [count, account_ids, at, at])
        rows = cursor.fetchall()
    fields = [f.attname for f in Lot._meta.concrete_fields]
    lots = [Lot.from_db(connection.alias, fields, row[1:]) for row in rows if row[1] is not None]
    return lots, list(rows[0][0] or ())  # NULL when count is 0


@functools.cache
def _lots_sql() -> str:
    qn = connection.ops.quote_name
    entries = LedgerEntry._meta.db_table
    # The ids' one row joined to the lots: a row with NULL lot columns when there are none.
    return (
        f"SELECT n.ids, {sql_rows.columns(Lot, 'l')} FROM (SELECT array_agg("
        f"nextval(pg_get_serial_sequence('{entries}', 'id'))) AS ids "
        "FROM generate_series(1, %s)) n "
        f"LEFT JOIN {qn(Lot._meta.db_table)} l ON l.account_id = ANY(%s) AND l.remaining > 0 "
        "AND (l.activates_at IS NULL OR l.activates_at <= %s) "
        "AND (l.expires_at IS NULL OR l.expires_at > %s) "
        "ORDER BY l.expires_at ASC NULLS LAST, l.id"
    )


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
