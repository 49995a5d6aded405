"""Helpers shared by the coupon panel pages."""

from functools import wraps
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.permissions import panel_view
from coupons.validity import business_tz

STATE_BADGES = {
    "free": "badge",
    "in_wallet": "badge badge--ok",
    "redeemed": "badge badge--info",
    "expired": "badge badge--warn",
    "cancelled": "badge badge--muted",
}


def coupon_panel_view(view):
    """An owner/manager page that shows times (and reads typed times) in the business's
    time zone: "from 9:00" means 9:00 where the shop is."""

    @panel_view()
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with timezone.override(business_tz(request.business)):
            return view(request, *args, **kwargs)

    return wrapped


def posted(request):
    """(data, files) for a form: bound on every POST, even an empty one, else unbound."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def today(business):
    return timezone.now().astimezone(business_tz(business)).date()


def paginate(request, queryset, per_page):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def promotion_path(series, channel: str = "") -> str:
    """``/s/<token>?channel=<name>`` (coupons.md "Promotion")."""
    try:
        path = reverse("public:series", kwargs={"token": series.token})
    except NoReverseMatch:  # the public pages are not mounted (e.g. a panel-only deployment)
        path = f"/s/{series.token}"
    return f"{path}?{urlencode({'channel': channel})}" if channel else path


def promotion_link(request, series, channel: str = "") -> str:
    return request.build_absolute_uri(promotion_path(series, channel))
