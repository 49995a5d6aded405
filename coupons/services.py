"""Writes over coupons: issue, claim, transfer, redeem, restore after a cancelled sale, expire.

Every service is one transaction. Counters and state changes are conditional UPDATEs
(``... WHERE state IN (...)``, ``... WHERE issued_count + n <= inventory``), so the database
decides who wins a race, and every change of state appends a CouponEvent.

The look-ups callers use next to these (``find_coupon``, ``coupon_refusal``,
``coupon_answer``, ``wallet``) live in ``coupons.selectors`` and are re-exported here.
"""

import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError, NotFound, Refused, ValidationFailed
from customers.models import Customer, LedgerEntry
from loyalty.models import Program

from . import fresh_codes, series_rules
from .models import Coupon, CouponEvent, CouponSeries, PromotionChannel
from .selectors import (
    USABLE_STATES,
    coupon_answer,
    coupon_refusal,
    find_coupon,
    find_coupons,
    series_title,
    wallet,
)
from .validity import issuable_until, window_on_issue, window_on_reach, window_state

__all__ = [
    "claim_coupon",
    "claim_promotion",
    "count_channel_visit",
    "credit_referral_reward",
    "coupon_answer",
    "coupon_refusal",
    "expire_coupons",
    "find_coupon",
    "find_coupons",
    "issue_coupons",
    "issue_to_customers",
    "redeem_coupon",
    "redeem_coupons",
    "redeem_top_up",
    "refusal",
    "restore_after_cancel",
    "send_expiry_reminders",
    "transfer_coupon",
    "wallet",
]

S = Coupon.State

MESSAGES = {
    "coupon_not_found": gettext_lazy("No coupon with this code."),
    "coupon_expired": gettext_lazy("This coupon has expired."),
    "coupon_not_yet_valid": gettext_lazy("This coupon is not valid yet."),
    "coupon_already_redeemed": gettext_lazy("This coupon has already been used."),
    "coupon_already_claimed": gettext_lazy("This coupon is already in a wallet."),
    "coupon_not_applicable": gettext_lazy("This coupon cannot be used here."),
    "coupon_not_transferable": gettext_lazy("This coupon cannot be given to someone else."),
    "coupon_series_exhausted": gettext_lazy("No more coupons of this series can be issued."),
    "min_spend_not_reached": gettext_lazy("The check does not reach this coupon's minimum spend."),
    "customer_required": gettext_lazy("This coupon needs an identified customer."),
}


def refusal(code: str, message=None, *, field=None, extra=None) -> DomainError:
    """The domain error for a coupon error code: 404 for an unknown code, else 422."""
    message = message or MESSAGES.get(code)
    if code == "coupon_not_found":
        return NotFound(message, code=code, field=field)
    if code == "coupon_not_transferable":
        # Stable public code set: a POS branches on coupon_not_applicable.
        return Refused(message, code="coupon_not_applicable", field=field, extra=extra)
    return Refused(message, code=code, field=field, extra=extra)


def _event(
    coupon,
    from_state,
    to_state,
    *,
    at,
    actor_kind,
    actor="",
    staff=None,
    customer=None,
    point_of_sale=None,
    sale=None,
) -> CouponEvent:
    return CouponEvent(
        business_id=coupon.business_id,
        coupon_id=coupon.pk,
        series_id=coupon.series_id,
        from_state=from_state or "",
        to_state=to_state,
        at=at,
        actor_kind=actor_kind,
        actor=str(actor or "")[:120],
        staff=staff,
        customer_id=getattr(customer, "pk", customer),
        point_of_sale=point_of_sale,
        sale=sale,
    )


def _notify(customer, *, kind, subject, body, dedupe_key="", statement=None):
    # Imported here: the outbox lives in the customers app, which imports coupon models.
    from customers.notify import notify_customer

    return notify_customer(
        customer=customer,
        kind=kind,
        body=body,
        subject=subject,
        dedupe_key=dedupe_key,
        statement=statement,
    )


def _language(customer, business) -> str:
    return customer.language or getattr(business, "language", "") or translation.get_language()


