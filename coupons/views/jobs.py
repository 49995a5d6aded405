"""Issuing from the panel, code generation and imports, and the progress of their jobs.

Long work runs as a django-q2 job (``coupons.tasks.start_job``); its page polls a small
JSON endpoint every second and shows the counts when it is done.
"""

import csv
import io

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.errors import DomainError
from core.tenancy import get_scoped, scoped
from coupons.forms import (
    GenerateCodesForm,
    ImportCodesForm,
    IssueToCategoryForm,
    IssueToCustomerForm,
    pending_generation,
    raise_inventory,
)
from coupons.imports import REASONS
from coupons.models import CodeJob, CouponSeries
from coupons.selectors import codes_to_pregenerate, stock_count
from coupons.services import issue_coupons
from coupons.tasks import start_job
from customers.models import Customer

from .common import coupon_panel_view, posted

REASON_LABELS = {
    "bad_format": gettext_lazy("badly formatted"),
    "duplicate_in_file": gettext_lazy("repeated in the file"),
    "already_present": gettext_lazy("already present in the business"),
}


def _series(request, pk):
    return get_scoped(CouponSeries.objects.select_related("program"), request.business, pk=pk)


# -- issue -----------------------------------------------------------------------------------


@coupon_panel_view
def series_issue(request, pk):
    """Issue to one customer (at once) or to every customer of a category (a job)."""
    series = _series(request, pk)
    business = request.business
    action = request.POST.get("action") if request.method == "POST" else None
    one = IssueToCustomerForm(
        request.POST if action == "one" else None, business=business, prefix="one"
    )
    many = IssueToCategoryForm(
        request.POST if action == "category" else None,
        business=business,
        series=series,
        prefix="category",
    )
    if action == "one" and one.is_valid():
        response = _issue_to_one(request, series, one)
        if response is not None:
            return response
    elif action == "category" and many.is_valid():
        response = _issue_to_category(request, series, many)
        if response is not None:
            return response
    return render(
        request,
        "coupons/issue.html",
        {"series": series, "one": one, "many": many, "title": _("Issue coupons")},
    )


def _issue_to_one(request, series, form):
    data = form.cleaned_data
    try:
        coupons = issue_coupons(
            series=series,
            quantity=data["quantity"],
            at=timezone.now(),
            customer=form.customer,
            actor_kind="staff",
            actor=request.user.get_username(),
            staff=request.user,
            notify=data["notify"],
        )
    except DomainError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)
        return None
    messages.success(
        request,
        ngettext(
            "%(count)d coupon issued to %(customer)s.",
            "%(count)d coupons issued to %(customer)s.",
            len(coupons),
        )
        % {"count": len(coupons), "customer": form.customer},
    )
    if len(coupons) == 1:
        return redirect("panel:coupon_detail", pk=coupons[0].pk)
    return redirect("panel:series_coupons", pk=series.pk)


def _issue_to_category(request, series, form):
    category = form.cleaned_data["category"]
    people = scoped(Customer, request.business).filter(
        enrolments__program_id=series.program_id, enrolments__category=category
    )
    if not people.exists():
        form.add_error("category", _("Nobody is in this category yet."))
        return None
    if series.is_archived:
        form.add_error(None, _("This coupon series has been archived."))
        return None
    with transaction.atomic():
        job = start_job(
            series=series,
            kind=CodeJob.Kind.ISSUE,
            params={
                "category": category.pk,
                "quantity": form.cleaned_data["quantity"],
                "notify": form.cleaned_data["notify"],
            },
            created_by=request.user,
        )
    return redirect("panel:code_job", pk=job.pk)


# -- codes -----------------------------------------------------------------------------------


