"""Staff memberships (owner only): invite, change role, revoke."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from loyalty.errors import DomainError
from loyalty.forms.staff import InviteStaffForm, MembershipForm
from loyalty.models import Membership
from loyalty.permissions import OWNER, OwnerRequiredMixin, panel_view
from loyalty.services.business import change_role, invite_staff, revoke_membership
from loyalty.tenancy import get_scoped

from .base import PanelListView


class StaffList(OwnerRequiredMixin, PanelListView):
    model = Membership
    template_name = "panel/staff_list.html"
    title = gettext_lazy("Staff")
    search_fields = ("user__email", "user__username", "user__first_name", "user__last_name")
    create_url_name = "panel:staff_invite"
    select_related = ("user",)
    prefetch_related = ("points_of_sale",)

    def get_queryset(self):
        return super().get_queryset().order_by("revoked_at", "user__username")


def _form_page(request, form, title):
    return render(
        request,
        "panel/form_page.html",
        {"form": form, "title": title, "cancel_url": reverse("panel:staff_list")},
    )


@panel_view(OWNER)
def staff_invite(request):
    form = InviteStaffForm(request.POST or None, business=request.business)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = invite_staff(
                business=request.business,
                email=data["email"],
                role=data["role"],
                password=data["password"],
                points_of_sale=data["points_of_sale"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("%(email)s can now log in.") % {"email": membership.user.username}
            )
            return redirect("panel:staff_list")
    return _form_page(request, form, _("Invite a staff member"))


@panel_view(OWNER)
def staff_edit(request, pk):
    membership = get_scoped(Membership.objects.select_related("user"), request.business, pk=pk)
    form = MembershipForm(request.POST or None, instance=membership, business=request.business)
    if request.method == "POST" and form.is_valid():
        try:
            change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                points_of_sale=form.cleaned_data["points_of_sale"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("panel:staff_list")
    title = _("Staff member %(email)s") % {"email": membership.user.username}
    return _form_page(request, form, title)


@require_POST
@panel_view(OWNER)
def staff_revoke(request, pk):
    membership = get_scoped(Membership.objects.select_related("user"), request.business, pk=pk)
    try:
        revoke_membership(membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(email)s no longer has access.") % {"email": membership.user.username}
        )
    return redirect("panel:staff_list")
