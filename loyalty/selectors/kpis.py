"""The reports page's figures on screen (issue 21): one period of the business, in its time
zone, as a fixed handful of aggregate queries whatever the number of sales.

- sales, money taken, average check, discounts;
- returning-customer rate: of the identified customers who bought in the period, the share
  who had bought before it;
- per point of sale and per cashier: sales, money taken, average check;
- per coupon series: coupons issued in the period and how many of those were redeemed;
- points liability: what customers hold now, per account (not limited to the period).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q, Sum

from core.tenancy import scoped
from coupons.models import Coupon
from coupons.validity import business_tz, day_start
from customers.models import Account, CustomerFigures
from loyalty.models import PointOfSale, Sale

from .names import business_account_names

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _average(amount, count) -> Decimal:
    return (Decimal(amount) / count).quantize(CENT) if count else ZERO


def _rate(part, whole) -> Decimal | None:
    """A percentage with one decimal; None when there is nothing to divide."""
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1")) if whole else None


@dataclass
class Figures:
    sales: int = 0
    amount: Decimal = ZERO
    discount: Decimal = ZERO
    average: Decimal = ZERO
    customers: int = 0
    returning: int = 0
    returning_rate: Decimal | None = None
    by_pos: list = field(default_factory=list)
    by_cashier: list = field(default_factory=list)
    by_series: list = field(default_factory=list)
    liability: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.sales or self.by_series or any(r["balance"] for r in self.liability))


TILL = "till"  # the cashier filter's value for a connected till's sales (no cashier)


def business_figures(
    *,
    business,
    date_from: date,
    date_to: date,
    program=None,
    point_of_sale=None,
    cashier=None,
) -> Figures:
    """`program`, `point_of_sale` (rows of the business) and `cashier` (a user, or TILL)
    narrow every figure but the liability to those sales (issue 21's table filters); the
    series table follows the program only (a coupon is issued by no till in particular)."""
    tz = business_tz(business)
    start, end = day_start(date_from, tz), day_start(date_to + timedelta(days=1), tz)
    # One pass over the period's sales (index-only on sale_business_time_cover) for the
    # totals, per point of sale and per cashier, and one for returning customers; three
    # separate aggregates read the same rows three times (docs/benchmarks.md, reports).
    where = ["s.business_id = %s", "s.status = %s", "s.time >= %s", "s.time < %s"]
    params: list = [business.pk, Sale.COMPLETED, start, end]
    if program is not None:
        where.append("s.program_id = %s")
        params.append(program.pk)
    if point_of_sale is not None:
        where.append("s.point_of_sale_id = %s")
        params.append(point_of_sale.pk)
    if cashier == TILL:
        where.append("s.staff_id IS NULL")
    elif cashier is not None:
        where.append("s.staff_id = %s")
        params.append(cashier.pk)
    figures = Figures()
    groups: dict[str, list] = {"by_pos": [], "by_cashier": []}
    with connection.cursor() as cursor:
        cursor.execute(_money_sql(" AND ".join(where)), params)
        for pos_id, pos_name, staff_id, email, level, n, amount, discount in cursor.fetchall():
            if level == "total":
                figures.sales, figures.amount = n, amount or ZERO
                figures.discount, figures.average = discount or ZERO, _average(amount or 0, n)
                continue
            key, row_id, name = (
                ("by_pos", pos_id, pos_name) if level == "pos" else ("by_cashier", staff_id, email)
            )
            groups[key].append(
                {
                    "id": row_id,  # what the filter selects
                    "name": name or "",
                    "sales": n,
                    "amount": amount or ZERO,
                    "average": _average(amount or 0, n),
                }
            )
        cursor.execute(_returning_sql(" AND ".join(where)), [start, *params])
        figures.customers, figures.returning = cursor.fetchone()
    for key, rows in groups.items():
        rows.sort(key=lambda r: (-r["amount"], r["id"] is None, r["id"] or 0))
        setattr(figures, key, rows)
    figures.returning_rate = _rate(figures.returning, figures.customers)

    coupons = scoped(Coupon, business).filter(
        issued_at__gte=start, issued_at__lt=end, is_stock=False
    )
    if program is not None:
        coupons = coupons.filter(series__program=program)
    issued = (
        coupons.values("series_id", "series__name")
        .annotate(issued=Count("pk"), redeemed=Count("pk", Q(redeemed_at__isnull=False)))
        .order_by("series__name", "series_id")
    )
    figures.by_series = [
        {
            "id": row["series_id"],
            "name": row["series__name"],
            "issued": row["issued"],
            "redeemed": row["redeemed"],
            "rate": _rate(row["redeemed"], row["issued"]),
        }
        for row in issued
    ]

    names = business_account_names(business)
    held = (
        scoped(Account, business)
        .values("key")
        .annotate(held=Sum("balance"), holders=Count("pk", Q(balance__gt=0)))
        .order_by("key")
    )
    figures.liability = [
        {"name": names.account(row["key"]), "balance": row["held"] or ZERO,
         "holders": row["holders"]}
        for row in held
    ]  # fmt: skip
    return figures


def _money_sql(where: str) -> str:
    tables = {m.__name__: m._meta.db_table for m in (Sale, PointOfSale, get_user_model())}
    return f"""
        SELECT s.point_of_sale_id, p.name, s.staff_id, u.email,
            CASE WHEN GROUPING(s.point_of_sale_id) = 0 THEN 'pos'
                 WHEN GROUPING(s.staff_id) = 0 THEN 'cashier' ELSE 'total' END,
            count(*), sum(s.money_to_pay), sum(s.discount)
        FROM {tables["Sale"]} s
        JOIN {tables["PointOfSale"]} p ON p.id = s.point_of_sale_id
        LEFT JOIN {tables[get_user_model().__name__]} u ON u.id = s.staff_id
        WHERE {where}
        GROUP BY GROUPING SETS ((), (s.point_of_sale_id, p.name), (s.staff_id, u.email))
    """


def _returning_sql(where: str) -> str:
    """Of the period's identified buyers, how many bought before it: their first visit,
    kept by PostgreSQL in customers_customerfigures, is before the period (a join, not a
    probe of each buyer's history)."""
    return f"""
        SELECT count(*), count(*) FILTER (WHERE f.first_visit < %s)
        FROM (SELECT DISTINCT s.customer_id FROM {Sale._meta.db_table} s
              WHERE {where} AND s.customer_id IS NOT NULL) b
        LEFT JOIN {CustomerFigures._meta.db_table} f ON f.customer_id = b.customer_id
    """
