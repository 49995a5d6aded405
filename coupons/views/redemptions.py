"""Redemption records: search by time range, customer name or exact phone; CSV export."""

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

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


class _Echo:
    """A file-like object whose write answers the line, for a streaming csv.writer."""

    def write(self, value):
        return value


def _rows(records):
    yield [
        _("time"),
        _("code"),
        _("series"),
        _("customer"),
        _("phone"),
        _("point of sale"),
        _("sale"),
        _("by"),
    ]
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
    writer = csv.writer(_Echo())
    # The overrides end when the view returns: the rows are made later, while streaming.
    tz, language = timezone.get_current_timezone(), translation.get_language()

    def stream():
        with timezone.override(tz), translation.override(language):
            yield "\ufeff"  # a BOM so that spreadsheet programs read UTF-8
            for row in _rows(records):
                yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="redemptions-{stamp}.csv"'
    return response
