"""Promotion: channels of a series' link, the QR logo choice, QR downloads (PNG and SVG)."""

import base64
import io

import qrcode
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from PIL import Image
from qrcode.constants import ERROR_CORRECT_H
from qrcode.image.svg import SvgPathImage

from core.errors import DomainError
from core.links import COUPON, public_link
from core.qr import BORDER, LOGO_SHARE, SIZES, qr_png, qr_svg
from core.tenancy import get_scoped, scoped
from coupons.forms import ChannelForm, QrLogoForm
from coupons.models import Coupon, CouponSeries
from loyalty.models import BusinessLogo

from .common import coupon_panel_view, posted, promotion_link

LOGO_PIXELS = 256  # enough for any print size once embedded in the SVG


@coupon_panel_view
@require_POST
def channel_create(request, pk):
    series = get_scoped(CouponSeries, request.business, pk=pk)
    form = ChannelForm(request.POST, business=request.business, series=series)
    if form.is_valid():
        channel = form.save()
        messages.success(
            request, _("Channel “%(name)s” added: share its link.") % {"name": channel.name}
        )
    else:
        for error in form.errors.get("name", []):
            messages.error(request, _("Channel: %(error)s") % {"error": error})
    return redirect(f"{series_url(series)}#promotion")


@coupon_panel_view
def qr_logo(request, pk):
    """Choose the logo for the series' QR codes (remembered for the business)."""
    series = get_scoped(CouponSeries, request.business, pk=pk)
    form = QrLogoForm(*posted(request), business=request.business)
    if request.method == "POST" and form.is_valid():
        logo = form.save()
        if logo is None:
            messages.success(request, _("QR codes are made without a logo."))
        else:
            messages.success(
                request, _("QR codes are made with the logo “%(name)s”.") % {"name": logo.name}
            )
        return redirect(f"{series_url(series)}#qr")
    return render(
        request,
        "coupons/qr_logo.html",
        {
            "series": series,
            "form": form,
            "title": _("Logo in the QR codes"),
            "cancel_url": f"{series_url(series)}#qr",
        },
    )


def series_url(series):
    return reverse("panel:series_detail", kwargs={"pk": series.pk})


# -- QR images -------------------------------------------------------------------------------


def _chosen_logo(request):
    """``?logo=<id>`` or ``?logo=none``; without it, the business's last used logo."""
    business = request.business
    choice = request.GET.get("logo", "")
    if choice == "none":
        return None
    if choice:
        logo = scoped(BusinessLogo, business).filter(pk=choice if choice.isdigit() else 0).first()
        if logo is None:
            raise Http404
        return logo
    logo = business.last_qr_logo
    return logo if logo is not None and logo.business_id == business.pk else None


def _size(request):
    try:
        size = int(request.GET.get("size", SIZES[0]))
    except ValueError:
        size = 0
    return size if size in SIZES else None


def qr_svg_with_logo(data: str, logo_file) -> str:
    """The SVG of ``data`` with the logo on a white pad in the middle, error correction H
    (as core.qr does for PNG) so that the hidden modules do not stop it scanning."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_H, border=BORDER, image_factory=SvgPathImage)
    qr.add_data(data)
    qr.make(fit=True)
    svg = qr.make_image().to_string(encoding="unicode")
    side = qr.modules_count + 2 * BORDER  # viewBox units are modules
    pad = side * LOGO_SHARE
    corner = (side - pad) / 2
    margin = pad / 12
    logo_file.open("rb")
    try:
        with Image.open(logo_file) as image:
            image = image.convert("RGBA")
            image.thumbnail((LOGO_PIXELS, LOGO_PIXELS), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, format="PNG")
    except (OSError, ValueError) as exc:
        raise DomainError(_("The logo is not an image."), field="logo") from exc
    finally:
        logo_file.close()
    encoded = base64.b64encode(out.getvalue()).decode("ascii")
    overlay = (
        f'<rect x="{corner:.3f}" y="{corner:.3f}" width="{pad:.3f}" height="{pad:.3f}" '
        f'fill="#ffffff"/><image x="{corner + margin:.3f}" y="{corner + margin:.3f}" '
        f'width="{pad - 2 * margin:.3f}" height="{pad - 2 * margin:.3f}" '
        f'preserveAspectRatio="xMidYMid meet" href="data:image/png;base64,{encoded}"/>'
    )
    head, tag_end, rest = svg.partition(">")
    background = f'<rect width="{side}" height="{side}" fill="#ffffff"/>'
    body = rest[: rest.rindex("</svg>")]
    return f"{head}{tag_end}{background}{body}{overlay}</svg>"


def _qr_response(request, data, *, name, kind):
    logo = _chosen_logo(request)
    try:
        if kind == "png":
            size = _size(request)
            if size is None:
                return HttpResponseBadRequest(
                    _("Choose one of the sizes %(sizes)s.") % {"sizes": ", ".join(map(str, SIZES))}
                )
            body = qr_png(data, size=size, logo=logo.image if logo else None)
            content_type, filename = "image/png", f"{name}-{size}.png"
        else:
            body = qr_svg_with_logo(data, logo.image) if logo else qr_svg(data)
            content_type, filename = "image/svg+xml", f"{name}.svg"
    except DomainError as error:
        return HttpResponseBadRequest(error.message)
    response = HttpResponse(body, content_type=content_type)
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _series_qr(request, pk, kind):
    series = get_scoped(CouponSeries, request.business, pk=pk)
    channel = request.GET.get("channel", "")
    if channel and not series.channels.filter(name=channel).exists():
        raise Http404
    name = f"{series.key}-{channel}" if channel else series.key
    return _qr_response(request, promotion_link(request, series, channel), name=name, kind=kind)


def _coupon_qr(request, pk, kind):
    coupon = get_scoped(Coupon, request.business, pk=pk)
    # the public link, not the bare code: a phone's camera leads to the coupon's page
    link = public_link(COUPON, coupon.code, request)
    return _qr_response(request, link, name=coupon.code_norm, kind=kind)


@coupon_panel_view
def series_qr_png(request, pk):
    """The QR of the promotion link (``?channel=``), ``?size=`` one of the five sizes."""
    return _series_qr(request, pk, "png")


@coupon_panel_view
def series_qr_svg(request, pk):
    return _series_qr(request, pk, "svg")


@coupon_panel_view
def coupon_qr_png(request, pk):
    """The QR of one coupon's public link (a till's scanner reads the code from it)."""
    return _coupon_qr(request, pk, "png")


@coupon_panel_view
def coupon_qr_svg(request, pk):
    return _coupon_qr(request, pk, "svg")
