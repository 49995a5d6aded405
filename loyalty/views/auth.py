"""Login, logout and the business switcher."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.permissions import TERMINAL_URL
from loyalty.middleware import PANEL_ROLES, SESSION_KEY, active_memberships, choose_membership


class EmailAuthenticationForm(AuthenticationForm):
    """Logins are e-mail addresses (username == email), typed in any letter case."""

    username = forms.CharField(
        label=gettext_lazy("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean(self):
        typed = (self.cleaned_data.get("username") or "").strip()
        stored = (
            get_user_model()
            .objects.filter(username__iexact=typed)
            .values_list("username", flat=True)
            .first()
        )
        self.cleaned_data["username"] = stored or typed
        return super().clean()


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        auth_login(self.request, user)
        memberships = active_memberships(user)
        membership = choose_membership(memberships)
        if membership is not None:
            self.request.session[SESSION_KEY] = membership.business_id
            if membership.role not in PANEL_ROLES and not self.get_redirect_url():
                # Cashiers have no panel pages: straight to the cashier pages, unless the
                # login was asked for by a page such as an invitation's link.
                return HttpResponseRedirect(TERMINAL_URL)
        return HttpResponseRedirect(self.get_success_url())


class LogoutView(auth_views.LogoutView):
    pass


@require_POST
@login_required
def switch_business(request):
    """Make another of the user's businesses the current one."""
    try:
        business_id = int(request.POST.get("business", ""))
    except ValueError as exc:
        raise Http404 from exc
    membership = next((m for m in request.memberships if m.business_id == business_id), None)
    if membership is None:
        raise Http404
    request.session[SESSION_KEY] = business_id
    messages.info(request, _("Now working in %(name)s.") % {"name": membership.business.name})
    if membership.role not in PANEL_ROLES:
        return HttpResponseRedirect(TERMINAL_URL)
    # Pages of one business's rows make no sense in another: start from the dashboard.
    return redirect("panel:home")
