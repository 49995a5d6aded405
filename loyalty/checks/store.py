"""Writing a confirmed sale's rows.

The sale's id is drawn from its sequence up front (with the Idempotency-Key's claim), so
that everything the confirm writes can point at it, and the sale, its positions, its applied
rules and the key's link to the sale (whose answer is the one stored) go to the server at
the end, with what the services planned for the sale, as one statement (core/statement.py):
building and sending them through the ORM was a third of a confirm's time
(docs/benchmarks.md, P2). Foreign keys are checked at commit (Django declares them
DEFERRABLE INITIALLY DEFERRED), so rows written before the sale's own row are fine.
"""

import functools

from django.db import connection

from core import json_rows
from core.statement import Clauses, Statement
from loyalty.models import IdempotencyRecord, Sale, SalePosition, SaleRule

POSITION_COLUMNS = (
    "index",
    "code",
    "title",
    "category",
    "price",
    "quantity",
    "amount",
    "discount",
    "amount_to_pay",
)
RULE_COLUMNS = ("rule_id", "rule_key", "order", "discount", "credit", "coupons", "coupon_code")
LINE_PARENT = ("business_id", "sale_id")
SALE_COLUMNS = (
    "id",
    "business_id",
    "program_id",
    "point_of_sale_id",
    "device_id",
    "staff_id",
    "customer_id",
    "external_id",
    "time",
    "status",
    "amount",
    "discount",
    "amount_to_pay",
    "points_paid",
    "money_to_pay",
    "answer",
    "created_at",
)


def sale_id_sql() -> str:
    """An expression drawing the next sale id."""
    return f"nextval(pg_get_serial_sequence('{Sale._meta.db_table}', 'id'))"


def next_sale_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sale_id_sql()}")
        return cursor.fetchone()[0]


def position_rows(data, result) -> list[dict]:
    return [
        {
            "index": i,
            "code": given.code,
            "title": given.title,
            "category": given.category,
            "price": given.price,
            "quantity": given.quantity,
            "amount": line.amount,
            "discount": line.discount,
            "amount_to_pay": line.amount_to_pay,
        }
        for i, (given, line) in enumerate(zip(data.positions, result.positions, strict=True))
    ]


def rule_rows(result) -> list[dict]:
    return [
        {
            "rule_id": applied.rule_id,
            "rule_key": applied.key,
            "order": order,
            "discount": applied.discount,
            "credit": applied.credit,
            "coupons": applied.coupons,
            "coupon_code": applied.coupon_ref or "",
        }
        for order, applied in enumerate(result.applied_rules)
    ]


@functools.cache
def _insert_clauses(tag: str, model, columns: tuple[str, ...]) -> Clauses:
    """`{tag}i`: an insert of `model`'s rows (`columns`), given as one JSON parameter."""
    return Clauses((f"{tag}i AS ({json_rows.insert_sql(model._meta.db_table, columns)})",))


@functools.cache
def _record_clauses(tag: str) -> Clauses:
    """`{tag}k`: the key's record gets the sale. Parameters: sale id, record id."""
    table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
    return Clauses(
        (f"{tag}k AS (UPDATE {table} SET status_code = 201, sale_id = %s WHERE id = %s)",)
    )


def write_sale(
    *, statement: Statement, sale: Sale, positions: list[dict], rules: list[dict], record_id=None
) -> None:
    """Executes `statement` with `sale` (its id drawn before, its `answer` set) and its lines
    added; the key's record (`record_id`) gets the sale."""
    sale_row = {column: getattr(sale, column) for column in SALE_COLUMNS}
    statement.add(
        functools.partial(_insert_clauses, model=Sale, columns=SALE_COLUMNS),
        [json_rows.dumps([sale_row])],
    )
    parent = {"business_id": sale.business_id, "sale_id": sale.pk}
    for model, columns, rows in (
        (SalePosition, POSITION_COLUMNS, positions),
        (SaleRule, RULE_COLUMNS, rules),
    ):
        if rows:
            statement.add(
                functools.partial(_insert_clauses, model=model, columns=LINE_PARENT + columns),
                [json_rows.dumps([{**parent, **row} for row in rows])],
            )
    if record_id is not None:
        statement.add(_record_clauses, [sale.pk, record_id])
    statement.execute()
