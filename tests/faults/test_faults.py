"""R5 (quality.md): a worker killed with SIGKILL during a confirm load, and PostgreSQL
restarted during load. Afterwards: no partial sale, `check_ledger` clean, the service
answers again by itself, and the clients saw only clean errors."""

import json
import os
import random
import signal
import subprocess
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum

from customers.models import LedgerEntry
from loyalty.models import Business, IdempotencyRecord, Sale

from .conftest import POSITIONS, Load, check_body, confirm_once, srv

pytestmark = [pytest.mark.faults]


def retry_until_answered(app, outcome, seconds: float = 30):
    """Send an unanswered confirm again with its key and body: the stored answer if the
    first one was committed, a new sale if it was not, never a second sale."""
    deadline = time.monotonic() + seconds
    while True:
        again = confirm_once(app.port, app.token, outcome.key, outcome.body)
        if again.kind == "ok" or time.monotonic() > deadline:
            return again
        time.sleep(0.5)


def assert_consistent(app, outcomes):
    kinds = Counter(o.kind for o in outcomes)
    statuses = Counter(o.status for o in outcomes if o.kind == "error")
    print(f"outcomes {dict(kinds)}, error statuses {dict(statuses)}")
    assert kinds["ok"] > 0
    half = [o for o in outcomes if o.kind == "half"]
    assert not half, f"half answers: {[(o.status, o.data) for o in half[:3]]}"
    refused = [o for o in outcomes if o.kind == "error" and o.status < 500]
    assert not refused, [o.data for o in refused[:3]]

    answered = {}
    for o in outcomes:
        final = o if o.kind == "ok" else retry_until_answered(app, o)
        assert final.kind == "ok", (final.kind, final.status, final.data)
        answered[o.key] = final.data["sale"]["id"]

    connection.close()  # the server may have restarted under this connection
    business = Business.objects.get(slug=srv.SLUG)
    sales = Sale.objects.filter(business=business)
    # one sale per key the clients sent, and nothing else
    assert set(sales.values_list("id", flat=True)) == set(answered.values())
    assert len(set(answered.values())) == len(answered)
    records = IdempotencyRecord.objects.filter(business=business, status_code=201)
    assert records.count() == sales.count()
    # every sale whole: its positions, and its credits in the ledger as its answer said
    counts = sales.annotate(n=Count("positions")).values_list("n", flat=True)
    assert set(counts) == {POSITIONS}
    stored = (json.loads(r.answer) for r in records.select_related("sale"))
    bodies = {body["sale"]["id"]: body for body in stored}
    entries = dict(
        LedgerEntry.objects.filter(sale__in=sales, kind=LedgerEntry.Kind.CREDIT)
        .values_list("sale_id")
        .annotate(total=Sum("amount"))
    )
    for sale in sales.filter(customer__isnull=False):
        said = sum((Decimal(c["amount"]) for c in bodies[sale.pk]["credits"]), Decimal("0"))
        assert entries.get(sale.pk, Decimal("0")) == said, sale.pk
    assert not LedgerEntry.objects.filter(sale__in=sales.filter(customer__isnull=True)).exists()

    ledger = subprocess.run(
        [srv.PY, "manage.py", "check_ledger"],
        cwd=srv.ROOT,
        env=app.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ledger.returncode == 0, ledger.stdout + ledger.stderr


def answers_again(app, key: str, seconds: float = 30):
    """The first successful confirm after the fault (one key: retries make one sale)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        probe = confirm_once(app.port, app.token, key, PROBE)
        if probe.kind == "ok":
            return probe
        time.sleep(0.5)
    return None


PROBE = check_body(random.Random(99), phone=None, positions=POSITIONS)


def test_worker_killed_with_sigkill_during_confirm_load(app):
    first = app.workers()
    assert len(first) == 2
    with Load(app) as load:
        time.sleep(3)
        os.kill(first[0], signal.SIGKILL)
        time.sleep(3)
        os.kill(first[1], signal.SIGKILL)
        time.sleep(4)
    # gunicorn's master replaced both: the service answers by itself
    probe = answers_again(app, "after-kill")
    assert probe is not None
    now = app.workers()
    assert len(now) == 2 and not set(now) & set(first)
    assert_consistent(app, [*load.outcomes, probe])  # the probe is a sale too


def test_postgres_restarted_during_confirm_load(app):
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data_dir = cursor.fetchone()[0]
    pg_ctl = [os.path.join(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"), "pg_ctl")]
    if os.getuid() == 0:  # the cluster belongs to the postgres user (scripts/pg_test.sh)
        pg_ctl = ["runuser", "-u", "postgres", "--", *pg_ctl]
    # its own log file: without one the new server holds our stdout pipe open
    log = os.path.join(os.path.dirname(data_dir), "restart.log")
    workers = app.workers()
    with Load(app) as load:
        time.sleep(3)
        subprocess.run(
            [*pg_ctl, "-D", data_dir, "-l", log, "-m", "fast", "-w", "-t", "60", "restart"],
            check=True,
            capture_output=True,
            timeout=90,
        )
        time.sleep(5)
    connection.close()
    # the same workers answer again: no restart of gunicorn was needed
    probe = answers_again(app, "after-restart")
    assert probe is not None
    assert app.workers() == workers
    assert_consistent(app, [*load.outcomes, probe])
