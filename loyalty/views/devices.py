"""Terminal and kiosk keys: issued here, shown once, stored hashed."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.permissions import panel_view
from core.tenancy import get_scoped
from core.views import PanelListView
from loyalty.forms.devices import IssueDeviceForm
from loyalty.models import Device
from loyalty.services.devices import issue_device, revoke_device

# The new key waits in the session for the one page that shows it, then is gone.
KEY_SESSION = "panel_new_device_key"


class DeviceList(PanelListView):
    model = Device
    template_name = "panel/device_list.html"
    title = gettext_lazy("Devices")
    search_fields = ("name", "key_prefix", "point_of_sale__name")
    create_url_name = "panel:device_create"
    select_related = ("point_of_sale",)

    def get_queryset(self):
        return super().get_queryset().order_by("revoked_at", "-created_at")


@panel_view()
def device_create(request):
    form = IssueDeviceForm(request.POST or None, business=request.business)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            device, key = issue_device(
                point_of_sale=data["point_of_sale"], kind=data["kind"], name=data["name"]
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            request.session[KEY_SESSION] = {"device": device.pk, "key": key}
            return redirect("panel:device_key", pk=device.pk)
    return render(
        request,
        "panel/form_page.html",
        {
            "form": form,
            "title": _("New device key"),
            "cancel_url": reverse("panel:device_list"),
            "submit_label": _("Issue the key"),
        },
    )


@never_cache
@panel_view()
def device_key(request, pk):
    device = get_scoped(Device.objects.select_related("point_of_sale"), request.business, pk=pk)
    stored = request.session.pop(KEY_SESSION, None)
    if not stored or stored.get("device") != device.pk:
        # Shown once only: a reload or a shared link does not show it again.
        messages.info(
            request,
            _("A key is shown only once. Revoke it and issue a new one if it was lost."),
        )
        return redirect("panel:device_list")
    return render(
        request,
        "panel/device_key.html",
        {"device": device, "key": stored["key"], "title": _("The device key")},
    )


@require_POST
@panel_view()
def device_revoke(request, pk):
    device = get_scoped(Device, request.business, pk=pk)
    revoke_device(device=device)
    messages.success(request, _("The key of %(name)s is revoked.") % {"name": device.name})
    return redirect("panel:device_list")
