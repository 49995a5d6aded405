"""Who may use the cashier pages, and at which point of sale.

A staff member with a live Membership (cashier, manager or owner) uses the business of that
membership (loyalty.middleware sets request.business from the session). Cashiers work only at
their Membership.points_of_sale; managers and owners at any point of sale of the business.
The chosen point of sale is kept in the session.
"""

from functools import wraps
from zoneinfo import ZoneInfo

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from core.tenancy import get_scoped, scoped
from loyalty.models import Membership, PointOfSale

POS_SESSION_KEY = "cashier_pos_id"
CASHIER_ROLES = (Membership.OWNER, Membership.MANAGER, Membership.CASHIER)


def allowed_points_of_sale(membership):
    """The points of sale `membership` may work at, as a queryset."""
    qs = scoped(PointOfSale, membership.business_id).select_related("program", "business")
    if membership.role == Membership.CASHIER:
        qs = qs.filter(pk__in=membership.points_of_sale.values("pk"))
    return qs.order_by("name", "pk")


def point_of_sale_for(membership, pos_id):
    """The point of sale `pos_id` for `membership`: 404 when it is not of the business,
    PermissionDenied (403) when a cashier is not assigned to it."""
    pos = get_scoped(
        PointOfSale.objects.select_related("program", "business"), membership.business_id, pk=pos_id
    )
    if not allowed_points_of_sale(membership).filter(pk=pos.pk).exists():
        raise PermissionDenied
    return pos


def current_point_of_sale(request):
    """The session's point of sale if the user may still work there, else None."""
    pos_id = request.session.get(POS_SESSION_KEY)
    if not pos_id:
        return None
    pos = allowed_points_of_sale(request.membership).filter(pk=pos_id).first()
    if pos is None:  # unassigned meanwhile, or the business was switched
        request.session.pop(POS_SESSION_KEY, None)
    return pos


def business_time(business):
    """Times on these pages are shown in the business's time zone."""
    return timezone.override(ZoneInfo(business.timezone))


def _refusal(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    membership = getattr(request, "membership", None)
    if membership is None or membership.role not in CASHIER_ROLES:
        return render(request, "terminal/forbidden.html", status=403)
    return None


def cashier_view(view):
    """A page for signed-in staff of the business; no point of sale needed yet."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        refusal = _refusal(request)
        if refusal is not None:
            return refusal
        with business_time(request.business):
            return view(request, *args, **kwargs)

    return wrapped


def till_view(view, *, json=False):
    """A page at the session's point of sale (`request.pos`); asks for one when missing.
    `json` endpoints answer 403 JSON (through json_endpoint) instead of redirecting."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if json and not request.user.is_authenticated:
            raise PermissionDenied
        refusal = _refusal(request)
        if refusal is not None:
            if json:
                raise PermissionDenied
            return refusal
        pos = current_point_of_sale(request)
        if pos is None:
            if json:
                raise PermissionDenied
            return redirect("cashier:choose_pos")
        request.pos = pos
        with business_time(request.business):
            return view(request, *args, **kwargs)

    return wrapped
