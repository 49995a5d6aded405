"""The cashier pages (/terminal/, namespace `cashier`): point of sale, the check, receipts,
the day's sales and cancelling. The check page's live parts call cashier_api."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from core.links import COUPON, public_link
from core.qr import qr_svg
from core.tenancy import get_scoped, scoped
from core.throttle import Throttled
from coupons.models import CouponSeries
from coupons.selectors import series_title
from customers import tiers as customer_tiers
from giftcards.models import GiftCardSeries
from loyalty.checks import cancel_sale
from loyalty.middleware import SESSION_KEY
from loyalty.models import Goods, Membership, Sale
from loyalty.selectors.names import program_names
from loyalty.selectors.receipts import balances_after
from loyalty.selectors.till_grid import till_grid
from loyalty.services.approvals import approver, needs_approval

from ..code_budget import count_lookup
from ..forms import CancelSaleForm
from .access import (
    CASHIER_ROLES,
    POS_SESSION_KEY,
    allowed_points_of_sale,
    cashier_view,
    current_point_of_sale,
    point_of_sale_for,
    till_view,
)
from .checkpad import manual_rules
from .kiosk import scanner_src

_XML_PROLOGUE = re.compile(r"^\s*<\?xml[^>]*\?>\s*")


def inline_qr(data: str) -> str:
    """The QR of `data` as inline SVG markup (our own generated SVG, safe to embed)."""
    return mark_safe(_XML_PROLOGUE.sub("", qr_svg(data)))  # noqa: S308


@cashier_view
def index(request):
    if current_point_of_sale(request) is None:
        return redirect("cashier:choose_pos")
    return redirect("cashier:check")


@require_http_methods(["GET", "POST"])
@cashier_view
def choose_pos(request):
    membership = request.membership
    if request.method == "POST":
        if "business" in request.POST:
            return _switch_business(request)
        pos = point_of_sale_for(membership, request.POST.get("pos", ""))
        request.session[POS_SESSION_KEY] = pos.pk
        return redirect("cashier:check")
    businesses = [m for m in request.memberships if m.role in CASHIER_ROLES]
    return render(
        request,
        "terminal/choose_pos.html",
        {
            "points_of_sale": allowed_points_of_sale(membership),
            "current": current_point_of_sale(request),
            "businesses": businesses if len(businesses) > 1 else [],
        },
    )


def _switch_business(request):
    try:
        business_id = int(request.POST["business"])
    except ValueError as exc:
        raise Http404 from exc
    membership = next(
        (
            m
            for m in request.memberships
            if m.business_id == business_id and m.role in CASHIER_ROLES
        ),
        None,
    )
    if membership is None:
        raise Http404
    request.session[SESSION_KEY] = business_id
    request.session.pop(POS_SESSION_KEY, None)
    return redirect("cashier:choose_pos")


FAVOURITE_EDITORS = (Membership.OWNER, Membership.MANAGER)


@till_view
def check(request):
    pos = request.pos
    return render(
        request,
        "terminal/check.html",
        {
            "manual_rules": manual_rules(pos),
            # the item grid: favourites of this point of sale, then goods by category
            "grid": till_grid(pos),
            "can_edit_favourites": request.membership.role in FAVOURITE_EDITORS,
            # payments.md: the gift cards the till can sell
            "gift_card_series": GiftCardSeries.objects.filter(program_id=pos.program_id),
            "currency": request.business.currency,
            "texts": {
                "remove": _("Remove"),
                "noResults": _("Nothing found."),
                "failed": _("Something went wrong. Try again."),
                "limit": _("at most %(amount)s"),
                "needCustomer": _("Identify the customer first."),
                "confirming": _("Confirming…"),
                "giftCard": _("Gift card"),
                "sell": _("Sell"),
                "checking": _("Checking the code…"),
                # payments.md: a units account offered on a line it pays for
                "payUnits": _("Pay with %(name)s (%(n)s)"),
            },
            "urls": {
                "goods": reverse("cashier:api_goods"),
                "customer": reverse("cashier:api_customer"),
                "register": reverse("cashier:api_register"),
                "evaluate": reverse("cashier:api_evaluate"),
                "certificate": reverse("cashier:api_certificate"),
                "confirm": reverse("cashier:api_confirm"),
                "coupon": reverse("cashier:api_coupon"),
                # without BarcodeDetector the till scans with the kiosk's library
                "scanner": scanner_src(),
            },
        },
    )


def local_day_bounds(business, day=None):
    tz = ZoneInfo(business.timezone)
    day = day or timezone.now().astimezone(tz).date()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)


@till_view
def sales(request):
    start, end = local_day_bounds(request.business)
    day_sales = (
        scoped(Sale, request.business)
        .filter(point_of_sale=request.pos, time__gte=start, time__lt=end)
        .select_related("customer", "staff")
        .order_by("-time", "-pk")
    )
    totals = [s for s in day_sales if s.status == Sale.COMPLETED]
    return render(
        request,
        "terminal/sales.html",
        {
            "sales": day_sales,
            "day": start.date(),
            "count": len(totals),
            "total": sum((s.money_to_pay for s in totals), Decimal("0.00")),
            "currency": request.business.currency,
        },
    )


def _sale(request, sale_id) -> Sale:
    """A sale of the business at a point of sale this person may work at, else 404."""
    sale = get_scoped(
        Sale.objects.select_related("point_of_sale", "customer", "staff"),
        request.business,
        pk=sale_id,
    )
    if not allowed_points_of_sale(request.membership).filter(pk=sale.point_of_sale_id).exists():
        raise Http404
    return sale


def _issued_coupons(request, sale, language):
    issued = (sale.result or {}).get("coupons_issued") or []
    keys = {c.get("series") for c in issued}
    series = {
        s.key: s for s in CouponSeries.objects.filter(program_id=sale.program_id, key__in=keys)
    }
    rows = []
    for item in issued:
        found = series.get(item.get("series"))
        code = item.get("code")
        rows.append(
            {
                "title": series_title(found, language) if found else item.get("series"),
                "code": code,
                "valid_to": item.get("valid_to"),
                # Free codes of an anonymous check are printed with their QR.
                "qr": inline_qr(public_link(COUPON, code, request))
                if code and sale.customer_id is None
                else "",
            }
        )
    return rows


@till_view
def receipt(request, sale_id):
    sale = _sale(request, sale_id)
    positions = list(sale.positions.all())
    # A POS may send codes without titles: the receipt names the goods from the catalogue.
    untitled = {p.code for p in positions if not p.title}
    if untitled:
        titles = dict(
            scoped(Goods, request.business).filter(code__in=untitled).values_list("code", "title")
        )
        for p in positions:
            p.title = p.title or titles.get(p.code, "")
    return render(
        request,
        "terminal/receipt.html",
        {
            "sale": sale,
            "positions": positions,
            "names": program_names(sale.program),
            "balances_after": balances_after(sale),
            "result": sale.result or {},
            "issued": _issued_coupons(request, sale, request.LANGUAGE_CODE),
            "currency": request.business.currency,
            "tier": customer_tiers.customer_progress(customer=sale.customer, program=sale.program),
        },
    )


@require_http_methods(["GET", "POST"])
@till_view
def cancel(request, sale_id):
    sale = _sale(request, sale_id)
    needs_pin = needs_approval(business=request.business, membership=request.membership)
    data = request.POST if request.method == "POST" else None  # an empty POST is refused
    form = CancelSaleForm(data, needs_pin=needs_pin)
    if request.method == "POST" and sale.status == Sale.CANCELLED:
        messages.info(request, _("This sale was cancelled already; nothing changed."))
        return HttpResponseRedirect(reverse("cashier:receipt", args=[sale.pk]))
    if request.method == "POST" and form.is_valid():
        approved_by = None
        if needs_pin:
            try:
                count_lookup(request)  # PIN guesses share the code throttle (R13)
            except Throttled as exc:
                form.add_error(None, _("Too many tries. Try again in %(minutes)s min.") % {
                    "minutes": exc.minutes
                })  # fmt: skip
            else:
                approved_by = approver(business=request.business, pin=form.cleaned_data["pin"])
                if approved_by is None:
                    form.add_error("pin", _("This PIN is not a manager's PIN here."))
        if not form.errors:
            try:
                cancel_sale(
                    sale=sale,
                    staff=request.user,
                    reason=form.cleaned_data["reason"],
                    approved_by=approved_by,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The sale has been cancelled."))
            return HttpResponseRedirect(reverse("cashier:receipt", args=[sale.pk]))
    return render(
        request,
        "terminal/cancel.html",
        {
            "sale": sale,
            "form": form,
            "result": sale.result or {},
            "currency": request.business.currency,
        },
    )


@require_POST
@cashier_view
def leave_pos(request):
    request.session.pop(POS_SESSION_KEY, None)
    return redirect("cashier:choose_pos")