# -- the series ----------------------------------------------------------------------------


def update_series(*, series, fields: list[str]) -> CouponSeries:
    """Save the edited ``fields`` of ``series`` (already cleaned) without writing the counter
    that issues move concurrently; the inventory floor is checked again with the row locked.

    Raises ValidationFailed on ``inventory`` when issues overtook the new inventory meanwhile.
    """
    with transaction.atomic():
        locked = CouponSeries.objects.select_for_update().get(pk=series.pk)
        for field, message in series_rules.inventory_problems(
            inventory=series.inventory, code_mode=series.code_mode, issued_count=locked.issued_count
        ):
            raise ValidationFailed(message, field=field)
        series.save(update_fields=fields)
    return series


def archive_series(*, series) -> None:
    """Archiving replaces deleting: nothing new is issued, coupons in wallets stay valid.
    Compiled rule sets carry the settings of the series they issue: the version moves."""
    with transaction.atomic():
        CouponSeries.objects.filter(pk=series.pk).update(is_archived=True)
        Program.bump_version(series.program_id)


# -- issue ---------------------------------------------------------------------------------


def _refuse_unissuable(series, at):
    """Archived series and series past their end issue nothing (``coupon_series_exhausted``).

    A ``range`` series whose window is over counts as ended: anything issued would already
    be expired.
    """
    if series.is_archived:
        raise refusal("coupon_series_exhausted", _("This coupon series has been archived."))
    until = issuable_until(series)
    if until is not None and at > until:
        raise refusal("coupon_series_exhausted", _("This coupon series has ended."))


def _reserve(series, quantity) -> bool:
    """Count ``quantity`` more issued coupons unless that passes the inventory (one UPDATE)."""
    fits = Q(inventory__isnull=True) | Q(inventory__gte=F("issued_count") + quantity)
    return bool(
        CouponSeries.objects.filter(pk=series.pk, is_archived=False)
        .filter(fits)
        .update(issued_count=F("issued_count") + quantity)
    )


def _take_stock(series, quantity, fields) -> list[Coupon]:
    """Hand out ``quantity`` pregenerated or imported stock codes, oldest first.

    SKIP LOCKED lets concurrent issues take different rows instead of waiting on each other.
    """
    ids = list(
        Coupon.objects.filter(series=series, is_stock=True)
        .order_by("pk")
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:quantity]
    )
    if len(ids) < quantity:
        raise refusal("coupon_series_exhausted", _("No codes are left in this series."))
    Coupon.objects.filter(pk__in=ids).update(is_stock=False, **fields)
    coupons = list(Coupon.objects.filter(pk__in=ids).order_by("pk"))
    for coupon in coupons:
        coupon.series = series
    return coupons


def plan_issue(
    *,
    series,
    quantity: int,
    at,
    customer=None,
    sale=None,
    actor_kind="system",
    actor="",
    staff=None,
    point_of_sale=None,
) -> tuple[dict, dict]:
    """Check that ``quantity`` coupons of ``series`` may be issued now (refusals as in
    `issue_coupons`, the inventory apart) and return the new coupons' fields and their
    "issued" event's fields (the CouponEvent fields besides the coupon and series)."""
    if quantity is None or int(quantity) < 1:
        raise ValidationFailed(_("Issue at least one coupon."), field="quantity")
    if customer is not None and customer.business_id != series.business_id:
        raise NotFound(_("No such customer."), field="customer")
    _refuse_unissuable(series, at)
    if customer is not None:
        valid_from, valid_to = window_on_reach(series, at=at)
        fields = {"state": S.IN_WALLET, "customer": customer, "claimed_at": at}
    else:
        valid_from, valid_to = window_on_issue(series, at=at)
        fields = {"state": S.FREE}
    fields.update(valid_from=valid_from, valid_to=valid_to, issued_at=at, issued_by_sale=sale)
    event = {
        "to_state": fields["state"],
        "at": at,
        "actor_kind": actor_kind,
        "actor": str(actor or "")[:120],
        "staff_id": getattr(staff, "pk", None),
        "customer_id": getattr(customer, "pk", None),
        "point_of_sale_id": getattr(point_of_sale, "pk", None),
        "sale_id": getattr(sale, "pk", None),
    }
    return fields, event


