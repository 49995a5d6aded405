"""Where a terminal request's time goes, in process: the load bench's program and bodies
sent through Django's test client on the database of DATABASE_URL, without the network
and gunicorn. Prints milliseconds and queries per request; with --profile, cProfile's
top functions; with --queries, the SQL of one request.

    scripts/pg_test.sh .venv/bin/python bench/profile_requests.py confirm [--profile|--queries]

Scenarios: ping, evaluate, confirm, lookup.
"""

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _load_server as srv  # noqa: E402
from _load_program import (  # noqa: E402
    PAYMENT_AMOUNT,
    WALLET,
    check_body,
    gift_card_codes,
    new_phones,
    phones,
    pick_phone,
)

API = "/api/v1/terminal"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=["ping", "evaluate", "confirm", "lookup"])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-out", help="with --profile: also save the stats here")
    parser.add_argument("--queries", action="store_true")
    parser.add_argument(
        "--who",
        choices=["half", "anonymous", "returning", "new", "spec"],
        default="half",
        help="whose checks: half anonymous (default), one kind, or quality.md's P2 mix",
    )
    parser.add_argument(
        "--pay",
        choices=["none", "wallet", "gift_card"],
        default="none",
        help="every check also pays 5.00 (LOAD_MIX=payments' entry): from a returning "
        "customer's wallet (with --who returning) or from a gift card",
    )
    parser.add_argument("--query-times", action="store_true")
    parser.add_argument(
        "--pg-stats",
        action="store_true",
        help="the server's time per statement (pg_stat_statements; run with PG_TEST_OPTIONS="
        '"-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on")',
    )
    args = parser.parse_args()

    env = srv.server_env(os.environ["DATABASE_URL"], ALLOWED_HOSTS="testserver")
    key = srv.seed(env)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    numbers = phones(200)
    for phone in numbers[:50]:
        client.post(f"{API}/customers", {"phone": phone}, content_type="application/json")
    rnd = random.Random(1)
    fresh = iter(new_phones(args.requests + 50))  # each registered by its first confirm

    def who(i):
        if args.who == "anonymous":
            return None
        if args.who == "returning":
            return numbers[i % 50]
        if args.who == "new":
            return next(fresh)
        if args.who == "spec":
            return pick_phone(rnd, "spec", numbers, new_phones())
        return numbers[i % 50] if i % 2 else None

    if args.pay != "none":  # the wallets and cards of LOAD_MIX=payments
        print(srv.fund_payments(env, 50))
    cards = gift_card_codes()

    def payment(i):
        if args.pay == "wallet":
            return {"account": WALLET, "amount": PAYMENT_AMOUNT}
        if args.pay == "gift_card":
            return {"gift_card": cards[i % len(cards)], "amount": PAYMENT_AMOUNT}
        return None

    bodies = [check_body(rnd, phone=who(i), payment=payment(i)) for i in range(args.requests + 50)]
    serial = iter(range(10**9))

    def send(body):
        if args.scenario == "ping":
            return client.get(f"{API}/ping")
        if args.scenario == "lookup":
            return client.get(f"{API}/customers/lookup", {"phone": numbers[next(serial) % 50]})
        if args.scenario == "evaluate":
            return client.post(f"{API}/checks/evaluate", body, content_type="application/json")
        return client.post(
            f"{API}/checks", body, content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"profile-{next(serial)}",
        )  # fmt: skip

    for body in bodies[:50]:  # warm caches (compiled rule set, connections)
        answer = send(body)
        assert answer.status_code in (200, 201), answer.content[:300]
    if args.queries:
        with CaptureQueriesContext(connection) as captured:
            send(bodies[50])
        for query in captured.captured_queries:
            print(f"{query['time']:>6} {query['sql'][:160]}")
        print(f"{len(captured.captured_queries)} queries")
        return 0
    if args.query_times:
        return query_times(args, send, bodies[50:])
    if args.pg_stats:
        return pg_stats(args, send, bodies[50:])
    profiler = cProfile.Profile() if args.profile else None
    times, cpu, counts = [], [], []
    executed = [0]

    def count(execute, sql, params, many, context):
        # Counted by a wrapper, not CaptureQueriesContext: its debug cursor costs time too.
        executed[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        for body in bodies[50:]:
            executed[0] = 0
            if profiler:
                profiler.enable()
            start, cpu_start = time.perf_counter(), time.process_time()
            send(body)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
            if profiler:
                profiler.disable()
            counts.append(executed[0])
    print(
        f"{args.scenario}: median {statistics.median(times) * 1000:.2f} ms, mean "
        f"{statistics.mean(times) * 1000:.2f} ms, this process's CPU mean "
        f"{statistics.mean(cpu) * 1000:.2f} ms, queries {min(counts)}-{max(counts)}, mean "
        f"{statistics.mean(counts):.2f}"
        f"{' (under cProfile)' if profiler else ''}"
    )
    if profiler:
        stats = pstats.Stats(profiler)
        if args.profile_out:
            stats.dump_stats(args.profile_out)
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(60)
    return 0


def query_times(args, send, bodies) -> int:
    """Mean wall time of each statement kind (its first 60 characters) per request."""
    from collections import defaultdict

    from django.db import connection

    spent: dict[str, list[float]] = defaultdict(list)

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[sql[:60]].append(time.perf_counter() - start)

    total = 0.0
    with connection.execute_wrapper(timed):
        for body in bodies:
            start = time.perf_counter()
            send(body)
            total += time.perf_counter() - start
    count = len(bodies)
    in_sql = sum(sum(v) for v in spent.values())
    print(
        f"{args.scenario}: {total / count * 1000:.2f} ms a request, in SQL "
        f"{in_sql / count * 1000:.2f} ms"
    )
    for sql, values in sorted(spent.items(), key=lambda kv: -sum(kv[1])):
        print(
            f"{sum(values) / count * 1000:7.3f} ms/req {len(values) / count:5.2f}x "
            f"{sum(values) / len(values) * 1000:6.3f} ms  {sql}"
        )
    return 0


def pg_stats(args, send, bodies) -> int:
    """PostgreSQL's own planning and execution time per statement, per request."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        cursor.execute("SELECT pg_stat_statements_reset()")
    for body in bodies:
        send(body)
    count = len(bodies)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT total_plan_time, total_exec_time, calls, query FROM pg_stat_statements "
            "WHERE query NOT LIKE '%%pg_stat_statements%%' "
            "ORDER BY total_plan_time + total_exec_time DESC"
        )
        rows = cursor.fetchall()
    plan = sum(r[0] for r in rows) / count
    execute = sum(r[1] for r in rows) / count
    print(
        f"{args.scenario}: server time a request: planning {plan:.3f} ms, executing "
        f"{execute:.3f} ms (statements of the whole run, ms per request)"
    )
    for plan_ms, exec_ms, calls, query in rows[:25]:
        text = " ".join(query.split())[:90]
        print(f"{plan_ms / count:7.3f} {exec_ms / count:7.3f} {calls / count:5.2f}x  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
