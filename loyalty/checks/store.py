"""Writing a confirmed sale's rows.

On PostgreSQL the sale's id is drawn from its sequence up front (with the Idempotency-Key's
claim), so that everything the confirm writes can point at it, and the sale, its positions,
its applied rules and the key's link to the sale (whose answer is the one stored) go to
the server as one statement at the end: building and sending them through the ORM was a third
of a confirm's time (docs/benchmarks.md, P2). Foreign keys are checked at commit (Django
declares them DEFERRABLE INITIALLY DEFERRED), so rows written before the sale's own row are
fine.

Elsewhere (SQLite for development) the sale row is saved first and the rest through the ORM.
"""

from django.db import connection

from loyalty import json_rows
from loyalty.models import Sale, SalePosition, SaleRule
from terminal.models import IdempotencyRecord

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


def one_statement() -> bool:
    return connection.vendor == "postgresql"


def sale_id_sql() -> str:
    """An expression drawing the next sale id (PostgreSQL)."""
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


def write_sale(
    *, sale: Sale, positions: list[dict], rules: list[dict], record_id=None, extra=()
) -> tuple:
    """Store `sale` (its `answer` set) with its lines; the key's record (`record_id`) gets the sale.

    With `one_statement()` the sale row is new here (its id drawn before); otherwise the
    sale was saved already and only its answer is updated. `extra` (PostgreSQL) are more
    writes of the sale as WITH clauses, such as the coupons it issues
    (coupons.fresh_codes.IssuePart); the answer is the values of their `checks`, in order.
    """
    if not one_statement():
        _write_with_orm(sale, positions, rules, record_id)
        return ()
    sale_row = {column: getattr(sale, column) for column in SALE_COLUMNS}
    insert = json_rows.insert_sql(Sale._meta.db_table, SALE_COLUMNS)
    clauses = [f"s AS ({insert})"]
    params = [json_rows.dumps([sale_row])]
    parent = {"business_id": sale.business_id, "sale_id": sale.pk}
    for name, model, columns, rows in (
        ("p", SalePosition, POSITION_COLUMNS, positions),
        ("r", SaleRule, RULE_COLUMNS, rules),
    ):
        if rows:
            sql = json_rows.insert_sql(model._meta.db_table, LINE_PARENT + columns)
            clauses.append(f"{name} AS ({sql})")
            params.append(json_rows.dumps([{**parent, **row} for row in rows]))
    if record_id is not None:
        clauses.append(
            f"k AS (UPDATE {connection.ops.quote_name(IdempotencyRecord._meta.db_table)} "
            "SET status_code = 201, sale_id = %s WHERE id = %s)"
        )
        params += [sale.pk, record_id]
    checks = []
    for part in extra:
        clauses += part.ctes
        params += part.params
        checks += part.checks
    # Data-modifying WITH clauses run to completion whether or not the query reads them.
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(clauses)} SELECT {', '.join(checks) or '1'}", params)
        return cursor.fetchone() if checks else ()


def _write_with_orm(sale, positions, rules, record_id):
    for model, rows in ((SalePosition, positions), (SaleRule, rules)):
        model.objects.bulk_create(
            model(business_id=sale.business_id, sale=sale, **row) for row in rows
        )
    Sale.objects.filter(pk=sale.pk).update(answer=sale.answer)
    if record_id is not None:
        IdempotencyRecord.objects.filter(pk=record_id).update(status_code=201, sale=sale)
