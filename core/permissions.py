"""Who may open which panel page.

owner: everything in the business; manager: everything but staff and business settings;
cashier: no panel pages (they work on the cashier pages under /terminal/).

The roles are plain strings here so that every app's panel pages share these checks without
importing loyalty; `loyalty.models.Membership` takes its choices from them. The panel's
middleware (loyalty.middleware) sets `request.membership` and `request.business`.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render

ROLE_OWNER, ROLE_MANAGER, ROLE_CASHIER = "owner", "manager", "cashier"

TERMINAL_URL = "/terminal/"
OWNER = (ROLE_OWNER,)
OWNER_OR_MANAGER = (ROLE_OWNER, ROLE_MANAGER)


def has_role(request, roles) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role in roles


def forbidden(request):
    """The 403 page; a cashier gets a link to the cashier pages."""
    return render(
        request,
        "panel/403.html",
        {"terminal_url": TERMINAL_URL, "is_cashier": has_role(request, (ROLE_CASHIER,))},
        status=403,
    )


def check_panel_access(request, roles):
    """None when the request may go on, otherwise the response to send instead."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if getattr(request, "membership", None) is None:
        # Staff without a business: the dashboard explains what to do.
        return redirect("panel:home")
    if not has_role(request, roles):
        return forbidden(request)
    return None


class PanelAccessMixin:
    """For class-based panel views: `allowed_roles` may open the view."""

    allowed_roles: tuple[str, ...] = OWNER_OR_MANAGER

    def dispatch(self, request, *args, **kwargs):
        refusal = check_panel_access(request, self.allowed_roles)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)


class OwnerRequiredMixin(PanelAccessMixin):
    allowed_roles = OWNER


def panel_view(roles=OWNER_OR_MANAGER):
    """The same check for function views: `@panel_view()` or `@panel_view(OWNER)`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            refusal = check_panel_access(request, roles)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