def issue_coupons(
    *,
    series,
    quantity: int,
    at,
    customer=None,
    sale=None,
    actor_kind="system",
    actor="",
    staff=None,
    point_of_sale=None,
    notify=False,
    savepoint=True,
) -> list[Coupon]:
    """Issue ``quantity`` coupons of ``series``: into ``customer``'s wallet, or free.

    Refused with ``coupon_series_exhausted`` past the inventory (exact under concurrency),
    for an archived series, after ``issue_until``, and when stock codes run out.
    ``series.issued_count`` in memory is not refreshed.
    """
    fields, event = plan_issue(
        series=series,
        quantity=quantity,
        at=at,
        customer=customer,
        sale=sale,
        actor_kind=actor_kind,
        actor=actor,
        staff=staff,
        point_of_sale=point_of_sale,
    )
    quantity = int(quantity)
    # savepoint=False for a caller whose whole transaction fails with a refusal anyway.
    with transaction.atomic(savepoint=savepoint):
        if series.code_mode == CouponSeries.CodeMode.ON_ISSUE:
            # the reservation, the coupons and their events in one statement
            coupons = fresh_codes.issue(series, quantity, fields, event)
            if coupons is None:
                raise refusal("coupon_series_exhausted")
        else:
            if not _reserve(series, quantity):
                raise refusal("coupon_series_exhausted")
            coupons = _take_stock(series, quantity, fields)
            CouponEvent.objects.bulk_create(
                CouponEvent(
                    business_id=c.business_id,
                    coupon_id=c.pk,
                    series_id=c.series_id,
                    from_state="",
                    **event,
                )
                for c in coupons
            )
        if notify and customer is not None:
            notify_issued(
                customer,
                series,
                len(coupons),
                coupons[0].valid_to,
                codes=[c.code for c in coupons],
            )
    return coupons


def notify_issued(customer, series, count: int, valid_to, *, statement=None, codes=()):
    """Queue the message telling `customer` about `count` new coupons of `series`
    (`statement`: see customers.notify.enqueue); it names the benefit, the first code and
    its link (the wallet's when several were issued)."""
    _notify_new_coupons(
        "coupon_issued", customer, series, count, valid_to, statement=statement, codes=codes
    )


def notify_stamp_reward(customer, series, count: int, valid_to, *, statement=None, codes=()):
    """Queue the "stamp card reward" message for the `count` reward coupons of `series`
    a filled stamp card gave (in place of "coupon issued"): the benefit, the first code,
    its last day and its link (the wallet's when several cards filled at once)."""
    _notify_new_coupons(
        "stamp_card_reward", customer, series, count, valid_to, statement=statement, codes=codes
    )


def _notify_new_coupons(kind, customer, series, count, valid_to, *, statement, codes):
    business = series.business
    code = codes[0] if codes else ""
    link = _public_url("public:coupon", code) if code and count == 1 else _wallet_url(business)
    _notify_kind(
        customer,
        business,
        kind,
        series=series,
        values={"code": code, "link": link, "count": count},
        valid_to=valid_to,
        count=count,
        statement=statement,
    )


def _public_url(name, *args):
    from customers.notify.texts import public_url

    return public_url(name, *args)


def _wallet_url(business):
    return _public_url("public:wallet", business.slug)


def _notify_kind(
    customer,
    business,
    kind,
    *,
    series,
    values,
    valid_to=None,
    count=1,
    dedupe_key="",
    statement=None,
):
    """Compose `kind` from the business's template in the customer's language and queue it."""
    from customers.notify import texts

    language = texts.language_of(customer, business)
    title = series_title(series, language)
    values = {
        "customer": customer.name or "",
        "benefit": title if count == 1 else f"{count} × {title}",
        "valid_to": texts.local_date(valid_to, business, language),
        **values,
    }
    body = texts.compose(business=business, kind=kind, language=language, values=values)
    subject = texts.subject(business=business, kind=kind, language=language, values=values)
    return _notify(
        customer,
        kind=kind,
        subject=subject,
        body=body,
        dedupe_key=dedupe_key,
        statement=statement,
    )


