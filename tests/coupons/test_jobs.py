"""Background jobs: expiry, reminders, and the queued code jobs (django-q2 in sync mode)."""

from datetime import timedelta

from django.core.files.base import ContentFile

from coupons.models import CodeJob, Coupon, CouponEvent, CouponSeries
from coupons.services import expire_coupons, issue_coupons, send_expiry_reminders
from coupons.tasks import start_job
from customers.models import Notification
from tests.factories import T0, CouponSeriesFactory, CustomerCategoryFactory, EnrolmentFactory, at

S = Coupon.State


def test_expire_coupons_is_idempotent(series, customer):
    [held] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    [free] = issue_coupons(series=series, quantity=1, at=T0)  # no window: never expires
    [used] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    Coupon.objects.filter(pk=used.pk).update(state=S.REDEEMED)
    assert expire_coupons(now=held.valid_to) == 0  # the last instant is still valid
    assert expire_coupons(now=held.valid_to + timedelta(seconds=1)) == 1
    assert expire_coupons(now=held.valid_to + timedelta(seconds=1)) == 0
    states = dict(Coupon.objects.values_list("pk", "state"))
    assert states == {held.pk: S.EXPIRED, free.pk: S.FREE, used.pk: S.REDEEMED}
    event = CouponEvent.objects.get(coupon=held, to_state=S.EXPIRED)
    assert (event.from_state, event.actor_kind) == (S.IN_WALLET, "system")


def test_expire_in_batches(series, customer):
    issue_coupons(series=series, quantity=5, at=T0, customer=customer)
    assert expire_coupons(now=at(days=40), batch=2) == 5


def test_expiry_reminders_are_sent_once(program, customer, friend):
    series = CouponSeriesFactory(program=program, valid_days=10, expiry_reminder_hours=48)
    quiet = CouponSeriesFactory(program=program, valid_days=10)
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    issue_coupons(series=quiet, quantity=1, at=T0, customer=customer)
    issue_coupons(series=series, quantity=1, at=T0)  # free: nobody to remind
    assert send_expiry_reminders(now=at(days=7)) == 0  # more than 48 h before expiry
    when = coupon.valid_to - timedelta(hours=47)
    assert send_expiry_reminders(now=when) == 1
    assert send_expiry_reminders(now=when + timedelta(hours=1)) == 0
    [message] = Notification.objects.all()
    assert message.customer == customer and message.kind == "coupon_expiring"
    assert coupon.code in message.body
    assert message.dedupe_key == f"coupon-expiry:{coupon.pk}"
    assert send_expiry_reminders(now=coupon.valid_to + timedelta(hours=1)) == 0


def test_generate_job(program, django_capture_on_commit_callbacks):
    series = CouponSeriesFactory(program=program, code_mode=CouponSeries.CodeMode.PREGENERATED)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(series=series, kind=CodeJob.Kind.GENERATE, params={"count": 250})
    job.refresh_from_db()
    assert (job.state, job.total, job.done) == (CodeJob.State.DONE, 250, 250)
    assert job.finished_at is not None
    assert Coupon.objects.filter(series=series, is_stock=True).count() == 250


def test_import_job_saves_the_rejected_lines(program, django_capture_on_commit_callbacks):
    series = CouponSeriesFactory(program=program, code_mode=CouponSeries.CodeMode.IMPORTED)
    source = ContentFile(b"ABCD-1234\nabcd1234\nx\nEFGH5678\n", name="codes.txt")
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(series=series, kind=CodeJob.Kind.IMPORT, source=source)
    job.refresh_from_db()
    assert (job.state, job.accepted, job.rejected) == (CodeJob.State.DONE, 2, 2)
    with job.rejected_file.open("rb") as f:
        assert f.read().decode().splitlines() == [
            "line,code,reason",
            "2,abcd1234,duplicate_in_file",
            "3,x,bad_format",
        ]


def test_failed_job_records_the_reason(program, django_capture_on_commit_callbacks):
    series = CouponSeriesFactory(program=program)  # on_issue: nothing to generate
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(series=series, kind=CodeJob.Kind.GENERATE, params={"count": 5})
    job.refresh_from_db()
    assert job.state == CodeJob.State.FAILED and "pregenerated" in job.error


def test_issue_job_to_a_category(program, make_customer, django_capture_on_commit_callbacks):
    vip = CustomerCategoryFactory(program=program, key="vip")
    members = [make_customer() for _ in range(3)]
    for member in members[:2]:
        member.enrolments.update(category=vip)
    series = CouponSeriesFactory(program=program, inventory=1)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(series=series, kind=CodeJob.Kind.ISSUE, params={"category": vip.pk})
    job.refresh_from_db()
    assert (job.state, job.total, job.accepted, job.rejected) == (CodeJob.State.DONE, 2, 1, 1)
    assert Coupon.objects.filter(customer__in=members[:2]).count() == 1
    assert Notification.objects.filter(kind="coupon_issued").count() == 1
    assert EnrolmentFactory._meta.model.objects.filter(category=vip).count() == 2
