"""The customer's past figures that period thresholds need, in ONE aggregate query.

Only completed (not cancelled) sales of the program count, their positions' amounts to pay
(after discounts, before points), and never the current check (rules.md "Periods").

The query is written as SQL: building the same aggregate through the ORM (two filtered sums
per period rule) cost several milliseconds of Python per check, more than the query itself.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from loyalty import engine
from loyalty.models import Sale, SalePosition

CENT, MILLI = Decimal("0.01"), Decimal("0.001")


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _rule_condition(rule, at, timezone) -> tuple[str, list]:
    """The SQL condition (and its parameters) of the positions `rule` measures."""
    conditions, params = [], []
    start = engine.period_start(rule.depends_on.period, at, timezone)
    if start is not None:
        conditions.append("s.time >= %s")
        params.append(connection.ops.adapt_datetimefield_value(start))
    if rule.action in engine.GOODS_ACTIONS:  # goods filters narrow what it measures
        include = []
        for column, values in (("category", rule.include_categories), ("code", rule.include_goods)):
            if values:
                include.append(f"p.{column} IN ({_placeholders(values)})")
                params += sorted(values)
        if include:
            conditions.append("(" + " OR ".join(include) + ")")
        for column, values in (("category", rule.exclude_categories), ("code", rule.exclude_goods)):
            if values:
                conditions.append(f"p.{column} NOT IN ({_placeholders(values)})")
                params += sorted(values)
    return (" AND ".join(conditions) or "1 = 1"), params


def _decimal(value, exponent) -> Decimal:
    # A sum over no rows is NULL.
    return Decimal(value or 0).quantize(exponent, ROUND_HALF_UP)


def customer_history(*, customer_id, program_id, rules, at, timezone):
    """(has_completed_sales, {rule id: PeriodFigures}) for the period-based `rules`."""
    if customer_id is None:
        return False, {}
    # The customer's completed sales of the program before `at`: the EXISTS below answers
    # "any?" on the sales' index (a COUNT(DISTINCT) sorted every position's sale id), the
    # sums read their positions.
    sales = "{t}.customer_id = %s AND {t}.program_id = %s AND {t}.status = %s AND {t}.time < %s"
    sales_params = [
        customer_id,
        program_id,
        Sale.COMPLETED,
        connection.ops.adapt_datetimefield_value(at),
    ]
    columns = [f"EXISTS (SELECT 1 FROM {Sale._meta.db_table} e WHERE {sales.format(t='e')})"]
    params = list(sales_params)
    for rule in rules:
        condition, condition_params = _rule_condition(rule, at, timezone)
        columns.append(f"COALESCE(SUM(p.amount_to_pay) FILTER (WHERE {condition}), 0)")
        columns.append(f"COALESCE(SUM(p.quantity) FILTER (WHERE {condition}), 0)")
        params += condition_params + condition_params
    sql = f"SELECT {', '.join(columns)}"
    if rules:  # else a first-visit filter only: no positions to sum
        sql += (
            f" FROM {SalePosition._meta.db_table} p "
            f"JOIN {Sale._meta.db_table} s ON s.id = p.sale_id WHERE {sales.format(t='s')}"
        )
        params += sales_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    figures = {
        rule.id: engine.PeriodFigures(
            amount=_decimal(row[1 + 2 * i], CENT), quantity=_decimal(row[2 + 2 * i], MILLI)
        )
        for i, rule in enumerate(rules)
    }
    return bool(row[0]), figures
