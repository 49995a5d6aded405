"""R5 fault tests: the app under gunicorn on the test database, a confirm load from
threads, and a fault in the middle (a worker killed, PostgreSQL restarted).

Opt-in (PERKLINE_FAULT_TESTS=1) and PostgreSQL only: `make fault-tests` runs them on a
throwaway cluster (scripts/fault_tests.sh)."""

import http.client
import json
import os
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import _load_server as srv  # noqa: E402
from _load_program import check_body, idempotency_key, phones  # noqa: E402

CONFIRM = "/api/v1/terminal/checks"
POSITIONS = 10
PHONES = 30


def pytest_configure(config):
    config.addinivalue_line("markers", "faults: R5 fault injection (PERKLINE_FAULT_TESTS=1)")


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class App:
    """gunicorn (2 sync workers) serving the test database, with a seeded terminal key."""

    server: object
    port: int
    token: str
    env: dict

    def workers(self) -> list[int]:
        return srv.worker_pids(self.server.pid)


@pytest.fixture
def app(transactional_db, tmp_path):
    if os.environ.get("PERKLINE_FAULT_TESTS") != "1":
        pytest.skip("fault tests run with PERKLINE_FAULT_TESTS=1 (make fault-tests)")
    # The subprocesses see only committed rows: hence a transactional test database.
    env = srv.server_env(database_url(), CONN_MAX_AGE="60")
    token = srv.seed(env, migrate=False)
    port = srv.free_port()
    server = srv.start_gunicorn(env, port, workers=2, log=tmp_path / "gunicorn.log")
    try:
        srv.register_customers(port, token, PHONES)
        yield App(server, port, token, env)
    finally:
        srv.stop(server)
        connection.close()  # a restarted server leaves this process's connection dead


@dataclass
class Outcome:
    key: str
    body: bytes
    kind: str  # ok | error (the JSON error shape) | connection | half
    status: int | None = None
    data: object = None


def confirm_once(port: int, token: str, key: str, body: bytes, timeout: float = 30) -> Outcome:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {
        "Authorization": f"Token {token}",
        "Content-Type": "application/json",
        "Idempotency-Key": key,
    }
    try:
        conn.request("POST", CONFIRM, body=body, headers=headers)
        answer = conn.getresponse()
        status, raw = answer.status, answer.read()
    except http.client.IncompleteRead as exc:  # a status line, then a cut body
        return Outcome(key, body, "half", data=repr(exc))
    except (OSError, http.client.HTTPException) as exc:  # refused, reset, closed before a status
        return Outcome(key, body, "connection", data=repr(exc))
    finally:
        conn.close()
    try:
        data = json.loads(raw)
    except ValueError:
        return Outcome(key, body, "half", status, raw[:200])
    if status == 201 and isinstance(data, dict) and (data.get("sale") or {}).get("id"):
        return Outcome(key, body, "ok", status, data)
    error = data.get("error") if isinstance(data, dict) else None
    if status >= 400 and set(data) == {"error"} and {"code", "message", "field"} <= set(error):
        return Outcome(key, body, "error", status, data)
    return Outcome(key, body, "half", status, data)


@dataclass
class Load:
    """Confirms from threads, each a new key, until stopped."""

    app: App
    threads: int = 6
    outcomes: list = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def _run(self, n: int):
        rnd = random.Random(n)
        pool = phones(PHONES)
        while not self.stop.is_set():
            phone = rnd.choice(pool) if rnd.random() < 0.5 else None
            body = check_body(rnd, phone=phone, positions=POSITIONS)
            outcome = confirm_once(self.app.port, self.app.token, idempotency_key(), body)
            self.outcomes.append(outcome)
            if outcome.kind == "connection":
                time.sleep(0.05)

    def __enter__(self):
        self._threads = [threading.Thread(target=self._run, args=(n,)) for n in range(self.threads)]
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=60)
