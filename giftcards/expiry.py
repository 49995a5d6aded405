"""Gift cards past their validity: the daily job writes their balance off.

A card past `valid_to` already refuses payments (`gift_card_expired`, payments.md); the
job makes the ledger say so: an append-only `expiry` entry of minus the balance, and the
balance 0, so that `check_ledger` stays clean and the liability leaves the books.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import GiftCard, GiftCardEntry

Kind = GiftCardEntry.Kind
# Blocked cards lapse too: a block stops spending, it does not stop the clock.
HOLDING = (GiftCard.State.ACTIVE, GiftCard.State.BLOCKED)


def expire_cards(*, now=None, batch: int = 500) -> int:
    """Writes off every card past `valid_to` with a balance; returns how many.

    Idempotent and safe beside payments: each batch locks its cards (primary-key order, as a
    confirm does) and reads their balance under the lock; a card written off has nothing left
    for the next run. A payment that got its lock first has already been checked against
    the validity, so nothing is spent from an expired card in between."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            cards = list(
                GiftCard.objects.filter(state__in=HOLDING, valid_to__lte=now, balance__gt=0)
                .order_by("pk")
                .select_for_update(of=("self",))
                .only("pk", "business_id", "balance", "valid_to")[:batch]
            )
            if not cards:
                return total
            last = dict(
                GiftCardEntry.objects.filter(card__in=cards)
                .values("card_id")
                .annotate(at=Max("created_at"))
                .values_list("card_id", "at")
            )
            GiftCardEntry.objects.bulk_create(
                GiftCardEntry(
                    business_id=card.business_id,
                    card_id=card.pk,
                    amount=-card.balance,
                    kind=Kind.EXPIRY,
                    reason="expired",
                    # when it lapsed; after a later entry (a cancel giving money back) if any
                    created_at=max(card.valid_to, last.get(card.pk) or card.valid_to),
                )
                for card in cards
            )
            GiftCard.objects.filter(pk__in=[card.pk for card in cards]).update(balance=0)
            total += len(cards)
