"""Reads of customers' accounts and the ledger."""

import functools
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import sql_rows
from core.plurals import point_forms

from .ledger import ZERO, active_lots_q, money, pending_lots_q
from .models import Account, AccountType, Customer, CustomerCategory, Enrolment, LedgerEntry, Lot


def _zeros() -> dict[str, Decimal]:
    return {"active": ZERO, "pending": ZERO, "expiring_soon": ZERO}


def balances(*, customer, program, at=None) -> dict[str, dict[str, Decimal]]:
    """{"bonus": {"active", "pending", "expiring_soon"}, "<account key>": {...}} in one query.

    `bonus` is always there (zeros before the first credit); other accounts once they exist.
    `active` is net of debt, so it is negative after a reversal took more than was left.
    """
    at = at or timezone.now()
    soon = at + timedelta(days=getattr(settings, "PERKLINE_EXPIRING_SOON_DAYS", 30))
    active = active_lots_q(at, "lots__") & Q(lots__remaining__gt=0)
    rows = (
        Account.objects.filter(customer=customer, program=program)
        .values("key", "debt")
        .annotate(
            active=Sum("lots__remaining", filter=active),
            pending=Sum(
                "lots__remaining", filter=pending_lots_q(at, "lots__") & Q(lots__remaining__gt=0)
            ),
            expiring_soon=Sum("lots__remaining", filter=active & Q(lots__expires_at__lte=soon)),
        )
    )
    result = {Account.BONUS: _zeros()}
    for row in rows:
        result[row["key"]] = {
            "active": money((row["active"] or ZERO) - row["debt"]),
            "pending": money(row["pending"] or ZERO),
            "expiring_soon": money(row["expiring_soon"] or ZERO),
        }
    return result


def customer_for_check(
    *, business_id: int, program_id: int, at, lock: bool = False, **lookup
) -> Customer | None:
    """The customer found by one `lookup` (id=, card_code= or phone=) in the business, with
    `program_category` (their category's key in the program, or None) and
    `spendable_bonus` (active bonus and special points, which pay together) read in the same
    query.

    Every check asks for these three; written as SQL because building it through the ORM
    cost a millisecond of Python per check (docs/benchmarks.md, P2). `lock` locks the
    customer's row for the caller's transaction.
    """
    [(column, value)] = lookup.items()
    if column not in ("id", "card_code", "phone"):
        raise ValueError(f"not a customer look-up: {column}")
    points = (Account.BONUS, Account.SPECIAL)  # both pay (rules.md "Points payment")
    params = [program_id, at, at, program_id, *points, program_id, *points, business_id, value]
    customer = sql_rows.fetch_instance(
        Customer, _customer_for_check_sql(column, lock), params, extra=CHECK_EXTRAS
    )
    if customer is None:
        return None
    customer.spendable_bonus = money(customer.spendable_bonus or ZERO)
    return customer


CHECK_EXTRAS = ("program_category", "spendable_bonus")


@functools.cache
def _customer_for_check_sql(column: str, lock: bool) -> str:
    tables = {
        model.__name__: model._meta.db_table
        for model in (Customer, Enrolment, CustomerCategory, Account, Lot)
    }
    return f"""
        SELECT {sql_rows.columns(Customer, "c")},
            (SELECT k.key FROM {tables["Enrolment"]} e
                JOIN {tables["CustomerCategory"]} k ON k.id = e.category_id
                WHERE e.customer_id = c.id AND e.program_id = %s LIMIT 1) AS program_category,
            (SELECT COALESCE(SUM(l.remaining) FILTER (
                    WHERE (l.activates_at IS NULL OR l.activates_at <= %s)
                    AND (l.expires_at IS NULL OR l.expires_at > %s)), 0)
                FROM {tables["Account"]} a LEFT JOIN {tables["Lot"]} l ON l.account_id = a.id
                WHERE a.customer_id = c.id AND a.program_id = %s AND a.key IN (%s, %s)
            ) - (SELECT COALESCE(SUM(d.debt), 0) FROM {tables["Account"]} d
                WHERE d.customer_id = c.id AND d.program_id = %s AND d.key IN (%s, %s)
            ) AS spendable_bonus
        FROM {tables["Customer"]} c
        WHERE c.business_id = %s AND c.{column} = %s
        {"FOR UPDATE OF c" if lock else ""}
    """


def spendable_points(*, customer, program, at=None) -> Decimal:
    """The active bonus balance: what the customer may pay with now."""
    at = at or timezone.now()
    row = (
        Account.objects.filter(customer=customer, program=program, key=Account.BONUS)
        .values("pk", "debt")
        .annotate(active=Sum("lots__remaining", filter=active_lots_q(at, "lots__")))
        .order_by("pk")
        .first()
    )
    if row is None:
        return ZERO
    return money((row["active"] or ZERO) - row["debt"])


def customer_category_key(*, customer, program) -> str | None:
    """The key of the customer's category in `program`, None when unenrolled or uncategorised."""
    return (
        Enrolment.objects.filter(customer=customer, program=program)
        .values_list("category__key", flat=True)
        .first()
    )


def ledger_history(*, account) -> QuerySet:
    """The account's entries, newest first, with what caused them."""
    return (
        LedgerEntry.objects.filter(account=account)
        .select_related("sale", "coupon", "staff", "reverses")
        .order_by("-created_at", "-id")
    )


def _sum_of(model, field: str) -> Coalesce:
    decimal = DecimalField(max_digits=14, decimal_places=2)
    total = (
        model.objects.filter(account=OuterRef("pk"))
        .order_by()
        .values("account")
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=decimal), Value(ZERO), output_field=decimal)


# Checks of balances kept outside customers' accounts (gift cards), registered by their
# apps at start-up (a lower layer does not import them); each returns its problems.
LEDGER_CHECKS: list = []


