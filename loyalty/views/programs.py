"""Loyalty programs and points of sale."""

import re

from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.permissions import panel_view
from core.qr import qr_svg
from core.tenancy import get_scoped
from core.views import PanelCreateView, PanelListView, PanelUpdateView
from loyalty.forms.programs import PointOfSaleForm, ProgramForm
from loyalty.models import PointOfSale, Program

_XML_PROLOGUE = re.compile(r"^\s*<\?xml[^>]*\?>\s*")


class ProgramList(PanelListView):
    model = Program
    template_name = "panel/program_list.html"
    title = _("Loyalty programs")
    search_fields = ("name", "key")
    create_url_name = "panel:program_create"
    prefetch_related = ("brands",)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(
                pos_count=Count("points_of_sale", distinct=True),
                rule_count=Count("rules", filter=Q(rules__is_active=True), distinct=True),
            )
        )


class ProgramCreate(PanelCreateView):
    model = Program
    form_class = ProgramForm
    success_url_name = "panel:program_list"
    title = _("New loyalty program")


class ProgramUpdate(PanelUpdateView):
    model = Program
    form_class = ProgramForm
    success_url_name = "panel:program_list"
    title = _("Edit loyalty program")


class PointOfSaleList(PanelListView):
    model = PointOfSale
    template_name = "panel/pos_list.html"
    title = _("Points of sale")
    search_fields = ("name", "key", "address")
    create_url_name = "panel:pos_create"
    select_related = ("program",)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(
                device_count=Count("devices", filter=Q(devices__revoked_at=None), distinct=True)
            )
        )


class PointOfSaleCreate(PanelCreateView):
    model = PointOfSale
    form_class = PointOfSaleForm
    success_url_name = "panel:pos_list"
    title = _("New point of sale")


class PointOfSaleUpdate(PanelUpdateView):
    model = PointOfSale
    form_class = PointOfSaleForm
    success_url_name = "panel:pos_list"
    title = _("Edit point of sale")


POSTER_KINDS = {"a5": _("A5 poster"), "tent": _("Table tent")}


@panel_view()
def program_poster(request, pk):
    """A print page with the program's join QR (journey.md "Join"): an A5 poster, or a table
    tent (two faces, the upper one upside down, to fold along the middle)."""
    program = get_scoped(Program, request.business, pk=pk)
    kind = request.GET.get("kind", "a5")
    if kind not in POSTER_KINDS:
        kind = "a5"
    link = request.build_absolute_uri(
        reverse("public:join", args=[request.business.slug, program.key])
    )
    return render(
        request,
        "panel/program_poster.html",
        {
            "program": program,
            "business": request.business,
            "link": link,
            "qr": mark_safe(_XML_PROLOGUE.sub("", qr_svg(link))),  # noqa: S308 our own SVG
            "kind": kind,
            "faces": [1, 2] if kind == "tent" else [1],
            "kinds": POSTER_KINDS,
            "kind_label": POSTER_KINDS[kind],
        },
    )
