"""The coupons of a series (search by code, state filter) and one coupon's history."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.qr import SIZES
from core.tenancy import get_scoped, scoped
from coupons.codes import normalize_code
from coupons.models import Coupon, CouponEvent, CouponSeries

from .common import STATE_BADGES, coupon_panel_view, paginate

ACTOR_KINDS = {
    "device": gettext_lazy("device"),
    "staff": gettext_lazy("staff"),
    "customer": gettext_lazy("customer"),
    "system": gettext_lazy("system"),
}

PAGE_SIZE = 50
STOCK = "stock"  # codes made in advance, not issued yet


@coupon_panel_view
def series_coupons(request, pk):
    series = get_scoped(CouponSeries.objects.select_related("program"), request.business, pk=pk)
    coupons = scoped(Coupon, request.business).filter(series=series).select_related("customer")
    query = request.GET.get("q", "").strip()
    if query:
        # The look-up key: any spelling of the code finds it (case, spaces, dashes).
        coupons = coupons.filter(code_norm=normalize_code(query))
    state = request.GET.get("state", "")
    if state == STOCK:
        coupons = coupons.filter(is_stock=True)
    elif state in Coupon.State.values:
        coupons = coupons.filter(state=state, is_stock=False)
    else:
        state = ""
    page = paginate(request, coupons.order_by("-id"), PAGE_SIZE)
    return render(
        request,
        "coupons/coupon_list.html",
        {
            "series": series,
            "title": series.name,
            "page_obj": page,
            "query": query,
            "state": state,
            "states": [*Coupon.State.choices, (STOCK, _("Not issued yet"))],
            "badges": STATE_BADGES,
        },
    )


@coupon_panel_view
def coupon_detail(request, pk):
    coupon = get_scoped(
        Coupon.objects.select_related("series", "series__program", "customer", "giver"),
        request.business,
        pk=pk,
    )
    events = (
        scoped(CouponEvent, request.business)
        .filter(coupon=coupon)
        .select_related("staff", "customer", "point_of_sale", "sale")
        .order_by("at", "id")
    )
    return render(
        request,
        "coupons/coupon_detail.html",
        {
            "coupon": coupon,
            "series": coupon.series,
            "title": coupon.code,
            "events": events,
            "sizes": SIZES,
            "badges": STATE_BADGES,
            "state_labels": dict(Coupon.State.choices),
            "actor_kinds": ACTOR_KINDS,
        },
    )
