"""/gc/<code>: a gift card's balance, validity and history of amounts (payments.md), for
whoever holds the card: no customer data. Throttled as a code look-up; an unknown code,
an unsold or void card and one whose business cannot be told answer the same 404 page."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from coupons.codes import normalize_code
from giftcards import selectors as giftcard_selectors
from giftcards.models import GiftCard, GiftCardEntry

from .public import _business_of_code, not_found_page, public_page

# Entries a card holder sees: money in and out, not the panel's block notes.
SHOWN = (
    GiftCardEntry.Kind.ISSUE,
    GiftCardEntry.Kind.RELOAD,
    GiftCardEntry.Kind.PAYMENT,
    GiftCardEntry.Kind.REVERSAL,
    GiftCardEntry.Kind.EXPIRY,
)


@require_GET
@public_page
def gift_card(request, code):
    norm = normalize_code(code)
    lookups = [GiftCard.objects.filter(code_norm=norm)] if norm else []
    business = _business_of_code(request, lookups)
    card = None
    if business is not None:
        found = GiftCard.objects.filter(business=business, code_norm=norm).first()
        if found is not None:
            card = giftcard_selectors.visible_card(
                business_id=business.pk, program_id=found.program_id, code=code
            )
    if card is None:
        return not_found_page(request)
    answer = giftcard_selectors.card_answer(card, program_id=card.program_id)
    history = [e for e in giftcard_selectors.history(card) if e.kind in SHOWN]
    return render(
        request,
        "public/gift_card.html",
        {
            "card": card,
            "answer": answer,
            "history": history,
            "business": business,
            "currency": business.currency,
            "tz": business.timezone,
        },
    )