def issue_to_customers(
    *, series, customers, quantity: int = 1, at=None, staff=None, notify=True, job=None
) -> dict:
    """Issue to each customer in turn (the panel's "issue to a category" job).

    Each customer is its own transaction, so a stopped job keeps what it did; when the
    series runs out the rest are counted as not issued. Progress goes to ``job``.
    """
    at = at or timezone.now()
    customers = list(customers)
    issued, not_issued = 0, 0
    if job is not None:
        job.total, job.done = len(customers), 0
        job.save(update_fields=["total", "done"])
    for index, customer in enumerate(customers, start=1):
        try:
            issue_coupons(
                series=series,
                quantity=quantity,
                at=at,
                customer=customer,
                actor_kind="staff" if staff else "system",
                staff=staff,
                actor=getattr(staff, "email", ""),
                notify=notify,
            )
            issued += 1
        except Refused as exc:
            if exc.code != "coupon_series_exhausted":
                raise
            not_issued = len(customers) - index + 1
            break
        if job is not None and (index % 100 == 0 or index == len(customers)):
            job.done, job.accepted = index, issued
            job.save(update_fields=["done", "accepted"])
    if job is not None:
        job.done, job.accepted, job.rejected = len(customers), issued, not_issued
        job.save(update_fields=["done", "accepted", "rejected"])
    return {"issued": issued, "not_issued": not_issued}


# -- redeem --------------------------------------------------------------------------------


def redeem_coupon(
    *,
    coupon,
    at,
    customer=None,
    sale=None,
    point_of_sale=None,
    actor_kind="device",
    actor="",
    staff=None,
) -> Coupon:
    """Redeem ``coupon``: exactly one of concurrent redemptions wins, the others are refused
    with ``coupon_already_redeemed``. A free coupon redeemed by an identified customer becomes
    theirs. If a friend passed it on (``giver``), the giver gets the series' referral reward.
    """
    reason = coupon_refusal(coupon=coupon, customer=customer, point_of_sale=point_of_sale, at=at)
    if reason:
        raise refusal(reason)
    try:
        redeem_coupons(
            coupons=[coupon],
            at=at,
            customer=customer,
            sale=sale,
            point_of_sale=point_of_sale,
            actor_kind=actor_kind,
            actor=actor,
            staff=staff,
        )
    except DomainError as exc:
        if exc.code != "coupon_already_redeemed":
            raise
        # Lost a race: say what the coupon is now (redeemed, expired, ...).
        coupon.refresh_from_db(fields=["state", "customer", "valid_from", "valid_to"])
        reason = coupon_refusal(
            coupon=coupon, customer=customer, point_of_sale=point_of_sale, at=at
        )
        raise refusal(reason or "coupon_already_redeemed") from exc
    return coupon


def credit_referral_reward(*, coupon, at, sale=None, staff=None):
    """Credit the series' referral reward to the customer who passed ``coupon`` on, once it
    is redeemed by someone else; answers the ledger entry or None (no giver, no reward)."""
    series = coupon.series
    if not coupon.giver_id or not series.referral_reward:
        return None
    if coupon.giver_id == coupon.customer_id:
        return None  # back in the giver's own hands: nobody was referred
    from customers import ledger

    account = ledger.get_account(customer=coupon.giver, program=series.program, key="bonus")
    # Tied to the sale, so cancelling the friend's sale takes the reward back with it.
    return ledger.credit(
        account=account,
        amount=series.referral_reward,
        kind="credit",
        sale=sale,
        coupon=coupon,
        staff=staff,
        reason=f"referral: {coupon.code}",
        at=at,
    )


