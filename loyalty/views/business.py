"""Business settings, new businesses and brands."""

import zoneinfo

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import OWNER, panel_view
from core.views import PanelCreateView, PanelListView, PanelUpdateView
from loyalty.forms.business import BrandForm, BusinessCreateForm, BusinessSettingsForm
from loyalty.middleware import SESSION_KEY
from loyalty.models import Brand
from loyalty.services.business import create_business


def _timezones():
    return sorted(zoneinfo.available_timezones())


@panel_view(OWNER)
def business_settings(request):
    business = request.business
    form = BusinessSettingsForm(request.POST or None, request.FILES or None, instance=business)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Business settings saved."))
        return redirect("panel:business_settings")
    return render(
        request,
        "panel/business_settings.html",
        {
            "form": form,
            "title": _("Business settings"),
            "timezones": _timezones(),
            "multipart": True,
        },
    )


@panel_view(OWNER)
def business_create(request):
    """An owner can run several businesses: this one starts with them as its owner."""
    form = BusinessCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "name"}
        business = create_business(owner=request.user, name=form.cleaned_data["name"], **data)
        request.session[SESSION_KEY] = business.pk
        messages.success(request, _("Business %(name)s created.") % {"name": business.name})
        return redirect("panel:home")
    return render(
        request,
        "panel/business_settings.html",
        {
            "form": form,
            "title": _("New business"),
            "timezones": _timezones(),
            "cancel_url": reverse("panel:home"),
        },
    )


class BrandList(PanelListView):
    model = Brand
    template_name = "panel/brand_list.html"
    title = gettext_lazy("Brands")
    search_fields = ("name",)
    create_url_name = "panel:brand_create"
    prefetch_related = ("programs",)


class BrandCreate(PanelCreateView):
    model = Brand
    form_class = BrandForm
    success_url_name = "panel:brand_list"
    title = gettext_lazy("New brand")


class BrandUpdate(PanelUpdateView):
    model = Brand
    form_class = BrandForm
    success_url_name = "panel:brand_list"
    title = gettext_lazy("Edit brand")
