"""Reports page: pick a range, download any report as CSV (streamed) or XLSX."""

from datetime import timedelta

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.permissions import panel_view
from core.tabular import csv_response, xlsx_response
from coupons.forms import DateRangeForm
from coupons.views.common import today
from loyalty.forms.report_filters import ReportFilterForm
from loyalty.selectors import report_tables
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


def _figures(request):
    """The range form, the filter form and the figures they ask for."""
    form, date_from, date_to = _range(request)
    filters = ReportFilterForm(request.GET or None, business=request.business)
    figures = business_figures(
        business=request.business, date_from=date_from, date_to=date_to, **filters.filters()
    )
    return form, filters, figures, date_from, date_to


def _tables(request, figures):
    """Each table's rows in the asked order, with its sorting column heads."""

    def url_with(name, value):
        query = request.GET.copy()
        query[name] = value
        return "?" + query.urlencode()

    tables = {}
    for key, table in report_tables.TABLES.items():
        sort = report_tables.sort_key(table, request.GET.get(f"sort_{key}", ""))
        query = request.GET.copy()
        query.update({"table": key, "format": "csv"})
        tables[key] = {
            "rows": report_tables.sorted_rows(table, getattr(figures, table.rows), sort),
            "headers": report_tables.headers(table, sort, url_with),
            "csv_url": reverse("panel:report_table") + "?" + query.urlencode(),
        }
    return tables


@panel_view()
def report_index(request):
    form, filters, figures, date_from, date_to = _figures(request)
    return render(
        request,
        "panel/reports.html",
        {
            "title": _("Reports"),
            "presets": presets(today(request.business)),
            "figures": figures,
            "filter_form": filters,
            "filtered": any(v for v in filters.filters().values()),
            "tables": _tables(request, figures),
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


@panel_view()
def report_table(request):
    """One of the page's tables as CSV: the same range, filters and order as on screen."""
    table = report_tables.TABLES.get(request.GET.get("table", ""))
    if table is None:
        raise Http404
    _form, _filters, figures, date_from, date_to = _figures(request)
    sort = report_tables.sort_key(table, request.GET.get(f"sort_{table.key}", ""))
    rows = report_tables.sorted_rows(table, getattr(figures, table.rows), sort)
    return csv_response(
        report_tables.csv_columns(table),
        report_tables.csv_rows(table, rows, till_name=str(_("a connected till"))),
        filename=f"{table.key}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.csv",
    )
