"""The dashboard's figures: a fixed number of aggregate queries, whatever the data size.

Days are days of the business's time zone (TruncDate with its tzinfo); a range is
`[date_from, date_to]`, both included.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncDate

from certificates.models import Activation
from core.tenancy import scoped
from coupons.models import Coupon, CouponEvent, CouponSeries
from coupons.validity import business_tz, day_start
from customers.models import Customer, CustomerFigures, LedgerEntry, LotUse
from loyalty.models import Device, Goods, Membership, PointOfSale, Program, Rule, Sale, SaleRule

ZERO = Decimal("0.00")
TOP_RULES = 5
COUPON = Coupon.State
KIND = LedgerEntry.Kind

# Per-day keys, in the order the figures table shows them.
DAY_KEYS = (
    "sales",
    "amount",
    "discount",
    "credited",
    "spent",
    "expired",
    "coupons_issued",
    "coupons_redeemed",
    "activations",
    "new_customers",
)


@dataclass
class Dashboard:
    days: list[dict]
    totals: dict
    new_customers: int
    returning_customers: int
    top_by_discount: list[dict] = field(default_factory=list)
    top_by_credit: list[dict] = field(default_factory=list)


def panel_counts(business) -> dict:
    """The tiles of the panel home (and what the getting-started list checks)."""
    rules = scoped(Rule, business).aggregate(
        total=Count("id"), active=Count("id", filter=Q(is_active=True))
    )
    return {
        "programs": scoped(Program, business).count(),
        "points_of_sale": scoped(PointOfSale, business).count(),
        "customers": scoped(Customer, business).count(),
        "goods": scoped(Goods, business).count(),
        "rules": rules["active"],
        "rules_total": rules["total"],
        "staff": scoped(Membership, business).filter(revoked_at=None).count(),
        "devices": scoped(Device, business).filter(revoked_at=None).count(),
    }


def program_dashboard(*, business, program, date_from: date, date_to: date) -> Dashboard:
    tz = business_tz(business)
    start, end = day_start(date_from, tz), day_start(date_to + timedelta(days=1), tz)
    per_day: dict[date, dict] = {}

    def add(day, key, value):
        per_day.setdefault(day, {})[key] = per_day.get(day, {}).get(key, 0) + value

    sales = scoped(Sale, business).filter(program=program, status=Sale.COMPLETED)
    in_range = sales.filter(time__gte=start, time__lt=end)
    for row in (
        in_range.annotate(day=TruncDate("time", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"), amount=Sum("amount"), discount=Sum("discount"))
        .order_by()
    ):
        add(row["day"], "sales", row["n"])
        add(row["day"], "amount", row["amount"] or ZERO)
        add(row["day"], "discount", row["discount"] or ZERO)

    # A cancelled sale counts nowhere, like in "sales": not its credits and debits, nor the
    # expiry of points it credited (the reversal took back only what had not expired), nor
    # the reversal entries that undid it. What stands is what the figures show.
    ledger_keys = {KIND.CREDIT: "credited", KIND.DEBIT: "spent", KIND.EXPIRY: "expired"}
    expired_credit_of_cancelled_sale = LotUse.objects.filter(
        entry=OuterRef("pk"), lot__entry__sale__status=Sale.CANCELLED
    )
    # Cancelled sales by their small partial index, not a join to every sale's row.
    cancelled = Sale.objects.filter(business=business, status=Sale.CANCELLED).values("pk")
    for row in (
        scoped(LedgerEntry, business)
        .filter(account__program=program, kind__in=ledger_keys, created_at__gte=start)
        .filter(created_at__lt=end)
        .exclude(sale_id__in=cancelled)
        .exclude(Q(kind=KIND.EXPIRY) & Exists(expired_credit_of_cancelled_sale))
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        # Debits and expiries are stored negative; the dashboard shows sizes.
        add(row["day"], ledger_keys[row["kind"]], abs(row["total"] or ZERO))

    for row in (
        scoped(CouponEvent, business)
        # the event's copy of its series: no join to every coupon
        .filter(series__in=scoped(CouponSeries, business).filter(program=program).values("pk"))
        .filter(at__gte=start, at__lt=end, to_state__in=[COUPON.IN_WALLET, COUPON.REDEEMED])
        # the same reading as the series page: transfers and coupons put back by a
        # cancelled sale did not newly reach a wallet
        .exclude(from_state__in=[COUPON.IN_WALLET, COUPON.REDEEMED], to_state=COUPON.IN_WALLET)
        .exclude(_undone_by_cancel(business, cancelled))
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values("day", "to_state")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = "coupons_redeemed" if row["to_state"] == COUPON.REDEEMED else "coupons_issued"
        add(row["day"], key, row["n"])

    for row in (
        scoped(Activation, business)
        .filter(certificate__program=program, at__gte=start, at__lt=end)
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    ):
        add(row["day"], "activations", row["n"])

    if scoped(Program, business).count() == 1:
        # the program's first sale is the business's: PostgreSQL keeps it per customer
        new, returning, new_per_day = _customers_by_figures(sales, start, end, tz)
    else:
        new, returning, new_per_day = _customers(sales, start, end, tz)
    for day, n in new_per_day.items():
        add(day, "new_customers", n)

    days, totals = [], dict.fromkeys(DAY_KEYS, 0)
    day = date_from
    while day <= date_to:
        found = per_day.get(day, {})
        row = {"date": day.isoformat(), "day": day}
        for key in DAY_KEYS:
            row[key] = found.get(key, 0)
            totals[key] += row[key]
        days.append(row)
        day += timedelta(days=1)

    by_discount, by_credit = _top_rules(business, program, start, end)
    return Dashboard(
        days=days,
        totals=totals,
        new_customers=new,
        returning_customers=returning,
        top_by_discount=by_discount,
        top_by_credit=by_credit,
    )


def _customers_by_figures(sales, start, end, tz) -> tuple[int, int, dict]:
    """`_customers` for a business of one program: each buyer's first completed sale is
    read from customers_customerfigures (a join) instead of their history."""
    firsts = (
        CustomerFigures.objects.filter(
            customer__in=sales.filter(time__gte=start, time__lt=end, customer__isnull=False)
            .values("customer_id")
            .distinct()
        )
        .values_list("first_visit", flat=True)
        .order_by()
    )
    new = returning = 0
    per_day: dict[date, int] = {}
    for first in firsts:
        if first >= start:
            new += 1
            day = first.astimezone(tz).date()
            per_day[day] = per_day.get(day, 0) + 1
        else:
            returning += 1
    return new, returning, per_day


def _undone_by_cancel(business, cancelled) -> Q:
    """coupons.selectors.UNDONE_BY_CANCEL through the cancelled sales' small index: the
    same events, without joining each event to its sale and its coupon's sale."""
    put_back = Coupon.objects.filter(
        business=business, state=COUPON.CANCELLED, issued_by_sale__in=cancelled
    ).values("pk")
    return Q(to_state=COUPON.REDEEMED, sale_id__in=cancelled) | Q(
        to_state=COUPON.IN_WALLET, coupon_id__in=put_back
    )


