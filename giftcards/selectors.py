"""Reads of gift cards: the balance answer (terminal API, public page), history, figures."""

from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from coupons.codes import normalize_code

from .models import GiftCard, GiftCardEntry
from .services import refusal_of

ZERO = Decimal("0.00")


def _money(value) -> str:
    return f"{Decimal(value or 0).quantize(Decimal('0.01')):f}"


def card_answer(card: GiftCard, *, program_id: int, at=None) -> dict:
    """{"code", "series", "state", "balance", "valid_to", "usable", "reason"}."""
    at = at or timezone.now()
    reason = refusal_of(card, program_id=program_id, at=at)
    state = "expired" if reason == "gift_card_expired" else card.state
    return {
        "code": card.code,
        "series": card.series.key,
        "state": state,
        "balance": _money(card.balance),
        "valid_to": card.valid_to.isoformat() if card.valid_to else None,
        "usable": reason is None,
        "reason": reason,
    }


def visible_card(*, business_id: int, program_id: int, code: str) -> GiftCard | None:
    """The sold card of `code` in the program, or None: unknown, another business's or
    program's, and unsold cards answer alike."""
    norm = normalize_code(code or "")
    if not norm:
        return None
    card = (
        GiftCard.objects.filter(business_id=business_id, program_id=program_id, code_norm=norm)
        .select_related("series")
        .first()
    )
    if card is None or card.state in (GiftCard.State.STOCK, GiftCard.State.VOID):
        return None
    return card


def history(card: GiftCard) -> list[GiftCardEntry]:
    return list(card.entries.order_by("created_at", "id"))


def figures(*, program_id: int, at=None) -> dict[str, Decimal]:
    """Sold, spent, outstanding (the business's liability) and expired unspent."""
    at = at or timezone.now()
    entries = GiftCardEntry.objects.filter(card__program_id=program_id)
    sums = entries.aggregate(
        sold=Sum("amount", filter=Q(kind__in=["issue", "reload"])),
        unsold=Sum("amount", filter=Q(kind="reversal", reverses__kind__in=["issue", "reload"])),
        spent=Sum("amount", filter=Q(kind="payment")),
        given_back=Sum("amount", filter=Q(kind="reversal", reverses__kind="payment")),
        # what the daily job wrote off (giftcards.expiry) is still expired and unspent
        written_off=Sum("amount", filter=Q(kind="expiry")),
    )
    cards = GiftCard.objects.filter(program_id=program_id, state__in=["active", "blocked"])
    expired = cards.filter(valid_to__lte=at).aggregate(total=Sum("balance"))["total"]
    outstanding = cards.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at)).aggregate(
        total=Sum("balance")
    )["total"]
    return {
        "sold": (sums["sold"] or ZERO) + (sums["unsold"] or ZERO),
        "spent": -((sums["spent"] or ZERO) + (sums["given_back"] or ZERO)),
        "outstanding": outstanding or ZERO,
        "expired_unspent": (expired or ZERO) - (sums["written_off"] or ZERO),
    }
