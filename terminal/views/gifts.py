"""Giving a coupon from the wallet and claiming it by its link `/t/<token>` (journey.md
"Give a coupon"); the work is coupons.gifts."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from core.tenancy import scoped
from coupons.gifts import OPEN, cancel_gift, claim_gift, create_gift, gift_state
from coupons.models import Coupon, Gift
from coupons.selectors import series_title
from customers import services as customer_services
from loyalty.models import Business
from loyalty.services.join import join_program

from .public_auth import phone_forms, prove_phone, sign_in, signed_in_customer
from .throttle import Throttled, count_lookup


def gift_link(request, token: str) -> str:
    return request.build_absolute_uri(reverse("public:gift", args=[token]))


@require_POST
def give(request, business):
    """Make a gift link of a coupon in the signed-in wallet, or send it to a phone."""
    business = get_object_or_404(Business, slug=business)
    customer = signed_in_customer(request, business)
    if customer is None:
        return redirect("public:wallet", business=business.slug)
    coupon = (
        scoped(Coupon, business)
        .select_related("series", "series__business")
        .filter(pk=request.POST.get("coupon") or 0, customer=customer)
        .first()
    )
    if coupon is None:
        raise Http404
    phone = (request.POST.get("phone") or "").strip()[:40]
    if request.POST.get("how") == "link":
        phone = ""  # the link button of the form that also holds the phone field
    try:
        gift = create_gift(
            coupon=coupon,
            giver=customer,
            at=timezone.now(),
            phone=phone,
            link=lambda token: gift_link(request, token),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if gift.phone:
            messages.success(request, _("The gift is sent: your friend gets the link by SMS."))
        else:
            messages.success(request, _("Your gift link is ready: send it to your friend."))
    return redirect(reverse("public:wallet", args=[business.slug]) + f"#coupon-{coupon.pk}")


@require_POST
def withdraw(request, business, token):
    business = get_object_or_404(Business, slug=business)
    customer = signed_in_customer(request, business)
    gift = scoped(Gift, business).filter(token=token).first()
    if customer is None or gift is None:
        raise Http404
    try:
        cancel_gift(gift=gift, giver=customer, at=timezone.now())
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("public:wallet", business=business.slug)


def _receiver(request, business, program, phone):
    customer = customer_services.find_customer(business=business, phone=phone)
    if customer is not None:
        customer_services.enrol(customer=customer, program=program)
        return customer
    # A friend new to the business joins the program (with its welcome) to take the gift.
    return join_program(program=program, phone=phone, language=request.LANGUAGE_CODE).customer


@require_http_methods(["GET", "POST"])
def claim(request, token):
    try:
        count_lookup(request)
    except Throttled as exc:
        from .public import throttled_page  # public imports this module

        return throttled_page(request, exc)
    gift = (
        Gift.objects.select_related("coupon__series__business", "coupon__series__program", "giver")
        .filter(token=token)
        .first()
    )
    if gift is None:
        from .public import not_found_page

        return not_found_page(request)
    coupon, now = gift.coupon, timezone.now()
    series, business = coupon.series, coupon.series.business
    customer = signed_in_customer(request, business)
    context = {}
    if request.method == "POST" and gift_state(gift, now) == OPEN:
        acting = None
        if request.POST.get("step") == "act" and customer is not None:
            acting = customer
        else:
            try:
                proof = prove_phone(request, business=business, purpose="gift")
            except Throttled as exc:
                from .public import throttled_page

                return throttled_page(request, exc)
            context = proof.context
            if proof.phone:
                try:
                    acting = _receiver(request, business, series.program, proof.phone)
                except DomainError as exc:
                    context = {"error": exc.message}
                if acting is not None:
                    sign_in(request, acting)
                    customer = acting
        if acting is not None:
            try:
                claim_gift(gift=gift, receiver=acting, at=now)
            except DomainError as exc:
                context["error"] = exc.message
            else:
                messages.success(request, _("The gift is in your wallet now."))
                return redirect("public:wallet", business=business.slug)
            gift.refresh_from_db()
    state = gift_state(gift, now)
    if state == OPEN and "code_form" not in context and "phone_form" not in context:
        context.update(phone_forms(request, business=business, purpose="gift"))
    return render(
        request,
        "public/gift.html",
        {
            "business": business,
            "tz": ZoneInfo(business.timezone),
            "gift": gift,
            "state": state,
            "title": series_title(series, request.LANGUAGE_CODE),
            "giver_name": gift.giver.name,
            "customer": customer,
            **context,
        },
        status=200 if state == OPEN else 410,
    )
