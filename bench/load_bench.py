"""P2 and P6 benchmarks (quality.md): the terminal API over HTTP under gunicorn with 2
workers on PostgreSQL, 16 concurrent clients for LOAD_SECONDS (default 60) on `ping`,
`checks/evaluate` and `checks` (confirm: a new Idempotency-Key each, anonymous and
identified customers mixed), 50 active rules and 10 positions a check. Prints rates,
p50/p99, the ratios to ping, and the RSS of every worker afterwards.

    scripts/pg_test.sh .venv/bin/python bench/load_bench.py     (make bench runs it)

Environment: DATABASE_URL (PostgreSQL; required), LOAD_SECONDS, LOAD_CLIENTS (16),
GUNICORN_WORKER_CLASS (sync | gthread), GUNICORN_THREADS (gthread only), CONN_MAX_AGE,
LOAD_ISSUE_COUPONS=0 (the issue rules become credit rules: what coupon issuing costs),
LOAD_MIX: `spec` (quality.md's customers, the default), `half` (the mix before 2026-12-06),
`payments` (the spec's customers, and 1 check in 5 pays 5.00 from a returning customer's
wallet or, for the others, from one of 200 gift cards: issue 17's P2 load).
The load generator runs as a separate process (bench/_load_client.py).
"""

import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _load_server as srv  # noqa: E402

BARS = {"evaluate": 300, "confirm": 150}
RATIO_BARS = {"evaluate": 0.5, "confirm": 0.3}
P99_BAR_MS = 150
RSS_BAR_MB = 150
# The identified half of the checks is spread over this many registered customers; each
# identified confirm adds a sale to the history that the next check of the same customer
# aggregates (LOAD_CUSTOMERS to change it).
PHONES = int(os.environ.get("LOAD_CUSTOMERS", "200"))


def machine() -> str:
    model = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return (
        f"{os.cpu_count()} CPU ({model}), {mem_kb / 1024 / 1024:.0f} GiB RAM, "
        f"Python {platform.python_version()}"
    )


def cpu_seconds(pid: int, reaped: bool = False) -> float:
    """User and system CPU of a process; with `reaped`, also of its children that ended."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = values[3] + values[4]
    return (sum(values) - idle) / tick, sum(values) / tick


def postgres_pids(database_url: str) -> list[int]:
    """The postmaster serving DATABASE_URL's port (found by its command line) and its
    backends, to tell PostgreSQL's CPU from the other processes on the machine."""
    port = urlsplit(database_url).port or 5432
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"postgres") and str(port).encode() in argv:
            return [int(entry.name), *srv.worker_pids(int(entry.name))]
    return []


def cpu_of(pids) -> float:
    """CPU of the postmaster (with the backends it reaped: connections older than
    CONN_MAX_AGE are replaced during a run) and of its live backends."""
    total = 0.0
    for n, pid in enumerate(pids):
        with contextlib.suppress(OSError):  # a backend that ended
            total += cpu_seconds(pid, reaped=n == 0)
    return total


