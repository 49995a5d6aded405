"""Self-service sign-up, the guided set-up of a business, and a suggested first rule.

1. /signup/: e-mail and password make a login, which is logged in at once;
2. /onboarding/: the business with its first brand, program, point of sale and terminal;
3. /onboarding/key/: the terminal key, shown once (kept in the session for this one page);
4. /onboarding/rules/: a first rule from a template (also reachable later from the panel).
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from core.errors import DomainError
from core.permissions import panel_view
from core.tenancy import scoped
from loyalty.forms.onboarding import RuleTemplateForm, SetUpForm, SignUpForm
from loyalty.middleware import SESSION_KEY as BUSINESS_SESSION_KEY
from loyalty.models import Device, Program
from loyalty.services.onboarding import TEMPLATES, apply_rule_template, set_up_business, sign_up
from loyalty.services.stamp_templates import STAMP_TEMPLATES, apply_stamp_card_template

from .promotion_templates import template_links

KEY_SESSION = "onboarding_device_key"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _show_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


def signup(request):
    if request.user.is_authenticated:
        return redirect("panel:onboarding")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_up(email=form.cleaned_data["email"], password=form.cleaned_data["password"])
        except DomainError as error:
            _show_error(form, error)
        else:
            login(request, user, backend=BACKEND)
            return redirect("panel:onboarding")
    return render(
        request, "panel/onboarding/signup.html", {"form": form, "title": _("Create an account")}
    )


@login_required
def onboarding(request):
    form = SetUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = set_up_business(
                owner=request.user,
                name=data["name"],
                currency=data["currency"],
                timezone=data["timezone"],
                phone_region=data["phone_region"],
                language=data["language"],
                brand_name=data["brand_name"],
                program_name=data["program_name"],
                pos_name=data["pos_name"],
                pos_address=data["pos_address"],
                device_name=data["device_name"],
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            # Work in the new business from now on, and show its key on the next page only.
            request.session[BUSINESS_SESSION_KEY] = result.business.pk
            request.session[KEY_SESSION] = {"device": result.device.pk, "key": result.key}
            return redirect("panel:onboarding_key")
    return render(
        request,
        "panel/onboarding/setup.html",
        {"form": form, "title": _("Set up your business"), "step": 1},
    )


@never_cache
@panel_view()
def onboarding_key(request):
    stored = request.session.pop(KEY_SESSION, None)
    if not stored:
        messages.info(request, _("The key was shown once; issue a new one if it was lost."))
        return redirect("panel:device_list")
    device = (
        scoped(Device, request.business)
        .filter(pk=stored["device"])
        .select_related("point_of_sale")
        .first()
    )
    if device is None:
        return redirect("panel:device_list")
    return render(
        request,
        "panel/onboarding/key.html",
        {"device": device, "key": stored["key"], "title": _("Your terminal key"), "step": 2},
    )


@panel_view()
def onboarding_rules(request):
    programs = list(scoped(Program, request.business).order_by("pk"))
    if not programs:
        messages.info(request, _("Create a loyalty program first."))
        return redirect("panel:program_create")
    wanted = request.GET.get("program") or request.POST.get("program")
    program = next((p for p in programs if str(p.pk) == wanted), programs[0])
    templates = {**TEMPLATES, **STAMP_TEMPLATES}
    form = RuleTemplateForm(request.POST or None, program=program, templates=templates)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.cleaned_data["template"] == "stamp_card"
    ):
        data = form.cleaned_data
        try:
            card = apply_stamp_card_template(
                program=program,
                goods_category=data["goods_category"].strip(),
                stamps=data["stamps"],
                valid_days=data["valid_days"],
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(
                request,
                _("Stamp card “%(name)s” created; it works at the till now.") % {"name": card.name},
            )
            return redirect("panel:stamp_card_list", program_pk=program.pk)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = apply_rule_template(
                program=program,
                template=data["template"],
                percent=data["percent"],
                goods_category=data["goods_category"].strip(),
                customer_category=data["customer_category"],
                valid_days=data["valid_days"],
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(
                request, _("Rule “%(name)s” created; adjust it here.") % {"name": rule.name}
            )
            return redirect("panel:rule_edit", pk=rule.pk)
    return render(
        request,
        "panel/onboarding/rules.html",
        {
            "form": form,
            "program": program,
            "programs": programs,
            "promotion_templates": template_links(program),
            "title": _("Suggest a first rule"),
            "step": 3,
        },
    )
