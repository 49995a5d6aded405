"""The customer's past figures that period thresholds need, in ONE aggregate query.

Only completed (not cancelled) sales of the program count, their positions' amounts to pay
(after discounts, before points), and never the current check (rules.md "Periods").
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from loyalty import engine
from loyalty.models import Sale, SalePosition

GOODS_ACTIONS = frozenset(
    {
        "discount_goods_percent",
        "discount_goods_amount",
        "special_price",
        "credit_goods_percent",
        "credit_goods_amount",
        "issue_coupon_goods",
    }
)


def _goods_filter(rule) -> Q:
    q = Q()
    if rule.include_categories or rule.include_goods:
        q &= Q(category__in=list(rule.include_categories)) | Q(code__in=list(rule.include_goods))
    if rule.exclude_categories:
        q &= ~Q(category__in=list(rule.exclude_categories))
    if rule.exclude_goods:
        q &= ~Q(code__in=list(rule.exclude_goods))
    return q


def customer_history(*, customer_id, program_id, rules, at, timezone):
    """(has_completed_sales, {rule id: PeriodFigures}) for the period-based `rules`."""
    if customer_id is None:
        return False, {}
    aggregates = {"sales": Count("sale_id", distinct=True)}
    for rule in rules:
        start = engine.period_start(rule.depends_on.period, at, timezone)
        q = Q(sale__time__gte=start) if start is not None else Q()
        if rule.action in GOODS_ACTIONS:
            q &= _goods_filter(rule)
        aggregates[f"a{rule.id}"] = Sum("amount_to_pay", filter=q, default=Decimal("0"))
        aggregates[f"q{rule.id}"] = Sum("quantity", filter=q, default=Decimal("0"))
    row = SalePosition.objects.filter(
        sale__customer_id=customer_id,
        sale__program_id=program_id,
        sale__status=Sale.COMPLETED,
        sale__time__lt=at,
    ).aggregate(**aggregates)
    figures = {
        rule.id: engine.PeriodFigures(
            amount=Decimal(row[f"a{rule.id}"]).quantize(Decimal("0.01")),
            quantity=Decimal(row[f"q{rule.id}"]),
        )
        for rule in rules
    }
    return bool(row["sales"]), figures