def redeem_coupons(
    *,
    coupons,
    at,
    customer=None,
    sale=None,
    point_of_sale=None,
    actor_kind="device",
    actor="",
    staff=None,
    savepoint=True,
    locked=False,
) -> list[Coupon]:
    """Redeem several coupons at once, all or none, in a constant number of queries (one
    UPDATE, one SELECT, one INSERT of events, plus referral rewards where a coupon has a
    giver): what a confirmed check needs. Top-ups are not credited here (``redeem_top_up``).

    If any coupon was taken meanwhile, nothing is redeemed: ``coupon_already_redeemed``.
    """
    coupons = list(coupons)
    if not coupons:
        return []
    for coupon in coupons:
        reason = coupon_refusal(
            coupon=coupon, customer=customer, point_of_sale=point_of_sale, at=at
        )
        if reason:
            raise refusal(reason, extra={"coupon": coupon.code})
    pks = [c.pk for c in coupons]
    if len(set(pks)) != len(pks):
        raise refusal("coupon_already_redeemed")  # the same coupon twice on one check
    allowed = Q(state=S.FREE)
    updates = {
        "state": S.REDEEMED,
        "state_before_redeem": F("state"),
        "redeemed_at": at,
        "redeemed_sale": sale,
    }
    if customer is not None:
        allowed |= Q(state=S.IN_WALLET, customer_id=customer.pk)
        updates["customer"] = customer
    # savepoint=False for a caller whose whole transaction fails with a refusal anyway
    # (a confirmed sale): two queries fewer on the hot path.
    with transaction.atomic(savepoint=savepoint):
        won = Coupon.objects.filter(pk__in=pks, is_stock=False).filter(allowed).update(**updates)
        if won != len(pks):
            raise refusal("coupon_already_redeemed")  # leaving the block undoes the others
        if locked:  # the caller holds these rows locked and fresh: their state is current
            before = {c.pk: c.state for c in coupons}
        else:
            before = dict(
                Coupon.objects.filter(pk__in=pks).values_list("pk", "state_before_redeem")
            )
        for coupon in coupons:
            coupon.state, coupon.state_before_redeem = S.REDEEMED, before[coupon.pk]
            coupon.redeemed_at, coupon.redeemed_sale = at, sale
            if customer is not None:
                coupon.customer = customer
        CouponEvent.objects.bulk_create(
            _event(
                c,
                c.state_before_redeem,
                S.REDEEMED,
                at=at,
                actor_kind=actor_kind,
                actor=actor,
                staff=staff,
                customer=c.customer_id,
                point_of_sale=point_of_sale,
                sale=sale,
            )
            for c in coupons
        )
        for coupon in coupons:
            credit_referral_reward(coupon=coupon, at=at, sale=sale, staff=staff)
    return coupons


def redeem_top_up(
    *,
    coupon,
    customer,
    at,
    point_of_sale=None,
    sale=None,
    actor_kind="device",
    actor="",
    staff=None,
) -> tuple[Coupon, LedgerEntry]:
    """Redeem a top-up coupon and credit its amount to ``customer``'s account.

    Returns ``(coupon, ledger_entry)``. A coupon whose reward is a rule is refused with
    ``coupon_not_applicable``.
    """
    series = coupon.series
    if not series.is_top_up:
        raise refusal("coupon_not_applicable", _("This coupon is not a top-up."))
    if customer is None:
        raise refusal("customer_required")
    from customers import ledger

    with transaction.atomic():
        coupon = redeem_coupon(
            coupon=coupon,
            at=at,
            customer=customer,
            sale=sale,
            point_of_sale=point_of_sale,
            actor_kind=actor_kind,
            actor=actor,
            staff=staff,
        )
        account = ledger.get_account(
            customer=customer, program=series.program, key=series.top_up_account or "bonus"
        )
        entry = ledger.credit(
            account=account,
            amount=series.top_up_amount,
            kind="top_up",
            sale=sale,
            coupon=coupon,
            staff=staff,
            reason=f"top-up: {coupon.code}",
            at=at,
        )
    return coupon, entry


# -- claim and transfer --------------------------------------------------------------------

_CHANNEL_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")


