"""Confirm a check: one transaction, rows locked in one order, stored idempotently."""

import json
from collections import defaultdict
from decimal import Decimal
from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from core.errors import IdempotencyConflict
from core.statement import Statement
from coupons import fresh_codes
from coupons import services as coupon_services
from coupons.models import CouponSeries
from coupons.validity import business_tz
from customers import ledger, ledger_debits
from customers.models import Customer
from customers.services import get_or_register_by_phone
from loyalty.models import IdempotencyRecord, ReportState, Sale
from loyalty.services import referral

from . import payments, stamps, store, tiers
from .context import build_context
from .evaluate import run_engine, top_ups_of
from .inputs import CheckInput
from .results import build_result, encode, iso, public, refusal_for_confirm


class Answer:
    """A confirm's answer: its status and JSON text as stored, sent again unchanged on a
    replay; `body` is that text parsed (or the dict it was encoded from)."""

    def __init__(self, status: int, content: str, body: dict | None = None):
        self.status = status
        self.content = content
        self._body = body

    @property
    def body(self) -> dict:
        if self._body is None:
            self._body = json.loads(self.content)
        return self._body


def _claim_key(*, business_id: int, device_id: int, key: str, request_hash: str):
    """Claim (device, Idempotency-Key) by inserting its record first: (record id, sale id,
    None), the sale id drawn in the same statement (see store.py).

    A concurrent confirm with the same key waits on the unique index until the first one
    commits (then sees its stored answer) or rolls back (then claims the key itself). When
    the key was used before: (None, None, the stored record).
    """
    table = IdempotencyRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "
            "(business_id, device_id, key, request_hash, status_code, body, created_at) "
            "VALUES (%s, %s, %s, %s, 0, %s, %s) "
            f"ON CONFLICT (device_id, key) DO NOTHING RETURNING id, {store.sale_id_sql()}",
            [
                business_id,
                device_id,
                key,
                request_hash,
                None,
                connection.ops.adapt_datetimefield_value(timezone.now()),
            ],
        )
        row = cursor.fetchone()
    if row is not None:
        return row[0], row[1], None
    return (
        None,
        None,
        IdempotencyRecord.objects.select_related("sale").get(device_id=device_id, key=key),
    )


def confirm_check(
    *,
    point_of_sale,
    data: CheckInput,
    device=None,
    staff=None,
    idempotency_key: str | None = None,
    request_hash: str = "",
) -> Answer:
    """Confirm `data` at `point_of_sale`; returns the answer (HTTP status, body) as stored.

    A replay with the same key and body returns the stored answer and writes nothing;
    any refusal raises a DomainError and writes nothing.
    """
    confirm = partial(
        _confirm,
        point_of_sale=point_of_sale,
        data=data,
        device=device,
        staff=staff,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
    )
    for _attempt in range(2):
        try:
            return confirm()
        except fresh_codes.CodesTaken:
            pass  # everything was rolled back: draw the coupon codes again
    return confirm()  # the third attempt's CodesTaken goes to the caller


