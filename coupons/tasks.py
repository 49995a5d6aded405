"""Background jobs (django-q2): code generation, imports, issue to many customers, expiry.

``start_job`` records a CodeJob and queues it (core.jobs); the panel follows its progress.
"""

from django.utils import timezone

from core import jobs
from core.errors import ValidationFailed
from customers.models import Customer

from . import gifts, imports, services
from .models import CodeJob


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
    return jobs.queue(job, "coupons.tasks.run_code_job")


def run_code_job(job_id: int) -> None:
    jobs.run(CodeJob.objects.select_related("series", "series__business").get(pk=job_id), _run)


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
    customers = Customer.objects.filter(business_id=job.business_id).order_by("pk")
    if "customer_ids" in job.params:
        return customers.filter(pk__in=job.params["customer_ids"])
    return customers.filter(
        enrolments__program_id=job.series.program_id,
        enrolments__category_id=job.params["category"],
    )


def expire_coupons_task() -> int:
    return services.expire_coupons()


def send_expiry_reminders_task() -> int:
    return services.send_expiry_reminders()


def return_lapsed_gifts_task() -> int:
    """Scheduled: the "gift returned" message for gift links that lapsed unclaimed."""
    return gifts.return_lapsed_gifts(now=timezone.now())