def _bump_channel(series, channel, field) -> bool:
    """Count a visit or claim for a promotion channel; a new well-formed name starts one."""
    name = (channel or "").strip().lower()
    if not _CHANNEL_RE.match(name):
        return False
    counted = PromotionChannel.objects.filter(series=series, name=name).update(
        **{field: F(field) + 1}
    )
    if not counted:
        try:
            with transaction.atomic():
                PromotionChannel.objects.create(
                    business_id=series.business_id, series=series, name=name, **{field: 1}
                )
        except IntegrityError:  # created meanwhile by a concurrent visit
            PromotionChannel.objects.filter(series=series, name=name).update(
                **{field: F(field) + 1}
            )
    return True


def count_channel_visit(*, series, channel: str) -> bool:
    """Count one visit of a series' promotion link for ``channel`` (``/s/<token>?channel=``)."""
    return _bump_channel(series, channel, "visits")


def claim_promotion(*, series, customer, at, channel: str = "") -> Coupon:
    """Issue one coupon of ``series`` into ``customer``'s wallet through its promotion link
    (``/s/<token>?channel=``) and count the claim for ``channel``.

    One unused coupon of a promotion per customer: a customer who holds one in the wallet is
    refused with ``coupon_already_claimed``; other refusals as in `issue_coupons`.
    """
    with transaction.atomic():
        # The customer's row lock makes "holds none yet" and the issue one step across
        # processes (R19). It is the first lock of confirm, cancel and activation too, each
        # taking the series row after it, as here: the order cannot deadlock.
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        held = Coupon.objects.filter(
            business_id=series.business_id, series=series, customer=customer, state=S.IN_WALLET
        )
        if held.exists():
            raise refusal(
                "coupon_already_claimed", _("You already have this coupon in your wallet.")
            )
        (coupon,) = issue_coupons(
            series=series,
            quantity=1,
            at=at,
            customer=customer,
            actor_kind="customer",
            actor=f"promotion:{channel}" if channel else "promotion",
            savepoint=False,
        )
        _bump_channel(series, channel, "claims")
    return coupon


def _claim_refusal(coupon, customer, point_of_sale, at) -> str | None:
    if coupon.is_stock:
        return "coupon_not_found"
    if point_of_sale is not None and coupon.series.program_id != point_of_sale.program_id:
        return "coupon_not_applicable"
    if coupon.business_id != customer.business_id:
        return "coupon_not_applicable"
    if coupon.state == S.EXPIRED:
        return "coupon_expired"
    if coupon.state != S.FREE:
        return "coupon_already_claimed"
    if coupon.series.is_archived:
        return "coupon_not_applicable"
    if window_state(coupon.valid_from, coupon.valid_to, at) == "over":
        return "coupon_expired"
    return None


def claim_coupon(
    *, coupon, customer, at, actor_kind="device", actor="", point_of_sale=None, channel=None
) -> Coupon:
    """Put a free coupon into ``customer``'s wallet; a coupon that is not free is refused with
    ``coupon_already_claimed`` (exactly one of concurrent claims wins).

    A coupon without a window (relative/hours series) gets it now. ``channel`` counts the
    claim for that promotion channel. A coupon a friend passed on tells the giver when the
    series has ``notify_giver``.
    """
    reason = _claim_refusal(coupon, customer, point_of_sale, at)
    if reason:
        raise refusal(reason)
    series = coupon.series
    updates = {"state": S.IN_WALLET, "customer": customer, "claimed_at": at}
    if coupon.valid_to is None and coupon.valid_from is None:
        updates["valid_from"], updates["valid_to"] = window_on_reach(series, at=at)
    with transaction.atomic():
        won = Coupon.objects.filter(pk=coupon.pk, state=S.FREE, is_stock=False).update(**updates)
        if not won:
            coupon.refresh_from_db()
            raise refusal(
                _claim_refusal(coupon, customer, point_of_sale, at) or "coupon_already_claimed"
            )
        for name, value in updates.items():
            setattr(coupon, name, value)
        _event(
            coupon,
            S.FREE,
            S.IN_WALLET,
            at=at,
            actor_kind=actor_kind,
            actor=actor,
            customer=customer,
            point_of_sale=point_of_sale,
        ).save()
        if channel:
            _bump_channel(series, channel, "claims")
        if coupon.giver_id and series.notify_giver and coupon.giver_id != customer.pk:
            _notify_giver(coupon, receiver=customer)
    return coupon


