"""Folding the report pages' days (loyalty.models.report_days): a django-q2 job counts each
business day once it is over and stores it, so that the dashboard and the reports page read
a year in one row per day instead of a year of sales (issue 21's bar, docs/benchmarks.md).

A day is folded only when it is final: over in the business's time zone, with no write of
it still in flight. Writes dated now cannot reach a folded day: the edge is `MARGIN` before
the start of the oldest transaction still running. Writes dated in the past (a cancel, a
check with its own `time`, points expiring after their date) call ReportState.unsettle in
their transaction; that and the fold exclude each other with an advisory lock, so neither
misses the other.
"""

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from certificates.models import Activation
from coupons.models import CouponEvent
from coupons.validity import business_tz, day_start
from customers.models import LedgerEntry
from loyalty.models import Business, ReportDay, ReportState, Sale
from loyalty.models.report_days import FOLD_LOCK
from loyalty.selectors.report_days import live_days

# How long before the oldest running transaction's start a day must have ended: a write's
# time is taken a moment before or after its transaction starts.
MARGIN = timedelta(minutes=5)


def fold(business, *, now=None) -> int:
    """Count and store the business's final days not stored yet (or moved back since);
    returns how many days were counted. Safe to run at any time, twice at once included."""
    now = now or timezone.now()
    tz = business_tz(business)
    ReportState.objects.get_or_create(business=business)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Alone: no past-dated write is in flight, and none starts until this commits.
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [FOLD_LOCK, business.pk])
        state = ReportState.objects.select_for_update().get(business=business)
        through = _final_before(now).astimezone(tz).date()
        if state.settled_until is None or state.timezone != business.timezone:
            # never folded, or counted in another time zone: every day again
            ReportDay.objects.filter(business=business).delete()
            first = _first_day(business, tz)
        else:
            first = state.settled_until
        days = 0
        if first is not None and first < through:
            figures = live_days(
                business=business, start=day_start(first, tz), end=day_start(through, tz)
            )
            ReportDay.objects.filter(business=business, day__gte=first).delete()
            ReportDay.objects.bulk_create(
                [
                    ReportDay(business=business, day=day, figures=day_figures.to_json())
                    for day, day_figures in sorted(figures.items())
                ],
                batch_size=500,
            )
            days = (through - first).days
        # Days before `through` with no row had nothing to count.
        state.settled_until = through
        state.timezone = business.timezone
        state.folded_at = now
        state.save()
    return days


def fold_all(*, now=None) -> int:
    """Every business's final days (the scheduled job); returns the days counted."""
    return sum(fold(business, now=now) for business in Business.objects.order_by("pk"))


def _final_before(now):
    """The moment before which every write is committed: `MARGIN` before now or before the
    start of the oldest transaction still running (the database's own clock)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            " AND xact_start IS NOT NULL"
        )
        (oldest,) = cursor.fetchone()
    return min(now, oldest or now) - MARGIN


def _first_day(business, tz):
    """The business's first day with anything to count (None: nothing yet)."""
    firsts = [
        Sale.objects.filter(business=business).aggregate(t=Min("time"))["t"],
        LedgerEntry.objects.filter(business=business).aggregate(t=Min("created_at"))["t"],
        CouponEvent.objects.filter(business=business).aggregate(t=Min("at"))["t"],
        Activation.objects.filter(business=business).aggregate(t=Min("at"))["t"],
    ]
    known = [t for t in firsts if t is not None]
    return min(known).astimezone(tz).date() if known else None
