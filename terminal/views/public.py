"""Public customer pages: a coupon (/c/<code>), a gift certificate (/g/<code>), a series'
promotion link (/s/<token>?channel=) and the customer's wallet (/w/<business-slug>/).

Phone-sized, in the customer's language (LocaleMiddleware: the language cookie, else the
browser's), throttled per client address. Unknown codes, and codes of another business than
the one named by `?b=<slug>`, answer the same 404 page.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from certificates.models import CertificateCode, GiftCertificate
from certificates.services import activate_certificate, find_certificate
from core import pkpass
from core.errors import DomainError
from core.links import COUPON, public_link
from core.tenancy import scoped
from coupons.codes import normalize_code
from coupons.models import Coupon, CouponSeries, Gift
from coupons.selectors import localized, series_title
from coupons.services import claim_coupon, claim_promotion, count_channel_visit, find_coupon
from coupons.validity import window_state
from customers import selectors as customer_selectors
from customers import services as customer_services
from customers import stamps as customer_stamps
from customers import tiers as customer_tiers
from customers.models import Enrolment, LedgerEntry
from loyalty.models import Business
from loyalty.selectors.names import business_account_names
from loyalty.services.referral import referral_link

from . import wallet_bots
from .cashier import inline_qr
from .gifts import gift_link
from .join import joinable_programs, remember_proven
from .public_auth import phone_forms, prove_phone, sign_in, signed_in_customer
from .public_auth import sign_out as end_customer_session
from .referrals import referral_url
from .throttle import Throttled, count_lookup

HISTORY_LIMIT = 50


def throttled_page(request, exc: Throttled):
    response = render(
        request, "public/throttled.html", {"retry_after": exc.retry_after}, status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def public_page(view):
    """Counts the request as a code look-up; answers 429 with Retry-After past the limits."""

    def wrapped(request, *args, **kwargs):
        try:
            count_lookup(request)
            return view(request, *args, **kwargs)
        except Throttled as exc:
            return throttled_page(request, exc)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def not_found_page(request):
    """The same page for an unknown code and another business's code."""
    return render(request, "public/not_found.html", status=404)


def _business_of_code(request, lookups) -> Business | None:
    """The one business holding the code, or the business `?b=<slug>` names if it holds it."""
    ids = set()
    for queryset in lookups:
        ids.update(queryset.values_list("business_id", flat=True)[:2])
    slug = request.GET.get("b", "").strip()
    if slug:
        return Business.objects.filter(slug=slug, pk__in=ids).first()
    # The same code in two businesses (imported codes) cannot be told apart without ?b=.
    return Business.objects.filter(pk=next(iter(ids))).first() if len(ids) == 1 else None


def _customer_for(phone, *, business, program):
    """The customer of a proven phone: registered where the program has auto_register."""
    if program.auto_register:
        with transaction.atomic():
            customer, _created = customer_services.get_or_register_by_phone(
                business=business, program=program, phone=phone
            )
        return customer
    customer = customer_services.find_customer(business=business, phone=phone)
    if customer is not None:
        customer_services.enrol(customer=customer, program=program)
    return customer


def _acting_customer(request, *, business, program, purpose):
    """(customer or None, context): the signed-in customer when the page asks to act as
    them, else the result of the one-time code steps."""
    if request.POST.get("step") == "act":
        customer = signed_in_customer(request, business)
        if customer is not None:
            customer_services.enrol(customer=customer, program=program)
            return customer, {}
    proof = prove_phone(request, business=business, purpose=purpose)
    if proof.phone is None:
        return None, proof.context
    customer = _customer_for(proof.phone, business=business, program=program)
    if customer is None:
        return None, {
            "error": _("We do not know this phone yet: ask at the till to register."),
            **phone_forms(request, business=business, purpose=purpose),
        }
    sign_in(request, customer)
    return customer, {}


def _validity(valid_from, valid_to, business):
    tz = ZoneInfo(business.timezone)
    return {
        "valid_from": valid_from.astimezone(tz) if isinstance(valid_from, datetime) else valid_from,
        "valid_to": valid_to.astimezone(tz) if isinstance(valid_to, datetime) else valid_to,
    }


def _series_texts(series, language) -> dict:
    return {
        "title": series_title(series, language),
        "description": localized(series.description, language),
        "image": series.image.url if series.image else "",
    }


# -- /c/<code> ------------------------------------------------------------------------------


def _coupon_state(coupon, now) -> str:
    usable = coupon.state in (Coupon.State.FREE, Coupon.State.IN_WALLET)
    if usable and window_state(coupon.valid_from, coupon.valid_to, now) == "over":
        return Coupon.State.EXPIRED
    return coupon.state


