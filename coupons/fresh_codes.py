"""Issuing coupons with new codes (`on_issue` series) in one statement.

The inventory reservation, the coupons and their "issued" events go to the server together:
one round trip for them (`issue`), and no savepoint (a code that is taken already is skipped
by ON CONFLICT and drawn again). A confirm plans them as a part of its sale's own statement
instead (`issue_in`, core/statement.py): no round trip of their own. Through the ORM this
was a fifth of a confirm's time (docs/benchmarks.md, P2).
"""

import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from core import json_rows
from core.statement import Clauses, Part, Statement

from .codes import generate_codes
from .models import Coupon, CouponEvent, CouponSeries

EVENT_COLUMNS = (
    "business_id",
    "series_id",
    "from_state",
    "to_state",
    "at",
    "actor_kind",
    "actor",
    "staff_id",
    "customer_id",
    "point_of_sale_id",
    "sale_id",
)


def _fields(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _typed(field) -> str:
    # Typed placeholders: a NULL in a VALUES list or a SELECT has no type of its own.
    return f"%s::{field.cast_db_type(connection)}"


@functools.cache
def _ctes(tag: str, reserve: bool) -> tuple[str, ...]:
    """The WITH clauses `{tag}s` (the reservation, with `reserve`), `{tag}c` (the coupons:
    id, code_norm) and `{tag}e` (their events), built once: their typed placeholders cost
    more than the query's own Python. Parameters: [quantity, series id, quantity] with
    `reserve`, then the coupons' JSON rows, then EVENT_COLUMNS' values."""
    qn = connection.ops.quote_name
    event_fields = {f.attname: f for f in _fields(CouponEvent)}
    parts = []
    if reserve:
        parts.append(
            f"{tag}s AS (UPDATE {qn(CouponSeries._meta.db_table)} "
            "SET issued_count = issued_count + %s WHERE id = %s AND NOT is_archived "
            "AND (inventory IS NULL OR inventory >= issued_count + %s) RETURNING id)"
        )
    insert = json_rows.insert_sql(
        Coupon._meta.db_table,
        [f.column for f in _fields(Coupon)],
        # nothing is inserted when the reservation is refused
        where=f" WHERE EXISTS (SELECT FROM {tag}s)" if reserve else "",
        suffix=" ON CONFLICT DO NOTHING RETURNING id, code_norm",
    )
    parts.append(f"{tag}c AS ({insert})")
    parts.append(
        f"{tag}e AS (INSERT INTO {qn(CouponEvent._meta.db_table)} "
        f"(coupon_id, {', '.join(qn(c) for c in EVENT_COLUMNS)}) "
        f"SELECT {tag}c.id, {', '.join(_typed(event_fields[c]) for c in EVENT_COLUMNS)} "
        f"FROM {tag}c)"
    )
    return tuple(parts)


@functools.cache
def _statement(reserve: bool) -> str:
    marker = "SELECT NULL::bigint, NULL::varchar FROM s UNION ALL " if reserve else ""
    return f"WITH {', '.join(_ctes('', reserve))} {marker}SELECT id, code_norm FROM c"


def _base_row(series, fields: dict) -> dict:
    # One model instance gives every column's value; each coupon is that row with its code
    # (a Coupon(**fields) per coupon was a tenth of the issue's Python time).
    proto = Coupon(
        business_id=series.business_id, series=series, created_at=timezone.now(), **fields
    )
    return {f.column: getattr(proto, f.attname) for f in _fields(Coupon)}


def _drawn(series, base_row: dict, count: int) -> list[dict]:
    """`count` coupon rows: `base_row` with new random codes."""
    codes = generate_codes(series, count)
    return [{**base_row, "code": code, "code_norm": norm} for code, norm in codes]


def _event_params(series, event: dict) -> list:
    values = {"business_id": series.business_id, "series_id": series.pk, "from_state": "", **event}
    return [values[c] for c in EVENT_COLUMNS]


class CodesTaken(Exception):
    """A drawn code was taken in the meantime (40+ random bits: practically never); the
    statement that should have inserted it is rolled back and the codes drawn again."""


@functools.cache
def _planned_clauses(tag: str) -> Clauses:
    # The statement answers how many rows were reserved and inserted, for `PlannedIssue`.
    return Clauses(
        _ctes(tag, True),
        checks=(f"(SELECT count(*) FROM {tag}s)", f"(SELECT count(*) FROM {tag}c)"),
    )


@dataclass
class PlannedIssue:
    """`quantity` coupons with their `codes`, written as `part` of a statement."""

    quantity: int
    codes: list[str]
    part: Part

    def verify(self) -> bool:
        """After the statement: False when the inventory (or the series being archived)
        refused the coupons; CodesTaken when a code was taken: nothing of the statement may
        be kept then."""
        reserved, inserted = self.part.answer
        if not reserved:
            return False
        if inserted != self.quantity:
            raise CodesTaken()
        return True


def issue_in(
    statement: Statement, series, quantity: int, fields: dict, event: dict
) -> PlannedIssue:
    """The coupons that `issue` would write, as a part of `statement`."""
    drawn = _drawn(series, _base_row(series, fields), quantity)
    params = [quantity, series.pk, quantity, json_rows.dumps(drawn), *_event_params(series, event)]
    return PlannedIssue(
        quantity=quantity,
        codes=[row["code"] for row in drawn],
        part=statement.add(_planned_clauses, params),
    )


def issue(series, quantity: int, fields: dict, event: dict) -> list[Coupon] | None:
    """`quantity` new coupons of `series` with `fields`, each with an event of `event`
    (the CouponEvent fields besides the coupon). None, having written nothing, when the
    inventory (or the series being archived) refuses them.
    """
    event_params = _event_params(series, event)
    base_row = _base_row(series, fields)
    related = [name for name, value in fields.items() if isinstance(value, Model)]
    all_fields = Coupon._meta.concrete_fields
    attnames = [f.attname for f in all_fields]
    issued: list[Coupon] = []
    reserve = True
    for _attempt in range(5):
        missing = quantity - len(issued)
        drawn = _drawn(series, base_row, missing)
        params = [quantity, series.pk, quantity] if reserve else []
        params += [json_rows.dumps(drawn), *event_params]
        with connection.cursor() as cursor:
            cursor.execute(_statement(reserve), params)
            rows = cursor.fetchall()
        if reserve:
            if not any(pk is None for pk, _norm in rows):
                return None
            reserve = False
        ids = {norm: pk for pk, norm in rows if pk is not None}
        for row in drawn:
            if row["code_norm"] in ids:
                coupon = Coupon.from_db(
                    connection.alias,
                    attnames,
                    [ids[row["code_norm"]] if f.primary_key else row[f.column] for f in all_fields],
                )
                coupon.series = series
                for name in related:  # the customer and sale objects, as Coupon(**fields) had
                    setattr(coupon, name, fields[name])
                issued.append(coupon)
        if len(issued) == quantity:
            return issued
    raise RuntimeError("could not draw unique coupon codes")  # 40+ bits: practically never
