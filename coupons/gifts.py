"""Giving a coupon to a friend by a link `/t/<token>` or to a phone (journey.md "Give a
coupon").

The holder makes a gift of a coupon of a `transferable` series; the link is single use and
valid GIFT_DAYS days. The coupon stays in the giver's wallet meanwhile (the wallet marks it
as offered), so a gift not claimed in time simply lapses and the coupon is the giver's, as
journey.md asks, without a job moving it back. The friend proves a phone and claims: one
conditional UPDATE of the gift row lets exactly one of concurrent claims through, then
`transfer_coupon` moves the coupon (its `transfer` event, the friend's message, the
giver's `notify_giver` message; the referral reward follows the friend's redemption as
before).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import NotFound, Refused, ValidationFailed
from customers.notify import enqueue
from customers.phones import normalize_phone

from .models import Coupon, Gift
from .selectors import series_title
from .services import (
    _language,
    _notify_kind,
    _wallet_url,
    coupon_refusal,
    refusal,
    transfer_coupon,
)

GIFT_DAYS = 7
S = Coupon.State

OPEN, CLAIMED, EXPIRED, CANCELLED = "open", "claimed", "expired", "cancelled"


def gift_state(gift, at) -> str:
    if gift.claimed_at is not None:
        return CLAIMED
    if gift.cancelled_at is not None:
        return CANCELLED
    return EXPIRED if gift.expires_at <= at else OPEN


def _gift_refusal(state: str) -> Refused:
    if state == CLAIMED:
        return Refused(_("This gift has already been claimed."), code="gift_claimed")
    if state == CANCELLED:
        return Refused(_("The giver has withdrawn this gift."), code="gift_cancelled")
    return Refused(_("This gift link has expired."), code="gift_expired")


def open_gift(coupon, at) -> Gift | None:
    return (
        Gift.objects.filter(
            coupon=coupon, claimed_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=at
        )
        .order_by("-pk")
        .first()
    )


def create_gift(*, coupon, giver, at, phone: str = "", link=None) -> Gift:
    """A gift of `coupon` from `giver`; any earlier open gift of it stops working. With a
    `phone` only that phone may claim it and it is sent the link (`link(token)` makes it).

    Refused: a series that is not transferable, a coupon the giver does not hold or cannot
    use any more, a gift to the giver's own phone (ValidationFailed on `phone`)."""
    series = coupon.series
    if not series.transferable:
        raise refusal("coupon_not_transferable")
    reason = coupon_refusal(coupon=coupon, customer=giver, point_of_sale=None, at=at)
    if reason == "coupon_not_yet_valid":
        reason = None  # a coupon may be given before its window opens
    if reason is None and (coupon.state != S.IN_WALLET or coupon.customer_id != giver.pk):
        reason = "coupon_not_applicable"
    if reason:
        raise refusal(reason)
    if phone:
        phone = normalize_phone(phone, series.business.phone_region)
        if phone == giver.phone:
            raise ValidationFailed(_("A coupon cannot be given to its own holder."), field="phone")
    with transaction.atomic():
        # The coupon's row orders concurrent gifts of it (one open gift per coupon).
        Coupon.objects.select_for_update().filter(pk=coupon.pk).first()
        Gift.objects.filter(
            coupon=coupon, claimed_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=at)
        gift = Gift.objects.create(
            business_id=coupon.business_id,
            coupon=coupon,
            giver=giver,
            phone=phone,
            created_at=at,
            expires_at=at + timedelta(days=GIFT_DAYS),
        )
        if phone and link is not None:
            _send_link(gift, link(gift.token))
    return gift


def _send_link(gift, url: str) -> None:
    series, business = gift.coupon.series, gift.coupon.series.business
    with translation.override(_language(gift.giver, business)):
        body = _("%(friend)s gives you a coupon at %(business)s: %(title)s. Claim it: %(link)s") % {
            "friend": gift.giver.name or _("A friend"),
            "business": business.name,
            "title": series_title(series, translation.get_language()),
            "link": url,
        }
    enqueue(
        business=business,
        channel="sms",
        recipient=gift.phone,
        kind="gift_sent",
        body=body,
        dedupe_key=f"gift-sent:{gift.pk}",
    )


def cancel_gift(*, gift, giver, at) -> None:
    """The giver withdraws the gift: the link stops working and they get the "gift
    returned" message (the coupon never left their wallet)."""
    if gift.giver_id != giver.pk:
        raise NotFound(_("No such gift."))
    with transaction.atomic():
        withdrawn = Gift.objects.filter(
            pk=gift.pk, claimed_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=at)
        if withdrawn:
            _tell_returned(gift.pk, at)


def return_lapsed_gifts(*, now) -> int:
    """Tell each giver whose gift link lapsed unclaimed that the coupon is theirs again
    ("gift returned"); the scheduled job calls it. Answers how many were told."""
    told = 0
    lapsed = Gift.objects.filter(
        expires_at__lte=now,
        claimed_at__isnull=True,
        cancelled_at__isnull=True,
        returned_at__isnull=True,
    ).values_list("pk", flat=True)
    for pk in list(lapsed[:1000]):
        with transaction.atomic():
            told += _tell_returned(pk, now)
    return told


def _tell_returned(gift_pk: int, at) -> int:
    """Mark the gift returned and queue the giver's message, once: the conditional UPDATE
    lets one of concurrent jobs (or a job and a withdrawal) through. Nothing is said when
    the coupon is no longer in the giver's wallet (used or expired meanwhile)."""
    if not Gift.objects.filter(pk=gift_pk, returned_at__isnull=True).update(returned_at=at):
        return 0
    gift = Gift.objects.select_related(
        "giver", "coupon", "coupon__series", "coupon__series__business"
    ).get(pk=gift_pk)
    coupon = gift.coupon
    if coupon.state != S.IN_WALLET or coupon.customer_id != gift.giver_id:
        return 0
    if coupon.valid_to is not None and coupon.valid_to <= at:
        return 0
    business = coupon.series.business
    _notify_kind(
        gift.giver,
        business,
        "gift_returned",
        series=coupon.series,
        values={"code": coupon.code, "link": _wallet_url(business)},
        valid_to=coupon.valid_to,
        dedupe_key=f"gift-returned:{gift.pk}",
    )
    return 1


def claim_gift(*, gift, receiver, at) -> Coupon:
    """Move the gift's coupon into `receiver`'s wallet; exactly one of concurrent claims
    wins, the others are refused with `gift_claimed`. Nothing moves on a refusal."""
    state = gift_state(gift, at)
    if state != OPEN:
        raise _gift_refusal(state)
    if receiver.business_id != gift.business_id:
        raise NotFound(_("No such customer."), field="receiver")
    if receiver.pk == gift.giver_id:
        raise ValidationFailed(_("A coupon cannot be given to its own holder."), field="phone")
    if gift.phone and receiver.phone != gift.phone:
        raise Refused(_("This gift was sent to another phone."), code="gift_other_phone")
    with transaction.atomic():
        won = Gift.objects.filter(
            pk=gift.pk, claimed_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=at
        ).update(claimed_at=at, receiver=receiver)
        if not won:
            gift.refresh_from_db()
            raise _gift_refusal(gift_state(gift, at))
        coupon = Coupon.objects.select_related("series", "series__business").get(pk=gift.coupon_id)
        return transfer_coupon(
            coupon=coupon,
            giver=gift.giver,
            receiver=receiver,
            at=at,
            actor_kind="customer",
            actor=f"gift:{gift.pk}",
        )
