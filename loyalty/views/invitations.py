"""The page an invitation's link opens: `/invitations/<token>/` (R16).

- a login exists for the e-mail: sign in as it, then accept or decline;
- no login yet: set one's own name and password, which accepts in the same step;
- someone else is signed in: told the invitation is for someone else, nothing changes;
- an unknown, expired, revoked or answered link: one "no longer valid" page (404).

The page is reached by its token, not by a business's ids, so it sits outside the panel's
business pages (its own URL namespace) and needs no membership.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.errors import DomainError
from core.permissions import TERMINAL_URL
from loyalty.forms.staff import AcceptInvitationForm
from loyalty.middleware import SESSION_KEY
from loyalty.models import Membership
from loyalty.services.invitations import (
    accept_as_new_login,
    accept_invitation,
    decline_invitation,
    has_login,
    is_addressee,
    pending_invitation,
)

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _page(request, state, invitation=None, form=None, status=200):
    return render(
        request,
        "panel/invitation.html",
        {"state": state, "invitation": invitation, "form": form},
        status=status,
    )


def _joined(request, membership):
    # The accepter's own action: their session may now show the business they joined.
    request.session[SESSION_KEY] = membership.business_id
    messages.success(request, _("You now work in %(name)s.") % {"name": membership.business.name})
    if membership.role == Membership.CASHIER:
        return HttpResponseRedirect(TERMINAL_URL)
    return redirect("panel:home")


@never_cache
def invitation_page(request, token):
    invitation = pending_invitation(token)
    if invitation is None:
        return _page(request, "invalid", status=404)
    if request.user.is_authenticated:
        if not is_addressee(invitation, request.user):
            return _page(request, "someone_else", invitation, status=403)
        return _answer(request, invitation)
    if has_login(invitation.email):
        if request.method == "POST":
            return redirect_to_login(request.path)
        return _page(request, "sign_in", invitation)
    return _new_login(request, invitation)


def _answer(request, invitation):
    """The addressee, signed in: accept or decline (POST), or the question (GET)."""
    if request.method == "POST":
        try:
            if request.POST.get("answer") == "accept":
                membership = accept_invitation(invitation=invitation, user=request.user)
                return _joined(request, membership)
            decline_invitation(invitation=invitation, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return _page(request, "invalid", status=404)
        messages.info(
            request,
            _("You declined the invitation to %(name)s.") % {"name": invitation.business.name},
        )
        return redirect("panel:home")
    return _page(request, "answer", invitation)


def _new_login(request, invitation):
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, membership = accept_as_new_login(
                invitation=invitation,
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            login(request, user, backend=BACKEND)
            return _joined(request, membership)
    return _page(request, "new_login", invitation, form)
