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

from django.db.models import Count, Exists, OuterRef, Q, Sum

from core.tenancy import scoped
from coupons.models import Coupon
from coupons.validity import business_tz, day_start
from customers.models import Account
from loyalty.models import Sale

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
    sales = scoped(Sale, business).filter(status=Sale.COMPLETED, time__gte=start, time__lt=end)
    if program is not None:
        sales = sales.filter(program=program)
    if point_of_sale is not None:
        sales = sales.filter(point_of_sale=point_of_sale)
    if cashier == TILL:
        sales = sales.filter(staff__isnull=True)
    elif cashier is not None:
        sales = sales.filter(staff=cashier)
    money = {"n": Count("pk"), "amount": Sum("money_to_pay"), "discount": Sum("discount")}

    totals = sales.aggregate(**money)
    figures = Figures(
        sales=totals["n"],
        amount=totals["amount"] or ZERO,
        discount=totals["discount"] or ZERO,
        average=_average(totals["amount"] or 0, totals["n"]),
    )

    earlier = Sale.objects.filter(
        business=business,
        status=Sale.COMPLETED,
        customer_id=OuterRef("customer_id"),
        time__lt=start,
    )
    buyers = (
        sales.filter(customer__isnull=False)
        .values("customer_id")
        .distinct()
        .annotate(before=Exists(earlier))
    )
    people = buyers.aggregate(n=Count("customer_id"), back=Count("customer_id", Q(before=True)))
    figures.customers, figures.returning = people["n"], people["back"]
    figures.returning_rate = _rate(figures.returning, figures.customers)

    for key, group, label in (
        ("by_pos", "point_of_sale", "point_of_sale__name"),
        ("by_cashier", "staff", "staff__email"),
    ):
        rows = sales.values(group, label).annotate(**money).order_by("-amount", group)
        setattr(
            figures,
            key,
            [
                {
                    "id": row[group],  # what the filter selects
                    "name": row[label] or "",
                    "sales": row["n"],
                    "amount": row["amount"] or ZERO,
                    "average": _average(row["amount"] or 0, row["n"]),
                }
                for row in rows
            ],
        )

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
