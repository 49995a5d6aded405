"""Panel pages for gift certificates: list, create/edit with the bundle, detail with
statistics and activations, single-use codes (batch, import, printable QR sheet)."""

import base64
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from core.charts import Line, bar_chart
from core.errors import DomainError, ValidationFailed
from core.links import CERTIFICATE, public_link
from core.qr import qr_svg
from core.tabular import csv_text
from core.tenancy import get_scoped, scoped
from core.views import PanelListView
from coupons.codes import normalize_code
from coupons.forms import DateRangeForm
from coupons.selectors import localized
from coupons.views.common import coupon_panel_view, paginate, posted, today

from .forms import (
    BundleFormSet,
    CertificateForm,
    GenerateCertificateCodesForm,
    ImportCertificateCodesForm,
    check_random_count,
)
from .models import (
    Activation,
    CertificateCode,
    CertificateCodeJob,
    CertificateSeries,
    GiftCertificate,
)
from .sending import send_certificate
from .services import certificate_stats, import_certificate_codes, start_code_batch

ACTIVATIONS_PAGE = 25
CODES_PAGE = 50
SHEET_PAGE = 150  # codes per printable page: 3 columns, about 10 A4 sheets
CHART_DAYS = 30
ACTIVATION_COLOR = "#0f766e"
CHANNEL_LABELS = {
    "terminal": gettext_lazy("terminal"),
    "kiosk": gettext_lazy("kiosk"),
    "public": gettext_lazy("public page"),
    "api": gettext_lazy("API"),
    "panel": gettext_lazy("panel"),
}


def _count(model, **filters):
    """A correlated COUNT per certificate: one query for the whole page, whatever the size
    of the code batches (a JOIN would multiply the rows)."""
    rows = (
        model.objects.filter(certificate=OuterRef("pk"), **filters)
        .order_by()
        .values("certificate")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class CertificateList(PanelListView):
    model = GiftCertificate
    template_name = "certificates/certificate_list.html"
    title = gettext_lazy("Gift certificates")
    search_fields = ("name", "key", "public_code")
    create_url_name = "panel:certificate_create"
    select_related = ("program",)

    def search(self, qs, term):
        return super().search(qs, term) | qs.filter(public_code_norm=normalize_code(term))

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(
                n_series=_count(CertificateSeries),
                n_codes=_count(CertificateCode),
                n_codes_used=_count(CertificateCode, used_at__isnull=False),
            )
            .order_by("-created_at", "-id")
        )


certificate_list = coupon_panel_view(CertificateList.as_view())


def _edit_page(request, certificate):
    business = request.business
    data, files = posted(request)
    form = CertificateForm(data, files, instance=certificate, business=business)
    formset = BundleFormSet(data, instance=form.instance, business=business, prefix="bundle")
    if request.method == "POST":
        form_ok = form.is_valid()
        formset.program = form.cleaned_data.get("program") if form_ok else None
        if form_ok and formset.is_valid() and check_random_count(form, formset):
            with transaction.atomic():
                saved = form.save()
                formset.instance = saved
                formset.save()
            messages.success(request, _("Gift certificate “%(name)s” saved.") % {"name": saved})
            return redirect("panel:certificate_detail", pk=saved.pk)
        formset.is_valid()  # show the rows' messages too when the certificate form failed
    editing = certificate.pk is not None
    return render(
        request,
        "certificates/certificate_form.html",
        {
            "form": form,
            "formset": formset,
            "certificate": certificate if editing else None,
            "title": _("Edit “%(name)s”") % {"name": certificate.name}
            if editing
            else _("New gift certificate"),
            "cancel_url": reverse("panel:certificate_detail", kwargs={"pk": certificate.pk})
            if editing
            else reverse("panel:certificate_list"),
        },
    )


@coupon_panel_view
def certificate_create(request):
    return _edit_page(request, GiftCertificate())


@coupon_panel_view
def certificate_edit(request, pk):
    return _edit_page(request, get_scoped(GiftCertificate, request.business, pk=pk))


def _certificate(request, pk):
    return get_scoped(
        GiftCertificate.objects.select_related("program", "business"), request.business, pk=pk
    )


def _days(per_day, date_from, date_to):
    """Every day of the range, with 0 where nothing happened."""
    found = {row["date"]: row["activations"] for row in per_day}
    days, day = [], date_from
    while day <= date_to:
        days.append({"date": day.isoformat(), "activations": found.get(day.isoformat(), 0)})
        day += timedelta(days=1)
    return days


@coupon_panel_view
def certificate_detail(request, pk):
    certificate = _certificate(request, pk)
    business = request.business
    stats = certificate_stats(certificate)
    range_form = DateRangeForm(request.GET or None, today=today(business), default_days=CHART_DAYS)
    date_from, date_to = range_form.range()
    days = _days(stats["per_day"], date_from, date_to)
    activations = (
        scoped(Activation, business)
        .filter(certificate=certificate)
        .select_related("customer", "point_of_sale")
        .order_by("-at", "-id")
    )
    codes = scoped(CertificateCode, business).filter(certificate=certificate)
    return render(
        request,
        "certificates/certificate_detail.html",
        {
            "certificate": certificate,
            "title": certificate.name,
            "public_title": localized(certificate.title, request.LANGUAGE_CODE, certificate.name),
            "stats": stats,
            "chart": bar_chart(
                days,
                Line("activations", _("Activations"), ACTIVATION_COLOR),
                aria_label=_("Activations per day"),
            ),
            "days": days,
            "range_form": range_form,
            "send_form": SendForm(),
            "date_from": date_from,
            "date_to": date_to,
            "bundle": certificate.bundle.select_related("series").order_by("id"),
            "codes": codes.aggregate(
                total=Count("id"), used=Count("id", filter=Q(used_at__isnull=False))
            ),
            "page_obj": paginate(request, activations, ACTIVATIONS_PAGE),
            "channels": CHANNEL_LABELS,
        },
    )


