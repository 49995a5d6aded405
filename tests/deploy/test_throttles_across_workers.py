"""R14: throttle counters hold across processes, and X-Forwarded-For buys no budget unless
the request comes from a trusted proxy. gunicorn with 2 workers serves the test database;
requests race from threads."""

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import _load_server as srv  # noqa: E402

pytestmark = [pytest.mark.django_db(transaction=True)]


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def serve(tmp_path):
    """Starts gunicorn (2 workers) with extra settings; yields (port, device key)."""
    servers = []

    def start(**settings):
        env = srv.server_env(database_url(), **settings)
        token = srv.seed(env, migrate=False)
        port = srv.free_port()
        servers.append(srv.start_gunicorn(env, port, workers=2, log=tmp_path / "g.log"))
        return port, token

    yield start
    for server in servers:
        srv.stop(server)
    connection.close()


def race(port, token, n, forwarded=None):
    def one(i):
        headers = {"X-Forwarded-For": forwarded(i)} if forwarded else {}
        status, _body = srv.call(port, token, "GET", f"coupons/NOPE-{i:04d}-ZZ", headers=headers)
        return status

    with ThreadPoolExecutor(max_workers=12) as pool:
        return sorted(pool.map(one, range(n)))


def test_the_code_budget_holds_exactly_over_two_workers(serve):
    port, token = serve(PERKLINE_THROTTLE_CODES="10/min")
    statuses = race(port, token, 40)
    # Per-process counters let 1.5-2x the limit through; shared ones exactly the limit.
    assert statuses.count(404) == 10, statuses
    assert statuses.count(429) == 30, statuses


def test_forged_forwarded_for_buys_nothing_from_an_untrusted_client(serve):
    port, token = serve(
        PERKLINE_THROTTLE_CODES="1000/min", PERKLINE_THROTTLE_CODES_ADDRESS="10/min"
    )
    statuses = race(port, token, 30, forwarded=lambda i: f"203.0.113.{i}")
    assert statuses.count(404) == 10, statuses


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(serve):
    port, token = serve(
        PERKLINE_THROTTLE_CODES="1000/min",
        PERKLINE_THROTTLE_CODES_ADDRESS="10/min",
        PERKLINE_TRUSTED_PROXIES="127.0.0.1",
    )
    # Three clients behind the proxy, 15 look-ups each: 10 pass for each of them.
    statuses = race(port, token, 45, forwarded=lambda i: f"198.51.100.{i % 3}")
    assert statuses.count(404) == 30, statuses
    # A client cannot smuggle an address in front of the proxy's own entry: the right-most
    # untrusted address is the client, whatever it wrote before it.
    statuses = race(port, token, 15, forwarded=lambda i: f"10.9.9.{i}, 198.51.100.0")
    assert statuses.count(404) == 0, statuses
