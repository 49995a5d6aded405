"""The program's join page /j/<business>/<program>/ (journey.md "Join").

A phone is proven by a one-time code (or was proven a moment ago on the wallet page, which
offers joining to a phone it does not know); the customer is created and welcomed by
`loyalty.services.join`, signed in, and lands on their wallet.
"""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import plurals
from core.errors import DomainError
from coupons.selectors import series_title
from customers.models import Enrolment
from loyalty.models import Business, Program
from loyalty.services.join import join_program

from ..forms import JoinForm
from .public_auth import phone_forms, prove_phone, sign_in, signed_in_customer
from .referrals import SESSION_KEY, session_link
from .throttle import Throttled

PROVEN_KEY = "public_proven"  # a phone the wallet proved and did not know: may join


def remember_proven(request, *, business, phone) -> None:
    request.session[PROVEN_KEY] = {"business": business.pk, "phone": phone}


def _proven_phone(request, business) -> str | None:
    data = request.session.get(PROVEN_KEY) or {}
    return data.get("phone") if data.get("business") == business.pk else None


def joinable_programs(business):
    return Program.objects.filter(business=business, join_open=True).order_by("name", "pk")


def _program(business_slug, program_key) -> Program:
    business = get_object_or_404(Business, slug=business_slug)
    program = (
        Program.objects.select_related("business", "welcome_series")
        .filter(business=business, key=program_key, join_open=True)
        .first()
    )
    if program is None:
        raise Http404
    return program


def _welcome_message(joined, language) -> str:
    parts = [_("Welcome! You are a member now.")]
    if joined.points:
        # "50,00 бала": the word agrees with the number (core.plurals)
        points = plurals.point_count(joined.points)
        parts.append(_("Welcome points on your card: %(points)s.") % {"points": points})
    if joined.coupon is not None:
        parts.append(
            _("A welcome coupon is in your wallet: %(title)s.")
            % {"title": series_title(joined.coupon.series, language)}
        )
    return " ".join(parts)


def _join(request, program, phone, form):
    invitation = session_link(request, program)
    try:
        joined = join_program(
            program=program,
            phone=phone,
            name=form.cleaned_data["name"],
            consent=form.cleaned_data["consent"],
            language=request.LANGUAGE_CODE,
            referral=invitation,
        )
    except DomainError as exc:
        return None, exc.message
    request.session.pop(PROVEN_KEY, None)
    request.session.pop(SESSION_KEY, None)
    sign_in(request, joined.customer)
    if joined.welcomed:
        messages.success(request, _welcome_message(joined, request.LANGUAGE_CODE))
    else:
        messages.info(request, _("You are already a member: welcome back."))
        if invitation is not None:
            messages.info(request, _("A friend's invitation counts for new members only."))
    return redirect("public:wallet", business=program.business.slug), ""


@require_http_methods(["GET", "POST"])
def join(request, business, program):
    program = _program(business, program)
    business = program.business
    customer = signed_in_customer(request, business)
    if customer is not None and Enrolment.objects.filter(customer=customer, program=program):
        return redirect("public:wallet", business=business.slug)
    proven = customer.phone if customer is not None else _proven_phone(request, business)
    form = JoinForm(request.POST or None)
    context = {}
    step = request.POST.get("step")
    if request.method == "POST" and step == "join" and proven:
        if form.is_valid():
            response, error = _join(request, program, proven, form)
            if response is not None:
                return response
            context["error"] = error
    elif request.method == "POST" and not proven:
        try:
            proof = prove_phone(request, business=business, purpose="join")
        except Throttled as exc:
            from .public import throttled_page  # public imports this module

            return throttled_page(request, exc)
        context = proof.context
        if proof.phone and form.is_valid():
            response, error = _join(request, program, proof.phone, form)
            if response is not None:
                return response
            context = {"error": error, **phone_forms(request, business=business, purpose="join")}
    elif not proven:
        context = phone_forms(request, business=business, purpose="join")
    return render(
        request,
        "public/join.html",
        {
            "business": business,
            "tz": ZoneInfo(business.timezone),
            "program": program,
            "proven": bool(proven),
            "join_form": form if request.method == "POST" else JoinForm(),
            "welcome_series_title": _series_title(program, request.LANGUAGE_CODE),
            **context,
        },
    )


def _series_title(program, language) -> str:
    series = program.welcome_series
    return series_title(series, language) if series is not None else ""
