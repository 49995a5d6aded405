"""Redemption records: search by time range, customer name or exact phone; CSV export."""

from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.tabular import csv_response
from coupons.forms import RedemptionSearchForm
from coupons.selectors import redemptions

from .common import coupon_panel_view, paginate

PAGE_SIZE = 50
EXPORT_CHUNK = 2000


def _records(request):
    """(form, queryset): the form as searched, and the records it selects."""
    form = RedemptionSearchForm(request.GET or None, business=request.business)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    records = redemptions(
        business=request.business,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        customer_name=data.get("name", ""),
        phone=data.get("phone", ""),
    )
    if data.get("series"):
        records = records.filter(coupon__series=data["series"])
    if form.is_bound and not form.is_valid():
        records = records.none()  # a wrong search shows its errors, not everything
    return form, records


@coupon_panel_view
def redemption_list(request):
    form, records = _records(request)
    export_query = request.GET.urlencode()
    return render(
        request,
        "coupons/redemption_list.html",
        {
            "form": form,
            "page_obj": paginate(request, records, PAGE_SIZE),
            "title": _("Redemptions"),
            "export_query": export_query,
        },
    )


def _columns():
    return [
        _("time"),
        _("code"),
        _("series"),
        _("customer"),
        _("phone"),
        _("point of sale"),
        _("sale"),
        _("by"),
    ]


def _rows(records):
    for event in records.iterator(chunk_size=EXPORT_CHUNK):
        customer = event.customer
        yield [
            timezone.localtime(event.at).isoformat(timespec="seconds"),
            event.coupon.code,
            event.coupon.series.key,
            customer.name if customer else "",
            customer.phone if customer else "",
            event.point_of_sale.name if event.point_of_sale else "",
            event.sale_id or "",
            event.actor or event.actor_kind,
        ]


@coupon_panel_view
def redemption_export(request):
    """The same search as the list, streamed as CSV (any number of rows, little memory)."""
    _form, records = _records(request)
    # The overrides end when the view returns: the rows are made later, while streaming.
    tz, language = timezone.get_current_timezone(), translation.get_language()

    def rows():
        with timezone.override(tz), translation.override(language):
            yield from _rows(records)

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # core.tabular writes names like "=HYPERLINK(...)" as inert text (R17).
    return csv_response(_columns(), rows(), filename=f"redemptions-{stamp}.csv")