def _customers(sales, start, end, tz) -> tuple[int, int, dict]:
    """(new, returning, new per day) among the customers with a completed sale in the range:
    new when their first completed sale in the program is in the range. One query; one row
    per customer who bought in the range, each asking the customer's history index
    (sale_history) whether they bought before it: the range's sales only are read, not the
    program's whole history."""
    earlier = Sale.objects.filter(
        customer_id=OuterRef("customer_id"),
        program_id=OuterRef("program_id"),
        status=Sale.COMPLETED,
        time__lt=start,
    )
    firsts = (
        sales.filter(customer__isnull=False, time__gte=start, time__lt=end)
        .values("customer_id", "program_id")
        .annotate(first=Min("time"))
        .annotate(before=Exists(earlier))
        .values_list("first", "before")
        .order_by()
    )
    new = returning = 0
    per_day: dict[date, int] = {}
    for first, before in firsts:
        if not before:
            new += 1
            day = first.astimezone(tz).date()
            per_day[day] = per_day.get(day, 0) + 1
        else:
            returning += 1
    return new, returning, per_day


def _top_rules(business, program, start, end) -> tuple[list[dict], list[dict]]:
    """The rules that gave the most discount and the most points in the range."""
    rows = list(
        scoped(SaleRule, business)
        .filter(
            sale__program=program,
            sale__status=Sale.COMPLETED,
            sale__time__gte=start,
            sale__time__lt=end,
        )
        .values("rule_key", "rule_id", "rule__name")
        .annotate(
            discount=Sum("discount"),
            credit=Sum("credit"),
            sales=Count("sale", distinct=True),
        )
        .order_by()
    )
    for row in rows:
        row["name"] = row["rule__name"] or row["rule_key"]
    by_discount = sorted(
        (r for r in rows if r["discount"]), key=lambda r: (-r["discount"], r["rule_key"])
    )
    by_credit = sorted(
        (r for r in rows if r["credit"]), key=lambda r: (-r["credit"], r["rule_key"])
    )
    return by_discount[:TOP_RULES], by_credit[:TOP_RULES]
