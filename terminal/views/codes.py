"""The code field of the wallet page (journey.md "Enter a code"): a typed or pasted coupon or
certificate code, or one of their links, opens that code's own page. Counted as a look-up
(quality.md R8/R13), like opening /c/<code> or /g/<code> directly."""

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificates.services import find_certificate
from core.links import CERTIFICATE, COUPON, parse_scanned
from coupons.selectors import find_coupon
from loyalty.models import Business

from .throttle import Throttled, count_lookup

PAGES = {COUPON: "public:coupon", CERTIFICATE: "public:certificate"}


def code_page(business, code: str) -> str | None:
    """The page of `code` in `business`: its coupon's, else its certificate's."""
    scanned = parse_scanned(code)
    kinds = [scanned.kind] if scanned.kind in PAGES else list(PAGES)
    for kind in kinds:
        found = (
            find_coupon(business=business, code=scanned.code)
            if kind == COUPON
            else find_certificate(business=business, code=scanned.code)
        )
        if found is not None:
            url = reverse(PAGES[kind], args=[scanned.code])
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
            "error": _("No coupon or certificate has this code: check it and try again.")
            if code
            else _("Type the code first."),
        },
        status=404 if code else 400,
    )
