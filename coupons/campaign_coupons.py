"""A campaign's coupons, one per customer of a batch, in a few statements (docs/messages.md,
"Campaigns"): the inventory reserved once for the batch, the codes drawn together, the
coupons and their "issued" events written by one INSERT each. Issued one by one
(`services.issue_coupons` per customer: a savepoint, a reservation and an insert each) a
campaign with a coupon ran at ~150 customers a second (docs/benchmarks.md).

Only series with new codes (`on_issue`); a series of stock codes issues one by one still
(`campaigns._issue`).
"""

import functools
import logging

from django.db import connection

from core import json_rows
from core.errors import DomainError
from customers.models import Customer

from .codes import generate_codes
from .fresh_codes import EVENT_COLUMNS, _base_row
from .models import Coupon, CouponEvent, CouponSeries
from .services import plan_issue

logger = logging.getLogger(__name__)


@functools.cache
def _reserve_sql() -> str:
    # Reserves what the inventory still allows of `n` (all of it without an inventory), in
    # one UPDATE under the series' row lock; answers how many.
    table = connection.ops.quote_name(CouponSeries._meta.db_table)
    return (
        f"WITH o AS (SELECT id, LEAST(%(n)s, GREATEST(COALESCE(inventory - issued_count, "
        f"%(n)s), 0)) AS k FROM {table} WHERE id = %(id)s AND NOT is_archived FOR UPDATE) "
        f"UPDATE {table} AS s SET issued_count = s.issued_count + o.k FROM o WHERE s.id = o.id "
        "RETURNING o.k"
    )


@functools.cache
def _insert_sql() -> str:
    """The coupons (a code taken already is skipped and drawn again) and an event each,
    whose customer is the coupon's."""
    qn = connection.ops.quote_name
    fields = [f for f in Coupon._meta.concrete_fields if not f.primary_key]
    insert = json_rows.insert_sql(
        Coupon._meta.db_table,
        [f.column for f in fields],
        suffix=" ON CONFLICT DO NOTHING RETURNING id, code_norm, customer_id",
    )
    given = [c for c in EVENT_COLUMNS if c != "customer_id"]
    return (
        f"WITH c AS ({insert}), "
        f"e AS (INSERT INTO {qn(CouponEvent._meta.db_table)} "
        f"(coupon_id, customer_id, {', '.join(qn(c) for c in given)}) "
        f"SELECT c.id, c.customer_id, {', '.join(['%s'] * len(given))} FROM c) "
        "SELECT id, code_norm, customer_id FROM c"
    )


def issue_batch(*, series, customers: list, at, actor: str) -> dict:
    """One coupon of `series` in the wallet of each of `customers` (objects with `pk` and
    `business_id`), as far as the inventory goes: {customer id: (code, valid_to)}. Those
    left out (the inventory ran out, the series was archived or ended) get no entry: the
    campaign's message goes without a code. The caller's transaction holds it all."""
    if not customers:
        return {}
    try:
        # the fields of a coupon in a wallet; each row gets its own customer below
        proto = Customer(pk=customers[0].pk, business_id=series.business_id)
        fields, event = plan_issue(series=series, quantity=1, at=at, customer=proto)
    except DomainError as exc:
        logger.info("campaign %s: no coupons: %s", actor, exc)
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_reserve_sql(), {"n": len(customers), "id": series.pk})
        row = cursor.fetchone()
    reserved = row[0] if row else 0
    chosen = customers[:reserved]
    if not chosen:
        return {}
    base = _base_row(series, fields)
    values = {"business_id": series.business_id, "series_id": series.pk, "from_state": ""}
    values.update(event, actor_kind="system", actor=actor[:120])
    event_params = [values[c] for c in EVENT_COLUMNS if c != "customer_id"]
    issued: dict[int, tuple[str, object]] = {}
    for _attempt in range(5):
        missing = [c for c in chosen if c.pk not in issued]
        if not missing:
            break
        codes = generate_codes(series, len(missing))
        rows = [
            {**base, "customer_id": c.pk, "code": code, "code_norm": norm}
            for c, (code, norm) in zip(missing, codes, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(_insert_sql(), [json_rows.dumps(rows), *event_params])
            written = {norm for _pk, norm, _customer in cursor.fetchall()}
        for row in rows:
            if row["code_norm"] in written:
                issued[row["customer_id"]] = (row["code"], fields["valid_to"])
    else:
        if len(issued) < len(chosen):  # 40+ random bits: practically never
            raise RuntimeError("could not draw unique coupon codes")
    return issued
