"""Background jobs (django-q2): code generation, imports, issue to many customers, expiry.

``start_job`` records a CodeJob and queues it once the surrounding transaction commits;
the panel follows ``job.state`` and ``job.done`` / ``job.total``.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from core.errors import DomainError, ValidationFailed

from . import imports, services
from .models import CodeJob

log = logging.getLogger(__name__)


def start_job(
    *, series, kind: str, params: dict | None = None, source=None, created_by=None
) -> CodeJob:
    """Record and queue a job over ``series``.

    - ``generate``: ``params={"count": n}`` stock codes for a pregenerated series;
    - ``import``: ``source`` is the uploaded file (CSV or plain text) of external codes;
    - ``issue``: ``params={"customer_ids": [...]}`` or ``{"category": id}``, with optional
      ``"quantity"`` (default 1) and ``"notify"`` (default true).
    """
    if kind not in CodeJob.Kind.values:
        raise ValidationFailed(f"unknown job kind {kind!r}", field="kind")
    job = CodeJob(
        business_id=series.business_id,
        series=series,
        kind=kind,
        params=params or {},
        created_by=created_by,
    )
    if source is not None:
        job.source.save(getattr(source, "name", None) or "codes.csv", source, save=False)
    job.save()
    transaction.on_commit(lambda: async_task("coupons.tasks.run_code_job", job.pk))
    return job


def run_code_job(job_id: int) -> None:
    job = CodeJob.objects.select_related("series", "series__business").get(pk=job_id)
    if job.state not in (CodeJob.State.QUEUED, CodeJob.State.FAILED):
        return  # already ran (a retried task must not run twice)
    job.state = CodeJob.State.RUNNING
    job.save(update_fields=["state"])
    try:
        _run(job)
    except DomainError as exc:
        _finish(job, CodeJob.State.FAILED, exc.message)
    except Exception as exc:
        log.exception("code job %s failed", job.pk)
        _finish(job, CodeJob.State.FAILED, str(exc) or exc.__class__.__name__)
    else:
        _finish(job, CodeJob.State.DONE)


def _run(job):
    series = job.series
    if job.kind == CodeJob.Kind.GENERATE:
        imports.generate_pregenerated(series=series, count=job.params.get("count", 0), job=job)
    elif job.kind == CodeJob.Kind.IMPORT:
        with job.source.open("rb") as source:
            imports.import_codes(series=series, file=source, job=job)
    elif job.kind == CodeJob.Kind.ISSUE:
        services.issue_to_customers(
            series=series,
            customers=_job_customers(job),
            quantity=int(job.params.get("quantity", 1)),
            staff=job.created_by,
            notify=bool(job.params.get("notify", True)),
            job=job,
        )


def _job_customers(job):
    from customers.models import Customer

    customers = Customer.objects.filter(business_id=job.business_id).order_by("pk")
    if "customer_ids" in job.params:
        return customers.filter(pk__in=job.params["customer_ids"])
    return customers.filter(
        enrolments__program_id=job.series.program_id,
        enrolments__category_id=job.params["category"],
    )


def _finish(job, state, error=""):
    job.state, job.error, job.finished_at = state, error, timezone.now()
    job.save(update_fields=["state", "error", "finished_at"])


def expire_coupons_task() -> int:
    return services.expire_coupons()


def send_expiry_reminders_task() -> int:
    return services.send_expiry_reminders()
