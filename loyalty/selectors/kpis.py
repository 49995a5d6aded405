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
from loyalty.models import Membership, PointOfSale, Program, Sale

from .names import business_account_names
from .report_days import period_days

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
    figures = Figures()
    # The period's sales per (program, point of sale, cashier) and day: folded days from
    # their rows, the rest counted now (loyalty.selectors.report_days).
    groups: dict[str, dict] = {"by_pos": {}, "by_cashier": {}}
    amount = discount = ZERO
    for day in period_days(business=business, date_from=date_from, date_to=date_to).values():
        for (program_id, pos_id, staff_id), (n, _amount, money, off) in day.sales.items():
            if program is not None and program_id != program.pk:
                continue
            if point_of_sale is not None and pos_id != point_of_sale.pk:
                continue
            if (cashier == TILL and staff_id is not None) or (
                cashier not in (None, TILL) and staff_id != cashier.pk
            ):
                continue
            figures.sales += n
            amount += money
            discount += off
            for key, row_id in (("by_pos", pos_id), ("by_cashier", staff_id)):
                total = groups[key].setdefault(row_id, [0, ZERO])
                total[0] += n
                total[1] += money
    figures.amount, figures.discount = amount, discount
    figures.average = _average(amount, figures.sales)
    pos_names = dict(scoped(PointOfSale, business).values_list("pk", "name"))
    # the business's staff (one query whatever the rows); a cashier whose membership row
    # is gone is looked up by id
    emails = dict(scoped(Membership, business).values_list("user_id", "user__email"))
    gone = [pk for pk in groups["by_cashier"] if pk is not None and pk not in emails]
    if gone:
        emails.update(get_user_model().objects.filter(pk__in=gone).values_list("pk", "email"))
    named = {"by_pos": pos_names, "by_cashier": emails}
    narrow = (
        point_of_sale is not None
        or cashier is not None
        or (program is not None and scoped(Program, business).exclude(pk=program.pk).exists())
    )
    with connection.cursor() as cursor:
        if narrow:  # a point of sale, a cashier or one of several programs: the sales
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
            cursor.execute(_returning_sql(" AND ".join(where)), [start, *params])
        else:  # the whole business: its customers' figures, not the period's sales
            cursor.execute(_BUYERS_SQL, {"business": business.pk, "start": start, "end": end})
        figures.customers, figures.returning = cursor.fetchone()
    for key, totals in groups.items():
        rows = [
            {
                "id": row_id,  # what the filter selects
                "name": named[key].get(row_id, "") if row_id is not None else "",
                "sales": n,
                "amount": money,
                "average": _average(money, n),
            }
            for row_id, (n, money) in totals.items()
        ]
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


# The business's customers who bought in [start, end) and how many of them had bought before
# `start`, from customers_customerfigures alone: a customer whose last visit is in the
# period bought in it; one whose last visit is after it (a range that ends before today)
# is asked the history index (sale_history) whether they did. Exactly the buyers of
# `_returning_sql` for the whole business, without reading a year of sales.
_BUYERS_SQL = f"""
    SELECT count(*), count(*) FILTER (WHERE f.first_visit < %(start)s)
    FROM {CustomerFigures._meta.db_table} f
    WHERE f.business_id = %(business)s AND f.last_visit >= %(start)s
        AND (f.last_visit < %(end)s OR EXISTS (
            SELECT 1 FROM {Sale._meta.db_table} s
            WHERE s.customer_id = f.customer_id AND s.status = 'completed'
                AND s.time >= %(start)s AND s.time < %(end)s))
"""
