"""Long work with visible progress: code generation, imports, bulk actions.

Each app keeps its own job model (what the job is about: a coupon series, a certificate)
built on the abstract :class:`Job`, and its own task function; this module gives them the
fields, the states, the progress the panel polls and the one way to queue and run them:

    job = CodeJob(series=series, kind="generate", params={"count": 500})
    queue(job, "coupons.tasks.run_code_job")            # after the transaction commits
    ...
    def run_code_job(job_id):                           # the django-q2 task
        run(CodeJob.objects.get(pk=job_id), lambda job: generate(job=job))

Inside the work, ``job.report(done=...)`` writes the progress; commit batches one by one
so that the panel sees it move.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task

from core.errors import DomainError

log = logging.getLogger(__name__)


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    FINISHED = (State.DONE, State.FAILED)

    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    params = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    def report(self, **fields: Any) -> None:
        """Record progress (``done``, ``total``, ``accepted``, ``rejected``) or the state at
        once, so that a page polling the job sees it while the work goes on."""
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=list(fields))

    def progress(self) -> dict[str, Any]:
        """What a progress bar shows, also as the JSON its page polls."""
        return {
            "id": self.pk,
            "state": self.state,
            "state_label": str(self.State(self.state).label),
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "finished": self.finished,
            "error": self.error,
        }


def queue(job: Job, task: str) -> Job:
    """Save ``job`` and hand ``task`` (a dotted path taking the job's id) to django-q2 once
    the surrounding transaction commits: the worker never looks for a job not yet saved."""
    job.save()
    transaction.on_commit(lambda: async_task(task, job.pk))
    return job


def run(job: Job, work: Callable[[Job], object]) -> None:
    """Run ``work(job)`` once, recording the state: a task delivered twice does nothing the
    second time, a failure is kept on the job with its message for the page to show."""
    if job.state not in (Job.State.QUEUED, Job.State.FAILED):
        return
    job.report(state=Job.State.RUNNING)
    try:
        work(job)
    except DomainError as exc:
        _finish(job, Job.State.FAILED, exc.message)
    except Exception as exc:
        # Kept on the job for the owner and logged for us; not raised again, or django-q2
        # would retry a job whose page already says it failed.
        log.exception("job %s %s failed", job._meta.label, job.pk)
        _finish(job, Job.State.FAILED, str(exc) or exc.__class__.__name__)
    else:
        _finish(job, Job.State.DONE)


def _finish(job: Job, state: str, error: str = "") -> None:
    job.report(state=state, error=error, finished_at=timezone.now())
