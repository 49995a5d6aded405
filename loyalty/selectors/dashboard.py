"""The dashboard's figures: a fixed number of queries, whatever the data size (the days
before today from their folded rows, loyalty.selectors.report_days).

Days are days of the business's time zone (TruncDate with its tzinfo); a range is
`[date_from, date_to]`, both included.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from core.tenancy import scoped
from coupons.validity import business_tz, day_start
from customers.models import Customer, CustomerFigures
from loyalty.models import Device, Goods, Membership, PointOfSale, Program, Rule, Sale

from .report_days import period_days

ZERO = Decimal("0.00")
TOP_RULES = 5

# A program's counts of a day (report_days.ProgramDay), in the figures table's order.
PROGRAM_KEYS = (
    "credited",
    "spent",
    "expired",
    "coupons_issued",
    "coupons_redeemed",
    "activations",
    "new_customers",
)
# Per-day keys, in the order the figures table shows them.
DAY_KEYS = ("sales", "amount", "discount", *PROGRAM_KEYS)


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
    # Folded days from their rows, the rest (usually today) counted now: report_days.
    figures = period_days(business=business, date_from=date_from, date_to=date_to)

    days, totals = [], dict.fromkeys(DAY_KEYS, 0)
    rules: dict[tuple, list] = {}
    day = date_from
    while day <= date_to:
        row = {"date": day.isoformat(), "day": day, **dict.fromkeys(DAY_KEYS, 0)}
        found = figures.get(day)
        if found is not None:
            for (program_id, _pos, _staff), (n, amount, _money, discount) in found.sales.items():
                if program_id == program.pk:
                    row["sales"] += n
                    row["amount"] += amount
                    row["discount"] += discount
            counts = found.programs.get(program.pk)
            if counts is not None:
                for key in PROGRAM_KEYS:
                    row[key] = getattr(counts, key)
            for (program_id, key, rule_id), values in found.rules.items():
                if program_id == program.pk:
                    total = rules.setdefault((key, rule_id), [ZERO, ZERO, 0])
                    for i, value in enumerate(values):
                        total[i] += value
        for key in DAY_KEYS:
            totals[key] += row[key]
        days.append(row)
        day += timedelta(days=1)

    new = totals["new_customers"]
    if scoped(Program, business).count() == 1:
        # the program's first sale is the business's: PostgreSQL keeps it per customer
        buyers = _buyers_by_figures(business, start, end)
    else:
        buyers = _buyers(business, program, start, end)
    by_discount, by_credit = _top_rules(rules)
    return Dashboard(
        days=days,
        totals=totals,
        new_customers=new,
        returning_customers=max(buyers - new, 0),
        top_by_discount=by_discount,
        top_by_credit=by_credit,
    )


def _buyers_by_figures(business, start, end) -> int:
    """The identified customers who bought in [start, end), for a business of one program,
    from customers_customerfigures: one whose last visit is in the range bought in it; one
    whose last visit is after it (a range that ends before today) is asked the history
    index whether they did. A year's 50,000 buyers without reading a year of sales."""
    in_range = Sale.objects.filter(
        customer_id=OuterRef("customer_id"),
        status=Sale.COMPLETED,
        time__gte=start,
        time__lt=end,
    )
    return (
        CustomerFigures.objects.filter(business=business, last_visit__gte=start)
        .filter(Q(last_visit__lt=end) | Exists(in_range))
        .count()
    )


def _buyers(business, program, start, end) -> int:
    """The identified customers with a completed sale in the program in [start, end)."""
    return (
        scoped(Sale, business)
        .filter(program=program, status=Sale.COMPLETED, customer__isnull=False)
        .filter(time__gte=start, time__lt=end)
        .values("customer_id")
        .distinct()
        .count()
    )


def _top_rules(rules: dict) -> tuple[list[dict], list[dict]]:
    """The rules that gave the most discount and the most points in the range, from
    (rule key, rule id) -> [discount, credit, sales]."""
    ids = [rule_id for _key, rule_id in rules if rule_id is not None]
    names = dict(Rule.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = [
        {
            "rule_key": key,
            "rule_id": rule_id,
            "name": names.get(rule_id) or key,
            "discount": discount,
            "credit": credit,
            "sales": n,
        }
        for (key, rule_id), (discount, credit, n) in rules.items()
    ]
    by_discount = sorted(
        (r for r in rows if r["discount"]), key=lambda r: (-r["discount"], r["rule_key"])
    )
    by_credit = sorted(
        (r for r in rows if r["credit"]), key=lambda r: (-r["credit"], r["rule_key"])
    )
    return by_discount[:TOP_RULES], by_credit[:TOP_RULES]
