"""The guided set-up's promotion templates (promotions.md "Templates"): one short form per
template, offered on the set-up's first-rule page and from the rules list; saving makes a
working rule (or tiers) at once."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.permissions import panel_view
from core.tenancy import scoped
from loyalty.forms import promotion_templates as forms
from loyalty.models import Program
from loyalty.services import promotion_templates as services

# template -> (its form, the service that saves it)
TEMPLATES = {
    "cashback_every_check": (forms.CashbackEveryCheckForm, services.apply_cashback_every_check),
    "nth_free": (forms.NthFreeForm, services.apply_nth_free),
    "meal_deal": (forms.MealDealForm, services.apply_meal_deal),
    "birthday_gift": (forms.BirthdayGiftForm, services.apply_birthday_gift),
    "tiers": (forms.TiersForm, services.apply_tiers),
}


def _show_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


def template_links(program) -> list[dict]:
    """The templates as links for the set-up page and the rules list."""
    return [
        {
            "name": name,
            "label": services.PROMOTION_TEMPLATES[name],
            "url": f"{reverse('panel:promotion_template', args=[name])}?program={program.pk}",
        }
        for name in TEMPLATES
    ]


@panel_view()
def promotion_template(request, name):
    if name not in TEMPLATES:
        raise Http404
    programs = list(scoped(Program, request.business).order_by("pk"))
    if not programs:
        messages.info(request, _("Create a loyalty program first."))
        return redirect("panel:program_create")
    wanted = request.GET.get("program") or request.POST.get("program")
    program = next((p for p in programs if str(p.pk) == wanted), programs[0])
    form_class, apply = TEMPLATES[name]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = apply(program=program, **form.apply_kwargs())
        except DomainError as error:
            _show_error(form, error)
        else:
            if name == "tiers":
                messages.success(
                    request, _("Tiers created; customers move up at their next purchase.")
                )
                return redirect("panel:tier_edit", program_pk=program.pk)
            created = _("Rule “%(name)s” created; it works at the till now.")
            messages.success(request, created % {"name": made.name})
            return redirect("panel:rule_list", program_pk=program.pk)
    return render(
        request,
        "panel/onboarding/promotion_template.html",
        {
            "form": form,
            "program": program,
            "programs": programs,
            "template_name": name,
            "title": services.PROMOTION_TEMPLATES[name],
        },
    )
