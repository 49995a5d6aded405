"""Many rows in one parameter, for PostgreSQL's hot inserts.

`INSERT ... SELECT ... FROM json_populate_recordset(NULL::table, %s)` sends a statement's
rows as one JSON document. With a placeholder per value, psycopg's client-side binding quotes
every value in Python: a 40-row insert of a sale's lines cost 1.0 ms that way and 0.28 ms as
JSON (docs/benchmarks.md, P2). PostgreSQL casts each JSON value to its column's type.
Such inserts can also ride on another statement as its WITH clauses (core/statement.py).
"""

import json
from datetime import date, datetime
from decimal import Decimal

from django.db import connection


def _value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()  # full precision, with the offset
    raise TypeError(f"not a column value: {type(value).__name__}")


def dumps(rows: list[dict]) -> str:
    return json.dumps(rows, default=_value, separators=(",", ":"))


def insert_sql(table: str, columns, *, where: str = "", suffix: str = "") -> str:
    """An INSERT of `columns` from the JSON rows given as its one parameter."""
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    return (
        f"INSERT INTO {qn(table)} ({names}) SELECT {names} "
        f"FROM json_populate_recordset(NULL::{qn(table)}, %s){where}{suffix}"
    )


def model_columns(model, *, exclude=()) -> list:
    """The concrete fields of `model` but its primary key (and `exclude`, by column)."""
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.column not in exclude]


def model_row(obj, fields) -> dict:
    return {f.column: getattr(obj, f.attname) for f in fields}