def _notify_giver(coupon, *, receiver):
    giver = coupon.giver
    business = coupon.series.business
    with translation.override(_language(giver, business)):
        friend = receiver.name or _("your friend")
    _notify_kind(
        giver,
        business,
        "gift_claimed",
        series=coupon.series,
        values={"friend": friend, "link": _wallet_url(business)},
        dedupe_key=f"gift-claimed:{coupon.pk}:{receiver.pk}",
    )


def _notify_receiver(coupon, *, giver, receiver):
    business = coupon.series.business
    with translation.override(_language(receiver, business)):
        friend = giver.name or _("A friend")
    _notify_kind(
        receiver,
        business,
        "coupon_received",
        series=coupon.series,
        values={
            "friend": friend,
            "code": coupon.code,
            "link": _public_url("public:coupon", coupon.code),
        },
        valid_to=coupon.valid_to,
    )


def transfer_coupon(
    *, coupon, giver, receiver, at, actor_kind="customer", actor="", point_of_sale=None
) -> Coupon:
    """Pass a coupon in ``giver``'s wallet on to another customer.

    With a ``receiver`` it moves straight into their wallet (they are told; the giver is told
    too when the series has ``notify_giver``). With ``receiver=None`` it becomes a free gift
    code that the friend claims (``claim_coupon`` then tells the giver). The window does not
    move; the coupon remembers its ``giver`` for the referral reward.
    """
    series = coupon.series
    if not series.transferable:
        raise refusal("coupon_not_transferable")
    if receiver is not None:
        if receiver.business_id != coupon.business_id:
            raise NotFound(_("No such customer."), field="receiver")
        if receiver.pk == giver.pk:
            raise ValidationFailed(
                _("A coupon cannot be given to its own holder."), field="receiver"
            )
    reason = coupon_refusal(coupon=coupon, customer=giver, point_of_sale=point_of_sale, at=at)
    if reason == "coupon_not_yet_valid":
        reason = None  # a coupon may be given before its window opens
    if reason is None and coupon.state != S.IN_WALLET:
        reason = "coupon_not_applicable"  # only a coupon one holds can be given
    if reason is None and receiver is None and series.is_archived:
        reason = "coupon_not_applicable"  # a free code of an archived series is withdrawn
    if reason:
        raise refusal(reason)
    if receiver is not None:
        updates = {"customer": receiver, "giver": giver, "claimed_at": at}
        to_state = S.IN_WALLET
    else:
        updates = {"customer": None, "giver": giver, "state": S.FREE}
        to_state = S.FREE
    with transaction.atomic():
        won = Coupon.objects.filter(pk=coupon.pk, state=S.IN_WALLET, customer_id=giver.pk).update(
            **updates
        )
        if not won:
            coupon.refresh_from_db()
            raise refusal(
                coupon_refusal(coupon=coupon, customer=giver, point_of_sale=None, at=at)
                or "coupon_not_applicable"
            )
        for name, value in updates.items():
            setattr(coupon, name, value)
        _event(
            coupon,
            S.IN_WALLET,
            to_state,
            at=at,
            actor_kind=actor_kind,
            actor=actor or f"customer:{giver.pk}",
            customer=receiver,
            point_of_sale=point_of_sale,
        ).save()
        if receiver is not None:
            _notify_receiver(coupon, giver=giver, receiver=receiver)
            if series.notify_giver:
                _notify_giver(coupon, receiver=receiver)
    return coupon


# -- cancel, expiry, reminders -------------------------------------------------------------


