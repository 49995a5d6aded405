"""The fold and a write dated in the past, on real concurrent PostgreSQL connections: a fold
that starts while such a write is in flight waits for it and counts it, even when the day
is not folded yet (no state row to lock)."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction

from loyalty.models import ReportState
from loyalty.services.report_days import fold
from tests.factories import ProgramFactory

from .data import sale
from .test_report_days import noon, shown

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_fold_waits_for_a_past_dated_write_in_flight_and_counts_it():
    program = ProgramFactory(business__timezone="Europe/Kyiv")
    business = program.business
    sale(program, when=noon(6), amount="10.00")
    fold(business, now=noon(3) + timedelta(hours=1))  # the days before 3 days ago
    assert ReportState.objects.get(business=business).settled_until == noon(3).date()

    written, release, folded = threading.Event(), threading.Event(), threading.Event()

    def write():
        try:
            with transaction.atomic():  # a check of two days ago, confirmed late
                ReportState.unsettle(business_id=business.pk, at=noon(2))
                sale(program, when=noon(2), amount="25.00")
                written.set()
                release.wait(30)
        finally:
            connection.close()

    def run_fold():
        try:
            fold(business)
            folded.set()
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    assert written.wait(30)
    folder = threading.Thread(target=run_fold)
    folder.start()
    time.sleep(0.5)
    assert not folded.is_set()  # the fold waits for the write
    release.set()
    writer.join(30)
    folder.join(30)
    assert folded.is_set()

    state = ReportState.objects.get(business=business)
    assert state.settled_until > noon(2).date()  # the write's day is folded now...
    figures = shown(business, program)
    assert figures["reports"]["sales"] == 2  # ...with the write in it
    day = next(d for d in figures["dashboard"]["days"] if d["day"] == noon(2).date())
    assert day["amount"] == 25
