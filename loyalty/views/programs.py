"""Loyalty programs and points of sale."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.views import PanelCreateView, PanelListView, PanelUpdateView
from loyalty.forms.programs import PointOfSaleForm, ProgramForm
from loyalty.models import PointOfSale, Program


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