def check_ledger() -> list[str]:
    """Every account whose stored balance disagrees with its entries or with its lots, and
    the problems the registered LEDGER_CHECKS find."""
    return _check_accounts() + [p for check in LEDGER_CHECKS for p in check()]


def _check_accounts() -> list[str]:
    accounts = (
        Account.objects.annotate(
            entries_total=_sum_of(LedgerEntry, "amount"), lots_total=_sum_of(Lot, "remaining")
        )
        .order_by("pk")
        .values(
            "pk",
            "business_id",
            "customer_id",
            "program_id",
            "key",
            "balance",
            "debt",
            "entries_total",
            "lots_total",
        )
    )
    problems = []
    for row in accounts.iterator(chunk_size=2000):
        name = (
            f"account {row['pk']} (business {row['business_id']}, customer "
            f"{row['customer_id']}, program {row['program_id']}, {row['key']})"
        )
        balance, entries_total = money(row["balance"]), money(row["entries_total"])
        from_lots = money(row["lots_total"] - row["debt"])
        if balance != entries_total:
            problems.append(f"{name}: balance {balance} != sum of entries {entries_total}")
        if balance != from_lots:
            problems.append(
                f"{name}: balance {balance} != lots remaining {money(row['lots_total'])}"
                f" - debt {money(row['debt'])}"
            )
        if row["debt"] < 0:
            problems.append(f"{name}: negative debt {money(row['debt'])}")
    negative_lots = Lot.objects.filter(Q(remaining__lt=0) | Q(remaining__gt=F("amount")))
    for lot in negative_lots.values("pk", "account_id", "amount", "remaining"):
        problems.append(
            f"lot {lot['pk']} of account {lot['account_id']}: remaining {lot['remaining']}"
            f" outside 0..{lot['amount']}"
        )
    from .stamps import check_stamps  # the stamp cards' own ledger (promotions.md)

    problems += check_stamps()
    return problems


def account_labels(*, program, currency: str) -> dict[str, dict[str, str]]:
    """{key: {"name", "unit", "whole"[, "forms"]}} of every balance a customer may hold in
    `program` ("forms": the unit's word by plural category, for whole units and points;
    core.plurals: a number with decimals takes "other", uk "100,00 бала"), so that
    the kiosk and the wallet page show each with its unit (payments.md): points, the
    currency for prepaid money, units for prepaid goods."""
    labels: dict = {
        Account.BONUS: {
            "name": str(_("Points")),
            "unit": str(_("points")),
            "whole": False,
            "forms": point_forms(),
        },
        Account.SPECIAL: {
            "name": str(_("Special points")),
            "unit": str(_("points")),
            "whole": False,
            "forms": point_forms(),
        },
    }
    units = {
        AccountType.Kind.POINTS: str(_("points")),
        AccountType.Kind.MONEY: currency,
        AccountType.Kind.GOODS: str(_("units")),
        AccountType.Kind.ACHIEVEMENTS: "",
    }
    for account_type in AccountType.objects.filter(program=program).only("key", "name", "kind"):
        labels[account_type.key] = {
            "name": account_type.name,
            "unit": units.get(account_type.kind, ""),
            # shown as whole units ("3", not "3.00")
            "whole": account_type.in_units,
        }
        if account_type.in_units:
            labels[account_type.key]["forms"] = unit_forms()
        elif account_type.kind == AccountType.Kind.POINTS:
            labels[account_type.key]["forms"] = point_forms()
    return labels


def unit_forms() -> dict[str, str]:
    """The word for units by plural category (CLDR's, as the browser's Intl.PluralRules
    names them), in the active language: "1 unit", "3 units"; uk 1 одиниця, 3 одиниці,
    5 одиниць. A fraction ("other") takes the form of 2."""
    return {
        category: ngettext("unit", "units", n)
        for category, n in (("one", 1), ("few", 2), ("many", 5), ("other", 2))
    }


def figures_of_customers(customers):
    """`customers` with `balance` (bonus points, all programs; a subquery of the row),
    `visits`, `spend` and `last_visit` (completed sales: the row PostgreSQL keeps in
    customers_customerfigures, so sorting every customer by them reads no sale)."""
    points = Account.objects.filter(customer=OuterRef("pk"), key=Account.BONUS).values("customer")
    money = DecimalField(max_digits=14, decimal_places=2)
    return customers.annotate(
        balance=Coalesce(Subquery(points.annotate(s=Sum("balance")).values("s")), ZERO,
                         output_field=money),
        visits=Coalesce(F("figures__visits"), 0, output_field=IntegerField()),
        spend=Coalesce(F("figures__spend"), ZERO, output_field=money),
        last_visit=F("figures__last_visit"),
    )  # fmt: skip


def expiring_soon(*, customer, program, at=None) -> dict[str, list[tuple]]:
    """{account key: [(expiry, remaining), ...]} of the active lots that expire within
    PERKLINE_EXPIRING_SOON_DAYS, soonest first, summed per expiry moment: what the wallet
    lists as "expires on <date>" (journey.md "Carry")."""
    at = at or timezone.now()
    soon = at + timedelta(days=getattr(settings, "PERKLINE_EXPIRING_SOON_DAYS", 30))
    rows = (
        Lot.objects.filter(account__customer=customer, account__program=program)
        .filter(active_lots_q(at), remaining__gt=0, expires_at__lte=soon)
        .values("account__key", "expires_at")
        .annotate(total=Sum("remaining"))
        .order_by("expires_at")
    )
    result: dict[str, list[tuple]] = {}
    for row in rows:
        result.setdefault(row["account__key"], []).append((row["expires_at"], money(row["total"])))
    return result