@require_http_methods(["GET", "POST"])
@public_page
def coupon(request, code):
    norm = normalize_code(code)
    business = _business_of_code(
        request, [Coupon.objects.filter(code_norm=norm, is_stock=False)] if norm else []
    )
    found = find_coupon(business=business, code=code) if business else None
    if found is None:
        return not_found_page(request)
    series, now = found.series, timezone.now()
    customer = signed_in_customer(request, business)
    context = {}
    if request.method == "POST":
        if _coupon_state(found, now) != Coupon.State.FREE:
            context["error"] = _("This coupon cannot be added to a wallet.")
        else:
            acting, context = _acting_customer(
                request, business=business, program=series.program, purpose="claim"
            )
            if acting is not None:
                customer = acting
                try:
                    found = claim_coupon(
                        coupon=found,
                        customer=acting,
                        at=now,
                        actor_kind="customer",
                        actor="public page",
                    )
                    context["success"] = _("The coupon is in your wallet now.")
                except DomainError as exc:
                    context["error"] = exc.message
    state = _coupon_state(found, now)
    if state == Coupon.State.FREE and "code_form" not in context and "phone_form" not in context:
        context.update(phone_forms(request, business=business, purpose="claim"))
    return render(
        request,
        "public/coupon.html",
        {
            "business": business,
            "tz": ZoneInfo(business.timezone),
            "coupon": found,
            "state": state,
            "state_label": Coupon.State(state).label,
            "mine": customer is not None and found.customer_id == customer.pk,
            "customer": customer,
            "qr": inline_qr(public_link(COUPON, found.code, request)),
            **_series_texts(series, request.LANGUAGE_CODE),
            **_validity(found.valid_from, found.valid_to, business),
            **context,
        },
    )


# -- /g/<code> ------------------------------------------------------------------------------


def _refusal_message(exc: DomainError, business) -> str:
    if exc.code == "certificate_interval" and exc.extra.get("next_allowed_at"):
        moment = datetime.fromisoformat(exc.extra["next_allowed_at"])
        local = timezone.localtime(moment, ZoneInfo(business.timezone))
        return _("You can activate it again after %(time)s.") % {
            # the pages' one format for a moment (docs/what-people-see.md)
            "time": formats.date_format(local, "SHORT_DATETIME_FORMAT")
        }
    return exc.message


@require_http_methods(["GET", "POST"])
@public_page
def certificate(request, code):
    norm = normalize_code(code)
    lookups = (
        [
            CertificateCode.objects.filter(code_norm=norm),
            GiftCertificate.objects.filter(public_code_norm=norm),
        ]
        if norm
        else []
    )
    business = _business_of_code(request, lookups)
    found = find_certificate(business=business, code=code) if business else None
    if found is None:
        return not_found_page(request)
    cert, single = found
    customer = signed_in_customer(request, business)
    context = {}
    if request.method == "POST":
        acting, context = _acting_customer(
            request, business=business, program=cert.program, purpose="certificate"
        )
        if acting is not None:
            customer = acting
            try:
                result = activate_certificate(
                    business=business, code=code, customer=acting, channel="public"
                )
            except DomainError as exc:
                context["error"] = _refusal_message(exc, business)
            else:
                context["activation"] = {
                    "message": result.message,
                    "coupons": [
                        {
                            "title": series_title(c.series, request.LANGUAGE_CODE),
                            "code": c.code,
                            "valid_to": c.valid_to,
                        }
                        for c in result.coupons
                    ],
                    "not_given": result.not_given,
                }
    if "code_form" not in context and "phone_form" not in context:
        context.update(phone_forms(request, business=business, purpose="certificate"))
    bundle = [
        {"title": series_title(row.series, request.LANGUAGE_CODE), "count": row.count}
        for row in cert.bundle.select_related("series").order_by("pk")
    ]
    return render(
        request,
        "public/certificate.html",
        {
            "business": business,
            "tz": ZoneInfo(business.timezone),
            "certificate": cert,
            "title": localized(cert.title, request.LANGUAGE_CODE, cert.name),
            "description": localized(cert.description, request.LANGUAGE_CODE),
            "image": cert.image.url if cert.image else "",
            "bundle": bundle,
            "used_up": single is not None and single.used_at is not None,
            "customer": customer,
            **context,
        },
    )


# -- /s/<token> -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@public_page
def series(request, token):
    found = (
        CouponSeries.objects.select_related("business", "program")
        .filter(token=token, public_claim=True)
        .first()
    )
    if found is None:  # a series not claimable by link answers as an unknown token
        return not_found_page(request)
    business = found.business
    channel = (request.POST.get("channel") or request.GET.get("channel") or "").strip()[:60]
    customer = signed_in_customer(request, business)
    context = {}
    if request.method == "GET":
        count_channel_visit(series=found, channel=channel)
    elif not found.is_archived:
        acting, context = _acting_customer(
            request, business=business, program=found.program, purpose="claim"
        )
        if acting is not None:
            customer = acting
            context = _claim_from_series(request, found, acting, channel)
    if not found.is_archived and "code_form" not in context and "phone_form" not in context:
        context.update(phone_forms(request, business=business, purpose="claim"))
    return render(
        request,
        "public/series.html",
        {
            "business": business,
            "tz": ZoneInfo(business.timezone),
            "series": found,
            "channel": channel,
            "customer": customer,
            **_series_texts(found, request.LANGUAGE_CODE),
            **context,
        },
    )


