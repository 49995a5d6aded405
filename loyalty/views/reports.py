"""Reports page: pick a range, download any report as CSV (streamed) or XLSX."""

from datetime import timedelta

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.permissions import panel_view
from core.tabular import csv_response, xlsx_response
from coupons.forms import DateRangeForm
from coupons.views.common import today
from loyalty.selectors.kpis import business_figures
from loyalty.selectors.reports import REPORTS, report_rows

DEFAULT_DAYS = 30
FORMATS = ("csv", "xlsx")


def _range(request):
    form = DateRangeForm(
        request.GET or None, today=today(request.business), default_days=DEFAULT_DAYS
    )
    return form, *form.range()


def presets(day):
    """(label, from, to) of the ranges an owner asks for most, ending today."""
    return [
        (_("Today"), day, day),
        (_("7 days"), day - timedelta(days=6), day),
        (_("30 days"), day - timedelta(days=29), day),
        (_("This month"), day.replace(day=1), day),
    ]


@panel_view()
def report_index(request):
    form, date_from, date_to = _range(request)
    return render(
        request,
        "panel/reports.html",
        {
            "title": _("Reports"),
            "presets": presets(today(request.business)),
            "figures": business_figures(
                business=request.business, date_from=date_from, date_to=date_to
            ),
            "reports": REPORTS.values(),
            "range_form": form,
            "date_from": date_from,
            "date_to": date_to,
            "formats": FORMATS,
        },
    )


@panel_view()
def report_download(request):
    # The report is a query parameter like the range: one URL pattern, no id to look up.
    report = REPORTS.get(request.GET.get("report", ""))
    fmt = request.GET.get("format", "csv")
    if report is None or fmt not in FORMATS:
        raise Http404
    form, date_from, date_to = _range(request)
    rows = report_rows(report, business=request.business, date_from=date_from, date_to=date_to)
    name = f"{report.key}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
    if not report.uses_range:
        name = f"{report.key}-{today(request.business):%Y%m%d}"
    if fmt == "csv":
        return csv_response(report.columns, rows, filename=f"{name}.csv")
    return xlsx_response(report.columns, rows, filename=f"{name}.xlsx", title=report.title)
