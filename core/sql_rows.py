"""Model instances from hand-written SQL on the hot paths.

`Model.objects.raw()` maps the cursor's columns to fields by name at every query; on a
confirm, that mapping cost more Python than the two queries that used it took on the server
(docs/benchmarks.md, P2). Here the SQL selects the model's columns in field order, and the
row becomes an instance through `Model.from_db`, as the ORM's own queries do: psycopg returns
every value in its Python type already, so no field converter is needed.
"""

from django.db import connection


def columns(model, alias: str) -> str:
    """The model's columns in field order, qualified by `alias`, for a SELECT list (named,
    not `alias.*`: a prepared statement must not change its result when a column is added)."""
    qn = connection.ops.quote_name
    return ", ".join(f"{alias}.{qn(f.column)}" for f in model._meta.concrete_fields)


def fetch_instance(model, sql: str, params, *, extra: tuple[str, ...] = ()):
    """The first row of `sql` (selecting `columns(model, ...)`, then one column per name in
    `extra`, set as attributes) as a `model` instance; None without rows."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    fields = model._meta.concrete_fields
    count = len(fields)
    instance = model.from_db(connection.alias, [f.attname for f in fields], row[:count])
    for name, value in zip(extra, row[count:], strict=True):
        setattr(instance, name, value)
    return instance
