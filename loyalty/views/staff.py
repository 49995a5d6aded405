"""Staff (owner only): invitations (send, resend, revoke), change role, revoke access.

Inviting never creates a membership (R16): the person accepts on the link's page
(loyalty/views/invitations.py)."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.permissions import OWNER, OwnerRequiredMixin, panel_view
from core.tenancy import get_scoped, scoped
from core.views import PanelListView
from loyalty.forms.staff import InviteStaffForm, MembershipForm
from loyalty.models import Invitation, Membership
from loyalty.services.approvals import set_approval_pin
from loyalty.services.business import change_role, revoke_membership
from loyalty.services.invitations import (
    InvitationNotSent,
    invite_staff,
    resend_invitation,
    revoke_invitation,
)


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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Not accepted yet (expired ones too, so that they can be resent).
        context["invitations"] = list(
            scoped(Invitation.objects.open(), self.request.business).order_by("-sent_at", "-pk")
        )
        return context


def _link_maker(request):
    """token -> the absolute URL of the invitation's page, on the host the owner uses."""
    return lambda token: request.build_absolute_uri(reverse("panel:invitations:open", args=[token]))


def _sent(request, email):
    messages.success(request, _("An invitation was sent to %(email)s.") % {"email": email})


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
            # None for a current member: the answer is the same all the same (R16).
            invite_staff(
                business=request.business,
                email=data["email"],
                role=data["role"],
                points_of_sale=data["points_of_sale"],
                invited_by=request.user,
                link=_link_maker(request),
            )
        except InvitationNotSent as error:
            messages.warning(request, error.message)
            return redirect("panel:staff_list")
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            _sent(request, data["email"].strip().lower())
            return redirect("panel:staff_list")
    return _form_page(request, form, _("Invite a staff member"))


@require_POST
@panel_view(OWNER)
def staff_invitation_resend(request, pk):
    invitation = get_scoped(Invitation.objects.open(), request.business, pk=pk)
    try:
        resend_invitation(invitation=invitation, link=_link_maker(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        _sent(request, invitation.email)
    return redirect("panel:staff_list")


@require_POST
@panel_view(OWNER)
def staff_invitation_revoke(request, pk):
    invitation = get_scoped(Invitation.objects.open(), request.business, pk=pk)
    revoke_invitation(invitation=invitation)
    messages.success(
        request, _("The invitation to %(email)s no longer works.") % {"email": invitation.email}
    )
    return redirect("panel:staff_list")


@panel_view(OWNER)
def staff_edit(request, pk):
    membership = get_scoped(Membership.objects.select_related("user"), request.business, pk=pk)
    form = MembershipForm(request.POST or None, instance=membership, business=request.business)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # a refused PIN leaves the role as it was
                change_role(
                    membership=membership,
                    role=form.cleaned_data["role"],
                    points_of_sale=form.cleaned_data["points_of_sale"],
                )
                if form.cleaned_data.get("approval_pin"):
                    membership.refresh_from_db(fields=["role"])
                    set_approval_pin(membership=membership, pin=form.cleaned_data["approval_pin"])
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
