"""Stamp cards of a program (promotions.md): list, create, edit. A change bumps the
program's version (loyalty.signals), so confirms see it at once."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.permissions import panel_view
from core.tenancy import get_scoped, scoped
from loyalty.forms.stamp_cards import StampCardForm
from loyalty.models import Goods, GoodsCategory, Program, StampCard

DATALIST_LIMIT = 1000


@panel_view()
def stamp_card_index(request):
    """Cards live inside a program: open the first program's list."""
    program = scoped(Program, request.business).order_by("name", "id").first()
    if program is None:
        messages.info(request, _("Create a loyalty program first: stamp cards belong to one."))
        return redirect("panel:program_list")
    return redirect("panel:stamp_card_list", program_pk=program.pk)


@panel_view()
def stamp_card_list(request, program_pk):
    program = get_scoped(Program, request.business, pk=program_pk)
    cards = scoped(StampCard, request.business).filter(program=program).select_related("reward")
    return render(
        request,
        "panel/stamp_card_list.html",
        {
            "program": program,
            "programs": scoped(Program, request.business).order_by("name", "id"),
            "cards": cards.order_by("created_at", "id"),
            "title": _("Stamp cards of %(program)s") % {"program": program.name},
            "create_url": reverse("panel:stamp_card_create", kwargs={"program_pk": program.pk}),
        },
    )


def _form_page(request, form, program, title):
    business = request.business
    return render(
        request,
        "panel/stamp_card_form.html",
        {
            "form": form,
            "program": program,
            "title": title,
            "cancel_url": reverse("panel:stamp_card_list", kwargs={"program_pk": program.pk}),
            "goods_codes": scoped(Goods, business)
            .filter(is_active=True)
            .values_list("code", "title")[:DATALIST_LIMIT],
            "category_codes": scoped(GoodsCategory, business).values_list("code", "name")[
                :DATALIST_LIMIT
            ],
        },
    )


def _saved(request, card):
    messages.success(request, _("Stamp card “%(name)s” saved.") % {"name": card.name})
    return redirect("panel:stamp_card_list", program_pk=card.program_id)


@panel_view()
def stamp_card_create(request, program_pk):
    program = get_scoped(Program, request.business, pk=program_pk)
    form = StampCardForm(request.POST or None, business=request.business, program=program)
    if request.method == "POST" and form.is_valid():
        return _saved(request, form.save())
    return _form_page(request, form, program, _("New stamp card"))


@panel_view()
def stamp_card_edit(request, pk):
    card = get_scoped(StampCard.objects.select_related("program"), request.business, pk=pk)
    form = StampCardForm(
        request.POST or None, instance=card, business=request.business, program=card.program
    )
    if request.method == "POST" and form.is_valid():
        return _saved(request, form.save())
    return _form_page(
        request, form, card.program, _("Edit stamp card “%(name)s”") % {"name": card.name}
    )
