"""The points ledger: accounts, append-only entries and the lots credits leave behind.

Invariants (platform.md "Accounts and the ledger", checked by `check_ledger`):
- `account.balance` == sum of the account's entries;
- `account.balance` == sum(lot.remaining) - `account.debt`;
- a spend never takes the active balance below zero; only a sale's reversal may (as debt).

Every function that changes an account locks its row first (SELECT ... FOR UPDATE), so the
lots of one account are only ever changed by one transaction at a time; callers that touch
several accounts lock them up front with `lock_accounts` (primary-key order: no deadlocks).
Decisions the spec leaves open are in docs/ledger.md.
"""

import functools
from contextlib import nullcontext
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import json_rows, sql_rows
from core.errors import Refused, ValidationFailed
from core.statement import Clauses, Statement
from loyalty.models import ReportState

from .models import Account, AccountType, LedgerEntry, Lot, LotUse

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
Kind = LedgerEntry.Kind

# Kinds a credit may be posted as; debits, expiries and reversals have their own functions.
CREDIT_KINDS = {Kind.CREDIT, Kind.TOP_UP, Kind.ADJUSTMENT}


def money(value) -> Decimal:
    """`value` as a Decimal with 2 places, half up. Floats are refused: they are not exact."""
    if isinstance(value, float):
        raise TypeError("points and money are Decimal, never float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def active_lots_q(at: datetime, prefix: str = "") -> Q:
    """Lots spendable at `at`: activated (or never pending) and not expired."""
    return (
        Q(**{f"{prefix}activates_at__isnull": True}) | Q(**{f"{prefix}activates_at__lte": at})
    ) & (Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": at}))


def pending_lots_q(at: datetime, prefix: str = "") -> Q:
    """Lots credited but not spendable yet, and not expired before they activate."""
    return Q(**{f"{prefix}activates_at__gt": at}) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": at})
    )


# --- accounts -------------------------------------------------------------------------------


def get_account(*, customer, program, key: str = Account.BONUS, lock: bool = False) -> Account:
    """The customer's account `key` in `program`, created on first use.

    With `lock=True` the row comes back locked for the caller's transaction.
    """
    if customer.business_id != program.business_id:
        raise ValidationFailed(_("The customer is not of this program's business."))
    account = _find_account(customer.pk, program.pk, key, lock)
    if account is not None:
        account._locked = lock
        return account
    _check_account_key(program, key)
    # One statement instead of a savepoint, an insert and a read: a row this transaction
    # inserts is its own until it commits, as locked as FOR UPDATE would make it.
    account = sql_rows.fetch_instance(
        Account, _create_account_sql(), [customer.business_id, customer.pk, program.pk, key]
    )
    if account is None:  # created by a concurrent transaction meanwhile
        account = _find_account(customer.pk, program.pk, key, lock)
        assert account is not None  # the conflicting insert has committed
    account._locked = lock
    return account


@functools.cache
def _create_account_sql() -> str:
    qn = connection.ops.quote_name
    return (
        f"INSERT INTO {qn(Account._meta.db_table)} AS a "
        "(business_id, customer_id, program_id, key, balance, debt) "
        "VALUES (%s, %s, %s, %s, 0, 0) "
        "ON CONFLICT (customer_id, program_id, key) DO NOTHING "
        f"RETURNING {sql_rows.columns(Account, 'a')}"
    )


def _find_account(customer_id, program_id, key: str, lock: bool) -> Account | None:
    # Written as SQL: a confirm locks its customer's account, and compiling the ORM query
    # (with first()'s ORDER BY) cost more Python than the query took on the server.
    return sql_rows.fetch_instance(Account, _find_account_sql(lock), [customer_id, program_id, key])


@functools.cache
def _find_account_sql(lock: bool) -> str:
    return (
        f"SELECT {sql_rows.columns(Account, 'a')} "
        f"FROM {connection.ops.quote_name(Account._meta.db_table)} a "
        "WHERE a.customer_id = %s AND a.program_id = %s AND a.key = %s"
        + (" FOR UPDATE" if lock else "")
    )


def _check_account_key(program, key: str) -> None:
    if key in (Account.BONUS, Account.SPECIAL):
        return
    if not AccountType.objects.filter(program=program, key=key).exists():
        raise ValidationFailed(
            _("The program has no account “%(key)s”.") % {"key": key}, field="account"
        )


def lock_accounts(accounts: list[Account]) -> list[Account]:
    """Locks `accounts` in primary-key order (so that concurrent transactions never deadlock)
    and returns their fresh rows in that order. Call inside transaction.atomic()."""
    pks = sorted({account.pk for account in accounts})
    return list(Account.objects.select_for_update().filter(pk__in=pks).order_by("pk"))


def _atomic():
    """The caller's transaction when there is one, else a new one.

    No savepoint inside a caller's transaction: it would cost two round trips per call
    (confirm has a query budget), and every check that can refuse runs before the first
    write, so a refusal leaves nothing to roll back and the caller may go on.
    """
    if transaction.get_connection().in_atomic_block:
        return nullcontext()
    return transaction.atomic()


def _lock(account: Account) -> Account:
    """The fresh, locked row of `account`; a no-op lock if the caller holds it already.

    A row that `get_account(lock=True)` returned is locked and fresh for the rest of the
    caller's transaction (the ledger keeps its totals up to date): no second round trip.
    """
    if account._locked and transaction.get_connection().in_atomic_block:
        return account
    return Account.objects.select_for_update().get(pk=account.pk)


def _store_totals(row: Account, *instances: Account) -> None:
    Account.objects.filter(pk=row.pk).update(balance=row.balance, debt=row.debt)
    for instance in instances:  # the caller's object tells the truth after the call
        instance.balance, instance.debt = row.balance, row.debt


def active_balance(account: Account, at=None) -> Decimal:
    """Spendable points at `at`: active lots minus debt (negative only after a reversal).

    Read from the database (one query), so a stale `account` object does not matter.
    """
    at = at or timezone.now()
    row = (
        Account.objects.filter(pk=account.pk)
        .values("pk", "debt")
        .annotate(
            active=Sum(
                "lots__remaining", filter=active_lots_q(at, "lots__") & Q(lots__remaining__gt=0)
            )
        )
        .order_by("pk")
        .first()
    )
    if row is None:
        return ZERO
    return money((row["active"] or ZERO) - row["debt"])


# --- movements ------------------------------------------------------------------------------


def _positive(amount, field: str = "amount") -> Decimal:
    try:
        value = money(amount)
    except (TypeError, ArithmeticError, ValueError) as exc:
        raise ValidationFailed(_("Enter an amount."), field=field) from exc
    if value <= ZERO:
        raise ValidationFailed(_("The amount must be greater than zero."), field=field)
    return value


def _new_entry(row: Account, amount: Decimal, kind: str, at, **fields) -> LedgerEntry:
    return LedgerEntry.objects.create(
        business_id=row.business_id, account=row, amount=amount, kind=kind, created_at=at, **fields
    )


def _save_credit(
    row: Account,
    entry: LedgerEntry,
    amount: Decimal,
    activates_at,
    expires_at,
    statement: Statement | None = None,
) -> None:
    """Saves the new credit `entry`: it repays debt first, what is left becomes its lot,
    and the account's totals are stored, all in one round trip (a confirm that earns points
    pays one, not three: docs/benchmarks.md, P2), or as parts of the caller's `statement`."""
    repay = min(row.debt, amount)
    lot = Lot(
        business_id=row.business_id,
        account=row,
        amount=amount,
        remaining=amount - repay,
        activates_at=activates_at,
        expires_at=expires_at,
    )
    row.debt -= repay
    row.balance += amount
    own = statement is None
    if statement is None:
        statement = Statement()
    written = statement.add(_credit_clauses_with_id if own else _credit_clauses, _rows(entry, lot))
    # One part per account, which a later credit to it replaces: one statement must not
    # update a row twice.
    statement.add(_account_clauses, [row.balance, row.debt, row.pk], key=("account", row.pk))
    if own:
        statement.execute()
        entry.pk = written.answer[0]
        entry._state.adding = False


def _credit_ctes(tag: str) -> tuple[str, str]:
    """WITH clauses `{tag}e` (the entry: id) and `{tag}l` (its lot). Parameters: the
    entry's JSON row, then the lot's."""
    qn = connection.ops.quote_name
    entry_fields = json_rows.model_columns(LedgerEntry)
    lot_fields = json_rows.model_columns(Lot, exclude=("entry_id",))
    lot_names = ", ".join(qn(f.column) for f in lot_fields)
    insert_entry = json_rows.insert_sql(
        LedgerEntry._meta.db_table, [f.column for f in entry_fields], suffix=" RETURNING id"
    )
    return (
        f"{tag}e AS ({insert_entry})",
        f"{tag}l AS (INSERT INTO {qn(Lot._meta.db_table)} ({lot_names}, entry_id) "
        f"SELECT {', '.join('x.' + qn(f.column) for f in lot_fields)}, {tag}e.id "
        f"FROM json_populate_recordset(NULL::{qn(Lot._meta.db_table)}, %s) x, {tag}e)",
    )


@functools.cache
def _credit_clauses(tag: str) -> Clauses:
    return Clauses(_credit_ctes(tag))


@functools.cache
def _credit_clauses_with_id(tag: str) -> Clauses:
    return Clauses(_credit_ctes(tag), checks=(f"(SELECT id FROM {tag}e)",))


@functools.cache
def _account_clauses(tag: str) -> Clauses:
    """The account's totals. Parameters: balance, debt, account id."""
    table = connection.ops.quote_name(Account._meta.db_table)
    return Clauses((f"{tag}a AS (UPDATE {table} SET balance = %s, debt = %s WHERE id = %s)",))


def _rows(entry: LedgerEntry, lot: Lot) -> list[str]:
    return [
        json_rows.dumps([json_rows.model_row(entry, json_rows.model_columns(LedgerEntry))]),
        json_rows.dumps(
            [json_rows.model_row(lot, json_rows.model_columns(Lot, exclude=("entry_id",)))]
        ),
    ]


def credit(
    *,
    account: Account,
    amount: Decimal,
    kind: str = Kind.CREDIT,
    sale=None,
    coupon=None,
    staff=None,
    reason: str = "",
    activates_at=None,
    expires_at=None,
    at=None,
    statement: Statement | None = None,
) -> LedgerEntry:
    """Adds `amount` to `account` as a new lot (pending until `activates_at`, expiring at
    `expires_at`), after repaying the account's debt.

    With a `statement` the rows are written when the caller executes it (core.statement);
    nothing may read the account from the database before that (the entry has no id)."""
    amount = _positive(amount)
    if kind not in CREDIT_KINDS:
        raise ValidationFailed(_("Not a kind of credit: %(kind)s.") % {"kind": kind}, field="kind")
    if activates_at and expires_at and expires_at <= activates_at:
        raise ValidationFailed(_("Points must expire after they activate."), field="expires_at")
    at = at or timezone.now()
    with _atomic():
        row = _lock(account)
        entry = LedgerEntry(
            business_id=row.business_id,
            account=row,
            amount=amount,
            kind=kind,
            created_at=at,
            sale=sale,
            coupon=coupon,
            staff=staff,
            reason=reason,
            activates_at=activates_at,
            expires_at=expires_at,
        )
        _save_credit(row, entry, amount, activates_at, expires_at, statement)
        if account is not row:  # the caller's object tells the truth after the call
            account.balance, account.debt = row.balance, row.debt
    return entry


def _take_from_lots(
    row: Account, amount: Decimal, kind: str, at, refuse_field: str, **fields
) -> LedgerEntry:
    """Debits `amount` from the active lots that expire first; refuses when short."""
    lots = list(
        Lot.objects.filter(account=row, remaining__gt=0)
        .filter(active_lots_q(at))
        .order_by(F("expires_at").asc(nulls_last=True), "id")
    )
    available = sum((lot.remaining for lot in lots), ZERO) - row.debt
    if available < amount:
        raise Refused(
            _("Not enough points: %(available)s available.") % {"available": max(available, ZERO)},
            code="insufficient_points",
            field=refuse_field,
            extra={"available": str(max(available, ZERO))},
        )
    entry = _new_entry(row, -amount, kind, at, **fields)
    uses, changed, left = [], [], amount
    for lot in lots:
        if not left:
            break
        take = min(lot.remaining, left)
        lot.remaining -= take
        left -= take
        changed.append(lot)
        uses.append(LotUse(business_id=row.business_id, entry=entry, lot=lot, amount=take))
    Lot.objects.bulk_update(changed, ["remaining"])
    LotUse.objects.bulk_create(uses)
    row.balance -= amount
    return entry


def spend(
    *, account: Account, amount: Decimal, sale=None, staff=None, reason: str = "", at=None
) -> LedgerEntry:
    """Debits `amount` active points (paying with points); refuses with
    `insufficient_points` rather than going below zero."""
    amount = _positive(amount, field="pay_with_points")
    at = at or timezone.now()
    with _atomic():
        row = _lock(account)
        entry = _take_from_lots(
            row, amount, Kind.DEBIT, at, "pay_with_points", sale=sale, staff=staff, reason=reason
        )
        _store_totals(row, account)
    return entry


def adjust(*, account: Account, amount: Decimal, staff, reason: str, at=None) -> LedgerEntry:
    """A manager's correction, with a reason: positive adds a lot, negative takes active
    points and may not take the active balance below zero."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the balance is adjusted."), field="reason")
    try:
        amount = money(amount)
    except (TypeError, ArithmeticError, ValueError) as exc:
        raise ValidationFailed(_("Enter an amount."), field="amount") from exc
    if amount == ZERO:
        raise ValidationFailed(_("The amount may not be zero."), field="amount")
    if amount > ZERO:
        return credit(
            account=account, amount=amount, kind=Kind.ADJUSTMENT, staff=staff, reason=reason, at=at
        )
    at = at or timezone.now()
    with _atomic():
        row = _lock(account)
        entry = _take_from_lots(
            row, -amount, Kind.ADJUSTMENT, at, "amount", staff=staff, reason=reason
        )
        _store_totals(row, account)
    return entry


# --- cancelling a sale ----------------------------------------------------------------------


def reverse_sale_entries(*, sale, at=None) -> list[LedgerEntry]:
    """Reverses every entry of `sale` not reversed yet; a second call writes nothing.

    Credits are taken back first (from their lot; what was spent meanwhile becomes debt),
    then debits come back (repaying debt first, then into the lots they took from; into a
    new lot without expiry where those lots have expired since).
    """
    at = at or timezone.now()
    with _atomic():
        account_ids = (
            LedgerEntry.objects.filter(sale=sale)
            .exclude(kind=Kind.REVERSAL)
            .values_list("account_id", flat=True)
            .distinct()
        )
        # Locked before reading which entries are still unreversed: a concurrent cancel
        # of the same sale waits here and then finds nothing left to do.
        rows = {
            row.pk: row
            for row in Account.objects.select_for_update()
            .filter(pk__in=list(account_ids))
            .order_by("pk")
        }
        entries = list(
            LedgerEntry.objects.filter(sale=sale, reversals__isnull=True)
            .exclude(kind=Kind.REVERSAL)
            .order_by("id")
        )
        # Credits first: a debit restored afterwards then repays the debt they may leave.
        entries.sort(key=lambda entry: (entry.amount < 0, entry.id))
        reversals = []
        for entry in entries:
            row = rows[entry.account_id]
            if entry.amount > 0:
                reversals.append(_take_back_credit(row, entry, at))
            else:
                reversals.append(_give_back_debit(row, entry, at))
        for row in rows.values():
            _store_totals(row)
    return reversals


def _take_back_credit(row: Account, entry: LedgerEntry, at) -> LedgerEntry:
    lot = Lot.objects.filter(entry=entry).first()
    # Points of this credit that expired were already taken by the expiry entry.
    expired = ZERO
    if lot is not None:
        expired = (
            LotUse.objects.filter(lot=lot, entry__kind=Kind.EXPIRY).aggregate(total=Sum("amount"))[
                "total"
            ]
            or ZERO
        )
    back = max(entry.amount - expired, ZERO)
    reversal = _new_entry(row, -back, Kind.REVERSAL, at, sale_id=entry.sale_id, reverses=entry)
    taken = min(lot.remaining, back) if lot is not None else ZERO
    if lot is not None and taken:
        lot.remaining -= taken
        lot.save(update_fields=["remaining"])
        LotUse.objects.create(business_id=row.business_id, entry=reversal, lot=lot, amount=taken)
    row.debt += back - taken
    row.balance -= back
    return reversal


def _give_back_debit(row: Account, entry: LedgerEntry, at) -> LedgerEntry:
    amount = -entry.amount
    reversal = _new_entry(row, amount, Kind.REVERSAL, at, sale_id=entry.sale_id, reverses=entry)
    repay = min(row.debt, amount)
    row.debt -= repay
    left = amount - repay
    uses, changed, expired = [], [], ZERO
    for use in (
        LotUse.objects.filter(entry=entry, amount__gt=0).select_related("lot").order_by("id")
    ):
        if not left:
            break
        give = min(use.amount, left)
        left -= give
        lot = use.lot
        if lot.expires_at is not None and lot.expires_at <= at:
            expired += give
            continue
        lot.remaining += give
        changed.append(lot)
        uses.append(LotUse(business_id=row.business_id, entry=reversal, lot=lot, amount=-give))
    expired += left  # a debit recorded without lot uses still comes back in full
    Lot.objects.bulk_update(changed, ["remaining"])
    LotUse.objects.bulk_create(uses)
    if expired:
        Lot.objects.create(
            business_id=row.business_id,
            account=row,
            entry=reversal,
            amount=expired,
            remaining=expired,
        )
    row.balance += amount
    return reversal


# --- expiry ---------------------------------------------------------------------------------


def expire_lots(*, now=None) -> int:
    """Posts an expiry entry for every lot past `expires_at` with points left; returns how
    many. Idempotent: expired lots are left with nothing, so a second run finds none."""
    now = now or timezone.now()
    due = Lot.objects.filter(expires_at__lte=now, remaining__gt=0)
    account_ids = sorted(set(due.values_list("account_id", flat=True)))
    count = 0
    for account_id in account_ids:  # one short transaction per account
        with transaction.atomic():
            row = Account.objects.select_for_update().get(pk=account_id)
            count += _expire_account_lots(row, due.filter(account_id=account_id))
            _store_totals(row)
    return count


def _expire_account_lots(row: Account, lots: QuerySet) -> int:
    count = 0
    due = list(lots.order_by("expires_at", "id"))
    if due:
        # Dated when the points lapsed: maybe a day the reports have folded already.
        ReportState.unsettle(business_id=row.business_id, at=due[0].expires_at)
    for lot in due:
        entry = _new_entry(row, -lot.remaining, Kind.EXPIRY, lot.expires_at, reason="expired")
        LotUse.objects.create(
            business_id=row.business_id, entry=entry, lot=lot, amount=lot.remaining
        )
        row.balance -= lot.remaining
        lot.remaining = ZERO
        lot.save(update_fields=["remaining"])
        count += 1
    return count