def _confirm(*, point_of_sale, data, device, staff, idempotency_key, request_hash) -> Answer:
    with transaction.atomic():
        record_id = sale_id = None
        if device is not None and idempotency_key:
            record_id, sale_id, stored = _claim_key(
                business_id=point_of_sale.business_id,
                device_id=device.pk,
                key=idempotency_key,
                request_hash=request_hash,
            )
            if stored is not None:
                if stored.request_hash != request_hash:
                    raise IdempotencyConflict(field="Idempotency-Key")
                return Answer(stored.status_code, stored.answer)

        ctx = build_context(point_of_sale=point_of_sale, data=data, lock=True)
        result = run_engine(ctx)
        top_ups = top_ups_of(ctx)
        body = build_result(ctx, result, top_ups=top_ups)
        refusal_for_confirm(body)
        public(body)

        customer = ctx.customer
        if customer is None and ctx.new_phone:
            customer, created = get_or_register_by_phone(
                business=ctx.business, program=ctx.program, phone=ctx.new_phone
            )
            if not created:
                # Another till registered the phone while this one waited: lock the row as
                # build_context locks a known customer, or this confirm's foreign-key checks
                # and a later one's row lock queue in opposite orders (a deadlock on CI).
                list(Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk"))
            body["customer"]["id"] = customer.pk
        at = ctx.at
        if sale_id is None:
            sale_id = store.next_sale_id()
        sale = Sale(
            pk=sale_id,
            business_id=ctx.business.pk,
            program_id=ctx.program.pk,
            point_of_sale_id=point_of_sale.pk,
            device=device,
            staff=staff,
            customer=customer,
            external_id=data.external_id or "",
            time=at,
            amount=result.amount,
            discount=result.discount,
            amount_to_pay=result.amount_to_pay,
            points_paid=result.points_paid,
            money_to_pay=result.money_to_pay,
            created_at=timezone.now(),
        )
        # Writes that the sale's own statement makes: one round trip each less.
        statement = Statement()
        # A top-up coupon credits its account after the points move and reads the account
        # from the database first: the points' rows must be written by then.
        deferred_points = not any(
            p.refusal is None and p.coupon is not None and p.coupon.series.reward_rule_id is None
            for p in ctx.coupons
        )
        accounts: dict = {}
        paying = payments.account_keys(ctx, result)
        if customer is not None and paying:
            # Every account the sale debits, locked in one query (primary-key order).
            accounts = ledger_debits.lock_customer_accounts(
                customer=customer, program=ctx.program, keys=paying
            )
        payments.take(
            ctx=ctx,
            result=result,
            customer=customer,
            accounts=accounts,
            sale=sale,
            at=at,
            statement=statement if deferred_points else None,
        )
        _move_points(
            sale, customer, ctx, result, at, statement if deferred_points else None, accounts
        )
        payments.sell(ctx=ctx, sale=sale, at=at, staff=staff, body=body)
        _redeem_coupons(sale, customer, ctx, device, staff, at)
        body["stamps"], rewards = stamps.earn(ctx, result, customer, sale, at)
        body["coupons_issued"], planned = _issue_coupons(
            sale, customer, ctx, result, device, at, statement, rewards
        )

        body["sale"] = {
            "id": sale.pk,
            "external_id": sale.external_id,
            "created_at": iso(sale.created_at),
        }
        sale.answer = encode(body)
        store.write_sale(
            statement=statement,
            sale=sale,
            positions=store.position_rows(data, result),
            rules=store.rule_rows(result),
            record_id=record_id,
        )
        if data.time is not None and _before_today(at, ctx.business):
            # A check of an earlier day (its own `time`): that day's report is counted again.
            ReportState.unsettle(business_id=ctx.business.pk, at=at)
        if not all(batch.verify() for batch in planned):
            raise coupon_services.refusal("coupon_series_exhausted")
        tiers.after_confirm(ctx, customer, sale, at)  # the sale's rules saw the old tier
        # The friend's first sale rewards a referral (journey.md "Share"), once.
        referral.reward_first_sale(sale_id=sale.pk, customer=customer, program=ctx.program, at=at)
    return Answer(201, sale.answer, body)


def _before_today(at, business) -> bool:
    tz = business_tz(business)
    return at.astimezone(tz).date() < timezone.now().astimezone(tz).date()


def _move_points(sale, customer, ctx, result, at, statement, accounts):
    """Credits what the rules earned (the points paid are debited by payments.take, on the
    same locked `accounts`)."""
    if customer is None:
        return
    program = ctx.program

    def account(key):
        # One locked row per account for the whole sale (the customer row is locked too).
        if key not in accounts:
            accounts[key] = ledger.get_account(
                customer=customer, program=program, key=key, lock=True
            )
        return accounts[key]

    # One entry per (account, activation, expiry): constant writes whatever the rule count.
    grouped: dict[tuple, Decimal] = defaultdict(Decimal)
    for c in result.credits:
        if c.amount > 0:
            grouped[(c.account, c.activates_at, c.expires_at)] += c.amount
    for (key, activates_at, expires_at), amount in sorted(
        grouped.items(), key=lambda item: (item[0][0], str(item[0][1]), str(item[0][2]))
    ):
        ledger.credit(
            account=account(key),
            amount=amount,
            sale=sale,
            activates_at=activates_at,
            expires_at=expires_at,
            at=at,
            reason=f"sale #{sale.pk}",
            statement=statement,
        )


def _redeem_coupons(sale, customer, ctx, device, staff, at):
    """Redeem the presented coupons (locked and checked in build_context) in a constant
    number of queries, whatever their number; top-ups credit their account."""
    actor_kind = "device" if device is not None else ("staff" if staff is not None else "system")
    actor = str(device or staff or "")[:120]
    usable = [p.coupon for p in ctx.coupons if p.refusal is None]
    coupon_services.redeem_coupons(
        coupons=[c for c in usable if c.series.reward_rule_id is not None],
        at=at,
        customer=customer,
        sale=sale,
        point_of_sale=ctx.point_of_sale,
        actor_kind=actor_kind,
        actor=actor,
        staff=staff,
        savepoint=False,
        locked=True,
    )
    for coupon in usable:
        if coupon.series.reward_rule_id is None:
            coupon_services.redeem_top_up(
                coupon=coupon,
                customer=customer,
                at=at,
                point_of_sale=ctx.point_of_sale,
                sale=sale,
                actor_kind=actor_kind,
                actor=actor,
            )


def _issue_coupons(sale, customer, ctx, result, device, at, statement, rewards=None):
    """Issue what the rules earned, one batch per series whatever the number of rules that
    issue it: ([{series, code, valid_to}], the planned issues to verify).

    New-code coupons and the customer's message are written by the sale's own `statement`
    (one round trip less a confirm, docs/benchmarks.md P2); stock codes are issued here.
    `rewards` (series key -> quantity) are the stamp cards' rewards, issued alike."""
    if not result.coupons_issued and not rewards:
        return [], []
    quantities: dict[str, int] = dict(rewards or {})
    for issue in result.coupons_issued:
        quantities[issue.series] = quantities.get(issue.series, 0) + issue.quantity
    known = ctx.compiled.series_by_key
    series_list = [known[key] for key in quantities if key in known]
    missing = [key for key in quantities if key not in known]
    if missing:
        series_list += CouponSeries.objects.filter(
            program_id=ctx.program.pk, key__in=missing
        ).select_related("business")
    issued, planned = [], []
    who = {
        "at": at,
        "customer": customer,
        "sale": sale,
        "actor_kind": "device" if device is not None else "system",
        "actor": str(device or ""),
        "point_of_sale": ctx.point_of_sale,
    }
    # Primary-key order: the series rows are locked by the inventory UPDATE until commit.
    for series in sorted(series_list, key=lambda s: s.pk):
        quantity = quantities[series.key]
        # A filled stamp card's coupons are told as its reward, the rules' as issued.
        from_cards = (rewards or {}).get(series.key, 0)
        if series.code_mode == CouponSeries.CodeMode.ON_ISSUE:
            fields, event = coupon_services.plan_issue(series=series, quantity=quantity, **who)
            batch = fresh_codes.issue_in(statement, series, quantity, fields, event)
            planned.append(batch)
            codes, valid_to = batch.codes, fields["valid_to"]
            if customer is not None and quantity > from_cards:  # written by the same statement
                coupon_services.notify_issued(
                    customer,
                    series,
                    quantity - from_cards,
                    valid_to,
                    statement=statement,
                    codes=codes[: quantity - from_cards],
                )
        else:
            coupons = coupon_services.issue_coupons(
                series=series,
                quantity=quantity,
                notify=customer is not None and not from_cards,
                savepoint=False,
                **who,
            )
            codes, valid_to = [c.code for c in coupons], coupons[0].valid_to
            if customer is not None and from_cards and quantity > from_cards:
                coupon_services.notify_issued(
                    customer, series, quantity - from_cards, valid_to, codes=codes[:-from_cards]
                )
        if customer is not None and from_cards:
            coupon_services.notify_stamp_reward(
                customer,
                series,
                from_cards,
                valid_to,
                statement=statement if series.code_mode == CouponSeries.CodeMode.ON_ISSUE else None,
                codes=codes[quantity - from_cards :],
            )
        issued += [
            {"series": series.key, "code": code, "valid_to": iso(valid_to)} for code in codes
        ]
    return issued, planned