def _claim_from_series(request, series, customer, channel) -> dict:
    # One unused coupon of a promotion per customer, kept by claim_promotion's row lock.
    try:
        issued = claim_promotion(
            series=series, customer=customer, at=timezone.now(), channel=channel
        )
    except DomainError as exc:
        return {"error": exc.message}
    return {
        "success": _("The coupon is in your wallet now."),
        "issued": {
            "title": series_title(series, request.LANGUAGE_CODE),
            "code": issued.code,
            "valid_to": issued.valid_to,
            "qr": inline_qr(public_link(COUPON, issued.code, request)),
        },
    }


# -- /w/<business-slug>/ --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def wallet(request, business):
    business = get_object_or_404(Business, slug=business)
    customer = signed_in_customer(request, business)
    context = {}
    if customer is None and request.method == "POST":
        try:
            proof = prove_phone(request, business=business, purpose="wallet")
        except Throttled as exc:
            return throttled_page(request, exc)
        context = proof.context
        if proof.phone:
            customer = customer_services.find_customer(business=business, phone=proof.phone)
            if customer is None:
                # The phone is proven: the join page takes it without another code.
                remember_proven(request, business=business, phone=proof.phone)
                programs = list(joinable_programs(business))
                context = {
                    "error": _("We do not know this phone yet: ask at the till to register.")
                    if not programs
                    else "",
                    "join_programs": programs,
                    **phone_forms(request, business=business, purpose="wallet"),
                }
            else:
                sign_in(request, customer)
                return redirect("public:wallet", business=business.slug)
    if customer is None:
        if not context:
            context = phone_forms(request, business=business, purpose="wallet")
        return render(
            request,
            "public/wallet_sign_in.html",
            {"business": business, "tz": ZoneInfo(business.timezone), **context},
        )
    return render(request, "public/wallet.html", _wallet_context(request, business, customer))


def _wallet_context(request, business, customer) -> dict:
    now, language = timezone.now(), request.LANGUAGE_CODE
    coupons = (
        scoped(Coupon, business)
        .filter(customer=customer, state=Coupon.State.IN_WALLET)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=now))
        .select_related("series")
        .order_by("valid_to", "pk")
    )
    enrolments = (
        scoped(Enrolment, business)
        .filter(customer=customer)
        .select_related("program", "category")
        .order_by("program__name")
    )
    history = (
        scoped(LedgerEntry, business)
        .filter(account__customer=customer)
        .select_related("account", "account__program", "sale", "coupon")
        .order_by("-created_at", "-pk")[:HISTORY_LIMIT]
    )
    tz = ZoneInfo(business.timezone)
    coupons = list(coupons)
    offered = {
        g.coupon_id: g
        for g in scoped(Gift, business).filter(
            coupon__in=coupons,
            claimed_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=now,
        )
    }
    return {
        "business": business,
        "customer": customer,
        "card_qr": inline_qr(customer.card_code),
        "pkpass": pkpass.configured(),
        "coupons": [
            {
                "coupon": c,
                "title": series_title(c.series, language),
                "qr": inline_qr(public_link(COUPON, c.code, request)),
                "description": localized(c.series.description, language),
                "valid_to": c.valid_to.astimezone(tz) if c.valid_to else None,
                "upcoming": c.valid_from is not None and c.valid_from > now,
                "gift": offered.get(c.pk),
                "gift_link": gift_link(request, offered[c.pk].token) if c.pk in offered else "",
            }
            for c in coupons
        ],
        "programs": [
            {
                "program": e.program,
                "category": e.category,
                "balances": customer_selectors.balances(
                    customer=customer, program=e.program, at=now
                ),
                "stamps": customer_stamps.customer_cards(customer=customer, program=e.program),
                "tier": customer_tiers.customer_progress(customer=customer, program=e.program),
                "labels": customer_selectors.account_labels(
                    program=e.program, currency=business.currency
                ),
                "invite": _invite(request, customer, e.program),
                "expiring": customer_selectors.expiring_soon(
                    customer=customer, program=e.program, at=now
                ),
            }
            for e in enrolments
        ],
        "history": history,
        "names": business_account_names(business),
        "tz": tz,
        "bots": wallet_bots.choices(customer),
    }


def _invite(request, customer, program) -> str:
    link = referral_link(customer=customer, program=program)
    return referral_url(request, link.token) if link is not None else ""


@require_POST
def sign_out(request, business):
    business = get_object_or_404(Business, slug=business)
    end_customer_session(request)
    return redirect("public:wallet", business=business.slug)
