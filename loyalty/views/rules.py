"""Rules of a program: list, create, edit, delete. Every change bumps program.version."""

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.permissions import panel_view
from core.tenancy import get_scoped, scoped
from loyalty import engine
from loyalty.forms.rules import COUPON_FIELDS, CREDIT_FIELDS, GOODS_FIELDS, RuleForm
from loyalty.models import Goods, GoodsCategory, Program, Rule
from loyalty.rules_summary import rule_conditions
from loyalty.rules_validation import special_price_warning

# The datalists are a typing aid; a very large catalogue is still matched by code.
DATALIST_LIMIT = 1000


@panel_view()
def rule_index(request):
    """Rules live inside a program: open the first program's list."""
    program = scoped(Program, request.business).order_by("name", "id").first()
    if program is None:
        messages.info(request, _("Create a loyalty program first: rules belong to a program."))
        return redirect("panel:program_list")
    return redirect("panel:rule_list", program_pk=program.pk)


@panel_view()
def rule_list(request, program_pk):
    program = get_scoped(Program, request.business, pk=program_pk)
    rules = list(
        scoped(Rule, request.business)
        .filter(program=program)
        .prefetch_related("points_of_sale", "customer_categories")
        .order_by("priority", "id")
    )
    for rule in rules:
        rule.conditions = rule_conditions(rule)
    return render(
        request,
        "panel/rule_list.html",
        {
            "program": program,
            "programs": scoped(Program, request.business).order_by("name", "id"),
            "rules": rules,
            "title": _("Rules of %(program)s") % {"program": program.name},
            "create_url": reverse("panel:rule_create", kwargs={"program_pk": program.pk}),
        },
    )


def _form_context(request, form, program, title):
    business = request.business
    return {
        "form": form,
        "program": program,
        "title": title,
        "cancel_url": reverse("panel:rule_list", kwargs={"program_pk": program.pk}),
        "goods_codes": scoped(Goods, business)
        .filter(is_active=True)
        .values_list("code", "title")[:DATALIST_LIMIT],
        "category_codes": scoped(GoodsCategory, business).values_list("code", "name")[
            :DATALIST_LIMIT
        ],
        "goods_actions": sorted(Rule.GOODS_ACTIONS),
        "credit_actions": sorted(Rule.CREDIT_ACTIONS),
        "issue_actions": sorted(Rule.ISSUE_ACTIONS),
        "capped_actions": sorted(engine.DISCOUNT_ACTIONS | engine.CREDIT_ACTIONS),
        "goods_include_actions": sorted(Rule.GOODS_ACTIONS - {"bundle_price"}),
        "goods_fields": GOODS_FIELDS,
        "credit_fields": CREDIT_FIELDS,
        "coupon_fields": COUPON_FIELDS,
    }


def _save(request, form, program):
    with transaction.atomic():
        rule = form.save()
        Program.bump_version(program.pk)
    messages.success(request, _("Rule “%(name)s” saved.") % {"name": rule.name})
    warning = special_price_warning(program=program, rule=rule)
    if warning:
        messages.warning(request, warning)
    return redirect("panel:rule_list", program_pk=program.pk)


@panel_view()
def rule_create(request, program_pk):
    program = get_scoped(Program, request.business, pk=program_pk)
    form = RuleForm(request.POST or None, business=request.business, program=program)
    if request.method == "POST" and form.is_valid():
        return _save(request, form, program)
    return render(
        request, "panel/rule_form.html", _form_context(request, form, program, _("New rule"))
    )


@panel_view()
def rule_edit(request, pk):
    rule = get_scoped(Rule.objects.select_related("program"), request.business, pk=pk)
    program = rule.program
    form = RuleForm(request.POST or None, instance=rule, business=request.business, program=program)
    if request.method == "POST" and form.is_valid():
        return _save(request, form, program)
    context = _form_context(request, form, program, _("Edit rule “%(name)s”") % {"name": rule})
    if request.method == "GET":
        context["warning"] = special_price_warning(program=program, rule=rule)
    context["delete_url"] = reverse("panel:rule_delete", kwargs={"pk": rule.pk})
    return render(request, "panel/rule_form.html", context)


@panel_view()
def rule_delete(request, pk):
    rule = get_scoped(Rule.objects.select_related("program"), request.business, pk=pk)
    program = rule.program
    if request.method == "POST":
        try:
            with transaction.atomic():
                rule.delete()
                Program.bump_version(program.pk)
        except ProtectedError:
            messages.error(
                request,
                _("Coupon series use this rule as their reward: make it inactive instead."),
            )
            return redirect("panel:rule_edit", pk=rule.pk)
        messages.success(request, _("Rule “%(name)s” deleted.") % {"name": rule.name})
        return redirect("panel:rule_list", program_pk=program.pk)
    return render(
        request,
        "panel/confirm_delete.html",
        {
            "object": rule,
            "title": _("Delete rule “%(name)s”?") % {"name": rule.name},
            "cancel_url": reverse("panel:rule_edit", kwargs={"pk": rule.pk}),
        },
    )