# -- single-use codes ----------------------------------------------------------------------


def _rejected_csv_link(reports) -> str | None:
    """The rejected lines of this upload as a data: link (nothing to store or clean up).

    Written by core.tabular: a "code" like "=HYPERLINK(...)" comes out inert (R17)."""
    rows = [
        (name, line, code, reason)
        for name, report in reports
        for line, code, reason in report.rejected_rows
    ]
    if not rows:
        return None
    payload = csv_text(("file", "line", "code", "reason"), rows).encode()
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(payload).decode("ascii")


def _generate(request, certificate, form):
    """Queue the batch (a job: 100,000 codes take longer than a page may wait)."""
    data = form.cleaned_data
    try:
        with transaction.atomic():
            start_code_batch(
                certificate=certificate,
                count=data["count"],
                prefix=data.get("prefix", ""),
                length=data["length"],
                group=data["group"],
                staff=request.user,
            )
    except DomainError as error:
        form.add_error(GenerateCertificateCodesForm.FIELDS.get(error.field), error.message)
        return False
    messages.success(
        request,
        ngettext(
            "%(n)d code is being made; the progress is below.",
            "%(n)d codes are being made; the progress is below.",
            data["count"],
        )
        % {"n": data["count"]},
    )
    return True


def _import(certificate, form):
    reports = []
    for upload in form.cleaned_data["files"]:
        try:
            reports.append(
                (upload.name, import_certificate_codes(certificate=certificate, file=upload))
            )
        except DomainError as error:
            form.add_error("files", f"{upload.name}: {error.message}")
    return reports


@coupon_panel_view
def certificate_codes(request, pk):
    certificate = _certificate(request, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    data, files = posted(request)
    generate = GenerateCertificateCodesForm(
        data if action == "generate" else None, prefix="generate"
    )
    upload = ImportCertificateCodesForm(
        data if action == "import" else None,
        files if action == "import" else None,
        prefix="import",
    )
    reports = []
    if action == "generate" and generate.is_valid() and _generate(request, certificate, generate):
        return redirect("panel:certificate_codes", pk=certificate.pk)
    if action == "import" and upload.is_valid():
        reports = _import(certificate, upload)
    jobs = list(
        certificate.code_jobs.select_related("created_by").order_by("-created_at", "-id")[:3]
    )
    codes = scoped(CertificateCode, request.business).filter(certificate=certificate)
    query = request.GET.get("q", "").strip()
    if query:
        codes = codes.filter(code_norm=normalize_code(query))
    used = request.GET.get("used", "")
    if used == "yes":
        codes = codes.filter(used_at__isnull=False)
    elif used == "no":
        codes = codes.filter(used_at__isnull=True)
    return render(
        request,
        "certificates/codes.html",
        {
            "certificate": certificate,
            "title": _("Single-use codes"),
            "generate": generate,
            "upload": upload,
            "reports": reports,
            "rejected_link": _rejected_csv_link(reports),
            "page_obj": paginate(request, codes.order_by("id"), CODES_PAGE),
            "query": query,
            "used": used,
            "jobs": jobs,
            "any_running": any(not job.finished for job in jobs),
        },
    )


@coupon_panel_view
def certificate_code_job_progress(request, pk):
    """Polled every second by the codes page's progress bar."""
    job = get_scoped(CertificateCodeJob, request.business, pk=pk)
    response = JsonResponse(job.progress())
    response["Cache-Control"] = "no-store"
    return response


@coupon_panel_view
def certificate_codes_print(request, pk):
    """A print-ready sheet: 3 columns of QR codes with the code under each."""
    certificate = _certificate(request, pk)
    codes = scoped(CertificateCode, request.business).filter(certificate=certificate)
    include_used = request.GET.get("used") == "1"
    if not include_used:
        codes = codes.filter(used_at__isnull=True)
    page = paginate(request, codes.order_by("id"), SHEET_PAGE)
    cells = [
        {"code": code, "svg": qr_svg(public_link(CERTIFICATE, code.code, request))}
        for code in page.object_list
    ]
    return render(
        request,
        "certificates/codes_print.html",
        {
            "certificate": certificate,
            "title": _("Codes of “%(name)s”") % {"name": certificate.name},
            "public_title": localized(certificate.title, request.LANGUAGE_CODE, certificate.name),
            "cells": cells,
            "page_obj": page,
            "include_used": include_used,
        },
    )


class SendForm(forms.Form):
    to = forms.CharField(
        label=gettext_lazy("Phone or e-mail"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=[("", gettext_lazy("The customer's"))] + list(settings.LANGUAGES),
        required=False,
    )


@coupon_panel_view
@require_POST
def certificate_send(request, pk):
    """Sends the certificate's link to a phone or an e-mail address."""
    certificate = _certificate(request, pk)
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            send_certificate(
                certificate=certificate,
                to=form.cleaned_data["to"],
                language=form.cleaned_data["language"],
            )
        except ValidationFailed as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The link is on its way to %(to)s.") % {"to": form.cleaned_data["to"]}
            )
    else:
        messages.error(request, _("Give a phone number or an e-mail address."))
    return redirect("panel:certificate_detail", pk=certificate.pk)