def run_load(
    port: int,
    token: str,
    scenario: str,
    seconds: float,
    clients: int,
    workers=(),
    db_url="",
    mix: str = "half",
) -> dict:
    """One scenario; also where the machine's CPU went: workers, load generator, the rest
    (PostgreSQL mostly), so that a 2-core figure can be read."""
    before = {pid: cpu_seconds(pid) for pid in workers}
    pg0 = postgres_pids(db_url) if db_url else []
    pg_before = cpu_of(pg0)  # postmaster first
    busy0, total0 = machine_busy()
    children0 = os.times().children_user + os.times().children_system
    done = subprocess.run(
        [srv.PY, str(Path(__file__).with_name("_load_client.py")), "--port", str(port),
         f"--token={token}", "--scenario", scenario, "--seconds", str(seconds),
         "--clients", str(clients), "--phones", str(PHONES), "--mix", mix],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    busy1, total1 = machine_busy()
    wall = total1 - total0 or 1
    client = os.times().children_user + os.times().children_system - children0
    served = sum(cpu_seconds(pid) - before[pid] for pid in workers if Path(f"/proc/{pid}").exists())
    # backends started during the run count from zero; those that ended are in the
    # postmaster's reaped time (with their CPU from before the run: a slight overcount)
    pg1 = postgres_pids(db_url) if db_url else []
    postgres = cpu_of(pg1[:1] + sorted(set(pg0[1:]) | set(pg1[1:]))) - pg_before
    # CPU the app and the database spent per answered request: less sensitive than the rate
    # to what other processes take from the 2 cores meanwhile.
    result["cpu_ms"] = round(1000 * (served + postgres) / max(result["requests"], 1), 2)
    # shares of the machine's total CPU time (2 cores = 100%)
    result["cpu"] = {
        "busy": round(100 * (busy1 - busy0) / wall),
        "workers": round(100 * served / wall),
        "client": round(100 * client / wall),
        "postgres": round(100 * postgres / wall),
        "rest": round(100 * (busy1 - busy0 - served - client - postgres) / wall),
    }
    return result


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("load_bench: needs DATABASE_URL of a PostgreSQL server (make bench); skipped")
        return 0
    seconds = float(os.environ.get("LOAD_SECONDS", "60"))
    clients = int(os.environ.get("LOAD_CLIENTS", "16"))
    worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
    threads = int(os.environ.get("GUNICORN_THREADS", "4" if worker_class == "gthread" else "1"))
    env = srv.server_env(database_url)
    issue = os.environ.get("LOAD_ISSUE_COUPONS", "1") != "0"
    # A subset for profiling runs (e.g. LOAD_SCENARIOS=confirm); the ratios need ping.
    scenarios = os.environ.get("LOAD_SCENARIOS", "ping,evaluate,confirm").split(",")
    mix = os.environ.get("LOAD_MIX", "spec")  # "half": the mix before 2026-12-06
    if mix not in ("spec", "half", "payments"):
        print(f"load_bench: LOAD_MIX must be spec, half or payments, not {mix!r}")
        return 2

    print(f"P2/P6 load: {machine()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"gunicorn 2 workers ({worker_class}, threads {threads}), CONN_MAX_AGE "
        f"{env.get('CONN_MAX_AGE', 'default')}, {clients} clients x {seconds:g} s a scenario, "
        f"50 rules ({'with' if issue else 'WITHOUT'} coupon issue rules), 10 positions, "
        + (
            "mix: 1/10 anonymous, 4/10 from 50 returning customers with history, "
            "5/10 from 1,000 new phones"
            + (
                "; 1 check in 5 pays 5.00 from a wallet (returning customers) or a gift card"
                if mix == "payments"
                else ""
            )
            if mix in ("spec", "payments")
            else "mix: half anonymous, half from 200 customers"
        )
    )
    token = srv.seed(env, issue_coupons=issue)
    port = srv.free_port()
    log = Path(tempfile.gettempdir()) / f"load-bench-gunicorn-{port}.log"
    server = srv.start_gunicorn(env, port, worker_class=worker_class, threads=threads, log=log)
    results = {}
    try:
        srv.register_customers(port, token, PHONES)
        if mix == "payments":
            print(srv.fund_payments(env, PHONES))
        # Warm every worker's caches; the warm-up confirms give the returning customers
        # their history (and register some of the new phones, as a till's day would).
        for scenario in ("ping", "evaluate", "confirm"):
            run_load(port, token, scenario, min(3.0, seconds), clients, mix=mix)
        workers = srv.worker_pids(server.pid)
        for scenario in scenarios:
            results[scenario] = run_load(
                port, token, scenario, seconds, clients, workers, database_url, mix=mix
            )
        rss = {pid: srv.rss_mb(pid) for pid in workers}
    finally:
        srv.stop(server)
    ledger = subprocess.run(
        [srv.PY, "manage.py", "check_ledger"], cwd=srv.ROOT, env=env, capture_output=True,
        text=True,
    )  # fmt: skip

    failed = []
    ping_rate = results["ping"]["rate"] if "ping" in results else 0
    ping_rate = ping_rate or float("nan")
    print(
        f"{'scenario':<10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'x ping':>8}"
        "  statuses"
    )
    for scenario, r in results.items():
        ratio = r["rate"] / ping_rate
        print(
            f"{scenario:<10}{r['rate']:>9.1f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
            f"{r['max_ms']:>9.1f}{ratio:>8.2f}  {r['statuses']} {r['errors'] or ''}"
        )
        cpu = r["cpu"]
        print(
            f"{'':<10}CPU of the machine: {cpu['busy']}% busy = workers {cpu['workers']}% + "
            f"load generator {cpu['client']}% + PostgreSQL {cpu['postgres']}% + "
            f"other processes {cpu['rest']}%"
        )
        for sample in r["error_samples"]:
            print(f"    error answer: {sample}")
        if scenario in BARS:
            if r["rate"] < BARS[scenario]:
                failed.append(f"{scenario} {r['rate']}/s < {BARS[scenario]}/s")
            if ratio < RATIO_BARS[scenario]:
                failed.append(f"{scenario} {ratio:.2f}x ping < {RATIO_BARS[scenario]}x")
            if r["p99_ms"] > P99_BAR_MS:
                failed.append(f"{scenario} p99 {r['p99_ms']} ms > {P99_BAR_MS} ms")
            if r["p99_ms"] > 3 * r["p50_ms"]:
                failed.append(f"{scenario} p99 {r['p99_ms']} ms > 3x p50 {r['p50_ms']} ms")
            if r["statuses"].keys() - {"200", "201"} or r["errors"]:
                failed.append(f"{scenario} had failed requests")
    for pid, mb in rss.items():
        print(f"worker {pid}: VmRSS {mb:.1f} MB")
        if mb > RSS_BAR_MB:
            failed.append(f"worker {pid} {mb:.1f} MB > {RSS_BAR_MB} MB")
    if mix == "payments":
        print(srv.payments_call(env, f"paid({srv.SLUG!r})"))
    print(f"check_ledger: exit {ledger.returncode} {ledger.stdout.strip()[-200:]}")
    if ledger.returncode != 0:
        failed.append("check_ledger found mismatches")
    # Figures are reported, not enforced: a bench never fails the build (quality.md).
    print("bars: all met" if not failed else "bars NOT met: " + "; ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
