"""Sets `request.business` and `request.membership` for the panel.

The current business is kept in the session; a person working for several businesses
switches it in the header. Revoked memberships do not count.

Only the person's own actions change which business a session shows (R16): signing in,
switching, setting up a business, accepting an invitation. The business is chosen at
sign-in (loyalty.signals) and one chosen here by default (the kept one was revoked, say) is
written to the session at once, so that a membership added later by someone else
(platform staff, say) cannot take its place in a live session.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from .models import Membership

SESSION_KEY = "panel_business_id"
# Roles that may use the panel; a cashier's business is chosen only when nothing else is.
PANEL_ROLES = (Membership.OWNER, Membership.MANAGER)


def active_memberships(user):
    """The user's live memberships with their businesses, in one query."""
    return list(
        Membership.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("business")
        .order_by("business__name", "business_id")
    )


def choose_membership(memberships, business_id=None):
    """The membership for `business_id`, else the first panel role, else the first one."""
    for membership in memberships:
        if business_id is not None and membership.business_id == business_id:
            return membership
    for membership in memberships:
        if membership.role in PANEL_ROLES:
            return membership
    return memberships[0] if memberships else None


class CurrentBusinessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.business = None
        request.membership = None
        request.memberships = []
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = active_memberships(user)
            membership = choose_membership(memberships, request.session.get(SESSION_KEY))
            request.memberships = memberships
            if membership is not None:
                request.membership = membership
                request.business = membership.business
                if request.session.get(SESSION_KEY) != membership.business_id:
                    request.session[SESSION_KEY] = membership.business_id
        if request.business is None:
            return self.get_response(request)
        # Every time a staff member reads is the business's (issue 21): templates, forms and
        # exports format in the active zone.
        with timezone.override(business_zone(request.business)):
            return self.get_response(request)


def business_zone(business):
    try:
        return ZoneInfo(business.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