def restore_after_cancel(*, sale, at) -> None:
    """Undo what a cancelled sale did to coupons; running it twice changes nothing more.

    Coupons redeemed on the sale go back to the state they had (free or in the wallet) if
    their window is still open, else they expire. Coupons the sale issued are cancelled if
    unused; they do not give their inventory back (it counts what was ever issued).
    """
    events = []
    with transaction.atomic():
        redeemed = list(
            Coupon.objects.select_for_update()
            .filter(redeemed_sale=sale, state=S.REDEEMED)
            .order_by("pk")
        )
        for coupon in redeemed:
            before = coupon.state_before_redeem or (S.IN_WALLET if coupon.customer_id else S.FREE)
            over = window_state(coupon.valid_from, coupon.valid_to, at) == "over"
            coupon.state = S.EXPIRED if over else before
            if before == S.FREE:
                coupon.customer = None  # it was a free code: it becomes one again
            coupon.redeemed_at = coupon.redeemed_sale = None
            coupon.state_before_redeem = ""
            events.append(
                _event(
                    coupon,
                    S.REDEEMED,
                    coupon.state,
                    at=at,
                    actor_kind="system",
                    actor="sale cancelled",
                    customer=sale.customer_id,
                    point_of_sale=sale.point_of_sale,
                    sale=sale,
                )
            )
        Coupon.objects.bulk_update(
            redeemed, ["state", "customer", "redeemed_at", "redeemed_sale", "state_before_redeem"]
        )
        issued = list(
            Coupon.objects.select_for_update()
            .filter(issued_by_sale=sale, state__in=USABLE_STATES)
            .order_by("pk")
        )
        for coupon in issued:
            events.append(
                _event(
                    coupon,
                    coupon.state,
                    S.CANCELLED,
                    at=at,
                    actor_kind="system",
                    actor="sale cancelled",
                    customer=coupon.customer_id,
                    point_of_sale=sale.point_of_sale,
                    sale=sale,
                )
            )
        Coupon.objects.filter(pk__in=[c.pk for c in issued], state__in=USABLE_STATES).update(
            state=S.CANCELLED
        )
        CouponEvent.objects.bulk_create(events)


def expire_coupons(*, now=None, batch: int = 1000) -> int:
    """Coupons past their window become ``expired``; safe to run twice or concurrently."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            rows = list(
                Coupon.objects.filter(state__in=USABLE_STATES, valid_to__lt=now, is_stock=False)
                .order_by("pk")
                .select_for_update(skip_locked=True)
                .values("pk", "business_id", "series_id", "state", "customer_id")[:batch]
            )
            if not rows:
                return total
            Coupon.objects.filter(pk__in=[r["pk"] for r in rows]).update(state=S.EXPIRED)
            CouponEvent.objects.bulk_create(
                CouponEvent(
                    business_id=r["business_id"],
                    coupon_id=r["pk"],
                    series_id=r["series_id"],
                    from_state=r["state"],
                    to_state=S.EXPIRED,
                    at=now,
                    actor_kind="system",
                    actor="expiry",
                    customer_id=r["customer_id"],
                )
                for r in rows
            )
            total += len(rows)


def send_expiry_reminders(*, now=None) -> int:
    """Remind holders once per coupon, the series' ``expiry_reminder_hours`` before expiry.

    ``reminded_at`` and the notification's ``dedupe_key`` make a second run send nothing.
    Returns the number of coupons reminded in this run.
    """
    now = now or timezone.now()
    count = 0
    series_list = CouponSeries.objects.filter(expiry_reminder_hours__gt=0).select_related(
        "business"
    )
    for series in list(series_list):
        horizon = now + timedelta(hours=series.expiry_reminder_hours)
        coupons = (
            Coupon.objects.filter(
                series=series,
                state=S.IN_WALLET,
                reminded_at__isnull=True,
                valid_to__gt=now,
                valid_to__lte=horizon,
            )
            .select_related("customer")
            .order_by("pk")
        )
        for coupon in list(coupons):
            coupon.series = series
            with transaction.atomic():
                marked = Coupon.objects.filter(pk=coupon.pk, reminded_at__isnull=True).update(
                    reminded_at=now
                )
                if not marked:
                    continue  # a concurrent run got it
                _remind(coupon, series)
                count += 1
    return count


def _remind(coupon, series):
    _notify_kind(
        coupon.customer,
        series.business,
        "coupon_expiring",
        series=series,
        values={"code": coupon.code, "link": _public_url("public:coupon", coupon.code)},
        valid_to=coupon.valid_to,
        dedupe_key=f"coupon-expiry:{coupon.pk}",
    )