@coupon_panel_view
def series_generate(request, pk):
    """Pregenerated codes: "generate N more". Codes beyond the inventory raise it."""
    series = _series(request, pk)
    if series.code_mode != CouponSeries.CodeMode.PREGENERATED:
        raise Http404
    missing = max(codes_to_pregenerate(series) - pending_generation(series), 0)
    form = GenerateCodesForm(posted(request)[0], initial={"count": missing or 100})
    if request.method == "POST" and form.is_valid():
        count = form.cleaned_data["count"]
        with transaction.atomic():
            raise_inventory(series, max(count - missing, 0))
            job = start_job(
                series=series,
                kind=CodeJob.Kind.GENERATE,
                params={"count": count},
                created_by=request.user,
            )
        return redirect("panel:code_job", pk=job.pk)
    return render(
        request,
        "coupons/generate.html",
        {
            "series": series,
            "form": form,
            "missing": missing,
            "stock": stock_count(series),
            "title": _("Generate codes"),
        },
    )


@coupon_panel_view
def series_import(request, pk):
    """Imported codes: one job per uploaded file."""
    series = _series(request, pk)
    if series.code_mode != CouponSeries.CodeMode.IMPORTED:
        raise Http404
    form = ImportCodesForm(*posted(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            jobs = [
                start_job(
                    series=series, kind=CodeJob.Kind.IMPORT, source=f, created_by=request.user
                )
                for f in form.cleaned_data["files"]
            ]
        if len(jobs) == 1:
            return redirect("panel:code_job", pk=jobs[0].pk)
        return redirect("panel:series_jobs", pk=series.pk)
    return render(
        request,
        "coupons/import.html",
        {
            "series": series,
            "form": form,
            "stock": stock_count(series),
            "title": _("Import codes"),
            "example": "code\nSUMMER-7KQ2M9\nSUMMER-4TXD8P",
        },
    )


# -- job pages -------------------------------------------------------------------------------


def import_reasons(job) -> dict | None:
    """Rejected lines per reason of a finished import (read from its rejected-lines CSV)."""
    if job.kind != CodeJob.Kind.IMPORT or job.state != CodeJob.State.DONE:
        return None
    counts = dict.fromkeys(REASONS, 0)
    if job.rejected_file:
        with job.rejected_file.open("rb") as raw:
            for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")):
                if row.get("reason") in counts:
                    counts[row["reason"]] += 1
    return counts


def job_status(job) -> dict:
    """What the progress page shows, also as JSON: core.jobs' progress and an import's
    rejected lines by reason."""
    reasons = import_reasons(job)
    return {
        **job.progress(),
        "kind": job.kind,
        "reasons": reasons,
        "reason_rows": [[str(REASON_LABELS[k]), reasons[k]] for k in REASONS] if reasons else [],
        "rejected_url": reverse("panel:code_job_rejected", kwargs={"pk": job.pk})
        if job.rejected_file
        else None,
    }


def _job(request, pk):
    return get_scoped(
        CodeJob.objects.select_related("series", "series__program", "created_by"),
        request.business,
        pk=pk,
    )


@coupon_panel_view
def code_job(request, pk):
    job = _job(request, pk)
    return _jobs_page(request, job.series, [job], job.get_kind_display())


@coupon_panel_view
def series_jobs(request, pk):
    series = _series(request, pk)
    jobs = list(series.jobs.select_related("created_by").order_by("-created_at", "-id")[:20])
    return _jobs_page(request, series, jobs, _("Jobs of “%(name)s”") % {"name": series.name})


def _jobs_page(request, series, jobs, title):
    return render(
        request,
        "coupons/job.html",
        {
            "series": series,
            "jobs": [(job, job_status(job)) for job in jobs],
            "any_running": any(not job.finished for job in jobs),
            "title": title,
        },
    )


@coupon_panel_view
def code_job_progress(request, pk):
    """Polled every second by the progress bar: done / total / state."""
    response = JsonResponse(job_status(_job(request, pk)))
    response["Cache-Control"] = "no-store"
    return response


@coupon_panel_view
def code_job_rejected(request, pk):
    """The rejected lines of an import, with their reason, as CSV."""
    job = _job(request, pk)
    if not job.rejected_file:
        raise Http404
    return FileResponse(
        job.rejected_file.open("rb"),
        as_attachment=True,
        filename=f"rejected-{job.series.key}-{job.pk}.csv",
        content_type="text/csv",
    )
