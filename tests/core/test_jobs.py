"""core.jobs: a job runs once, records its failure, and is queued only after the commit."""

import pytest

from core import jobs
from core.errors import ValidationFailed
from coupons.models import CodeJob
from tests.factories import CouponSeriesFactory

pytestmark = pytest.mark.django_db


def _job(**fields):
    series = CouponSeriesFactory()
    return CodeJob.objects.create(
        business=series.business, series=series, kind="generate", **fields
    )


def test_a_job_runs_once_even_when_its_task_is_delivered_twice():
    job, calls = _job(), []

    def work(job):
        calls.append(job.pk)
        job.report(total=3, done=3, accepted=3)

    jobs.run(job, work)
    jobs.run(job, work)
    job.refresh_from_db()
    assert calls == [job.pk]
    assert (job.state, job.percent, job.finished) == ("done", 100, True)
    assert job.finished_at is not None


def test_a_refusal_and_a_crash_end_failed_with_their_message():
    refused, crashed = _job(), _job()

    def refuse(job):
        raise ValidationFailed("The file is empty.", field="file")

    def crash(job):
        job.report(total=10, done=4)
        raise RuntimeError("disk full")

    jobs.run(refused, refuse)
    jobs.run(crashed, crash)
    refused.refresh_from_db()
    crashed.refresh_from_db()
    assert (refused.state, refused.error) == ("failed", "The file is empty.")
    assert (crashed.state, crashed.error, crashed.percent) == ("failed", "disk full", 40)
    assert crashed.progress()["state_label"] == "Failed"


def test_a_job_is_handed_to_the_queue_only_after_the_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(jobs, "async_task", lambda task, pk: queued.append((task, pk)))
    series = CouponSeriesFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        job = jobs.queue(CodeJob(business=series.business, series=series, kind="generate"), "x.run")
    assert job.pk is not None and queued == []  # saved, not yet handed over
    for callback in callbacks:
        callback()
    assert queued == [("x.run", job.pk)]
