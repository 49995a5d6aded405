"""Start and stop the app under gunicorn for the load benchmark, the fault tests and the
scale demo: production-like settings on loopback, a seeded load program and device key."""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = os.environ.get("PY", str(ROOT / ".venv" / "bin" / "python"))
GUNICORN = str(Path(PY).parent / "gunicorn")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _load_program import phones, program_document  # noqa: E402

SLUG = "load-bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, **extra: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": "load-bench-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def seed(env: dict, *, migrate: bool = True, issue_coupons: bool = True) -> str:
    """Migrate, import the load program (idempotent) and issue a terminal key: the key."""
    if migrate:
        manage(env, "migrate", "--noinput", "-v", "0")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(program_document(issue_coupons=issue_coupons), handle)
    try:
        manage(
            env,
            "import_program",
            handle.name,
            "--business",
            SLUG,
            "--create-business",
            "--name",
            "Load bench",
        )
    finally:
        os.unlink(handle.name)
    out = manage(
        env,
        "issue_device_token",
        "--business",
        SLUG,
        "--pos",
        "main",
        "--kind",
        "terminal",
        "--name",
        "load",
    )
    return out.strip().splitlines()[-1]


def start_gunicorn(
    env: dict,
    port: int,
    *,
    workers: int = 2,
    worker_class: str = "sync",
    threads: int = 1,
    log: Path | None = None,
) -> subprocess.Popen:
    args = [
        GUNICORN,
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--backlog",
        "256",
        "--timeout",
        "30",
        "--graceful-timeout",
        "5",
        "--keep-alive",
        "5",
    ]
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (the child keeps it)
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    wait_ready(port, proc)
    return proc


def wait_ready(port: int, proc: subprocess.Popen | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/terminal/ping", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers (401 without a key): up
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} did not answer within {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def worker_pids(master: int) -> list[int]:
    """Children of the gunicorn master, read from /proc (no process-name matching)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == master:
            pids.append(int(entry.name))
    return sorted(pids)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def call(
    port: int,
    token: str,
    method: str,
    path: str,
    body: dict | None = None,
    headers: dict | None = None,
    timeout: float = 10,
) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/terminal/{path}",
        data=data,
        method=method,
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def payments_call(env: dict, call: str) -> str:
    """LOAD_MIX=payments: `call` of bench/_load_payments.py inside Django; its printed line."""
    code = (
        "import sys; sys.path.insert(0, 'bench'); import _load_payments; "
        f"print(_load_payments.{call})"
    )
    return manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1]


def fund_payments(env: dict, phone_count: int) -> str:
    """The wallets and gift cards the `payments` mix pays from."""
    return payments_call(env, f"fund({SLUG!r}, {int(phone_count)})")


def register_customers(port: int, token: str, count: int) -> None:
    for phone in phones(count):
        status, body = call(port, token, "POST", "customers", {"phone": phone})
        if status not in (200, 201):
            raise RuntimeError(f"registering {phone}: {status} {body}")
