"""The code field of the wallet page (journey.md "Enter a code"): a typed or pasted coupon,
certificate or gift-card code, or one of their links, opens that code's own page. Counted as
a look-up (quality.md R8/R13), like opening /c/<code>, /g/<code> or /gc/<code> directly."""

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificates.services import find_certificate
from core.links import CERTIFICATE, COUPON, GIFT_CARD, parse_scanned
from coupons.selectors import find_coupon
from giftcards.models import GiftCard
from giftcards.services import find_card
from loyalty.models import Business

from .throttle import Throttled, count_lookup

PAGES = {
    COUPON: "public:coupon",
    CERTIFICATE: "public:certificate",
    GIFT_CARD: "public:gift_card",
}


def _gift_card(business, code):
    """A gift card its page shows: sold (unsold and void cards answer 404 there too)."""
    card = find_card(business_id=business.pk, code=code)
    if card is None or card.state in (GiftCard.State.STOCK, GiftCard.State.VOID):
        return None
    return card


def code_page(business, code: str) -> str | None:
    """The page of `code` in `business`: its coupon's, else its certificate's, else its gift
    card's (a link names its kind)."""
    scanned = parse_scanned(code)
    kinds = [scanned.kind] if scanned.kind in PAGES else list(PAGES)
    for kind in kinds:
        if kind == COUPON:
            found = find_coupon(business=business, code=scanned.code)
        elif kind == CERTIFICATE:
            found = find_certificate(business=business, code=scanned.code)
        else:
            found = _gift_card(business, scanned.code)
        if found is not None:
            # a gift card's page under its own spelling of the code
            shown = found.code if kind == GIFT_CARD else scanned.code
            url = reverse(PAGES[kind], args=[shown])
            return f"{url}?{urlencode({'b': business.slug})}"
    return None


@require_POST
def enter_code(request, business):
    business = get_object_or_404(Business, slug=business)
    code = (request.POST.get("code") or "").strip()[:200]
    try:
        count_lookup(request)
    except Throttled as exc:
        from .public import throttled_page  # public imports this module

        return throttled_page(request, exc)
    target = code_page(business, code) if code else None
    if target is not None:
        return redirect(target)
    return render(
        request,
        "public/code_not_found.html",
        {
            "business": business,
            "code": code,
            "error": _("No coupon, certificate or gift card has this code: check it and try again.")
            if code
            else _("Type the code first."),
        },
        status=404 if code else 400,
    )
