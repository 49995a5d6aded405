"""Issue 21's bar: the owner's report pages answer in <= 300 ms median with 1,000,000 sales
loaded, with a constant number of queries per page.

The days before today are folded first, as the scheduled job does (loyalty.services.
report_days.fold, timed and printed); today is counted from its sales on every request.

Runs against the PostgreSQL database in DATABASE_URL (a throwaway one: `make bench-reports`
gives it; it migrates it). Loads, set-based (`INSERT ... SELECT generate_series`, through
bench/_history_data.py):
- ~50,000 customers, 1,000,000 sales over the last 365 days (a fifth anonymous; every
  identified sale with a ledger credit and its lot, every 4th paid with points, 1 in 20
  cancelled), 1-5 lines each;
- the sales spread over 4 points of sale and 6 cashiers (every 7th from a connected till,
  no cashier);
- 3 coupon series: a coupon issued on every 10th identified sale, 40% of them redeemed on
  a later day (with their state-change events, as the series pages read them);
then VACUUM ANALYZE, and times each page through Django's test client (routing, view,
queries, template: everything but the network), 20 requests each after one warm-up: median,
p95 and the number of queries.

    scripts/pg_test.sh .venv/bin/python bench/reports_bench.py [--sales 1000000]
        [--customers 50000] [--runs 20] [--explain]
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import _history_data as data  # noqa: E402

BAR_MS = 300.0
POINTS_OF_SALE = 4
CASHIERS = 6
SERIES = 3


def load(*, customers, sales, log=print):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from coupons.models import CouponSeries
    from customers.figures_models import REFRESH_SQL
    from loyalty.models import Business, Membership, PointOfSale, Program, Sale

    business, _ = Business.objects.get_or_create(
        slug="bench-reports", defaults={"name": "Bench reports", "timezone": "Europe/Kyiv"}
    )
    program, _ = Program.objects.get_or_create(
        business=business, key="bench", defaults={"name": "Bench"}
    )
    users = get_user_model().objects
    owner, _ = users.get_or_create(username="owner@example.com", email="owner@example.com")
    Membership.objects.get_or_create(business=business, user=owner, defaults={"role": "owner"})
    places = [
        PointOfSale.objects.get_or_create(
            business=business, program=program, key=f"pos{i}", defaults={"name": f"Shop {i}"}
        )[0].pk
        for i in range(POINTS_OF_SALE)
    ]
    cashiers = []
    for i in range(CASHIERS):
        user, _ = users.get_or_create(
            username=f"cashier{i}@example.com", email=f"cashier{i}@example.com"
        )
        Membership.objects.get_or_create(business=business, user=user, defaults={"role": "cashier"})
        cashiers.append(user.pk)
    series = [
        CouponSeries.objects.get_or_create(
            business=business,
            program=program,
            key=f"series{i}",
            defaults={
                "name": f"Series {i}",
                "code_mode": "on_issue",
                "top_up_amount": "1.00",
                "validity_type": "relative",
                "valid_days": 60,
            },
        )[0].pk
        for i in range(SERIES)
    ]
    if Sale.objects.filter(business=business).exists():
        return business, owner
    started = time.perf_counter()
    with connection.cursor() as cursor:
        defaults = _temporary_defaults(cursor)
        loaded = data.load(
            cursor,
            business_id=business.pk,
            program_id=program.pk,
            point_of_sale_id=places[0],
            device_id=None,
            category_id=None,
            rules=[],
            customers=customers,
            sales=sales,
            rich_phones=[],
            rules_per_sale=0,
            days=365,
            log=log,
        )
        db = data.Loader(cursor, log=log)
        db.sql("", "SET session_replication_role = replica")
        db.sql(
            "sales: points of sale, cashiers",
            """
            UPDATE loyalty_sale SET
                point_of_sale_id = (%(places)s::bigint[])[1 + id %% cardinality(%(places)s)],
                staff_id = CASE WHEN id %% 7 = 0 THEN NULL
                    ELSE (%(staff)s::int[])[1 + (id / 7) %% cardinality(%(staff)s)] END
            WHERE business_id = %(biz)s
            """,
            {"places": places, "staff": cashiers, "biz": business.pk},
        )
        p = {"biz": business.pk, "series": series}
        db.sql(
            "coupons",
            """
            INSERT INTO coupons_coupon (business_id, series_id, code, code_norm, is_stock,
                state, state_before_redeem, valid_from, valid_to, issued_at, claimed_at,
                redeemed_at, created_at, customer_id, issued_by_sale_id)
            SELECT %(biz)s, (%(series)s::bigint[])[1 + s.id %% cardinality(%(series)s)],
                'BR' || s.id, 'BR' || s.id, false,
                CASE WHEN r.at IS NULL THEN 'in_wallet' ELSE 'redeemed' END,
                CASE WHEN r.at IS NULL THEN '' ELSE 'in_wallet' END,
                s.time, s.time + interval '60 days', s.time, s.time, r.at, s.time,
                s.customer_id, s.id
            FROM loyalty_sale s CROSS JOIN LATERAL (
                SELECT CASE WHEN s.id %% 5 < 2
                    AND s.time + make_interval(days => 1 + (s.id %% 30)::int) < now()
                    THEN s.time + make_interval(days => 1 + (s.id %% 30)::int) END AS at
            ) r
            WHERE s.business_id = %(biz)s AND s.customer_id IS NOT NULL
                AND s.status = 'completed' AND s.id %% 10 = 0
            """,
            p,
        )
        db.sql(
            "coupon events",
            """
            INSERT INTO coupons_couponevent (business_id, coupon_id, series_id, customer_id,
                from_state, to_state, at, actor_kind, actor, sale_id)
            SELECT business_id, id, series_id, customer_id, 'free', 'in_wallet', issued_at,
                'system', '', issued_by_sale_id
            FROM coupons_coupon WHERE business_id = %(biz)s
            UNION ALL
            SELECT business_id, id, series_id, customer_id, 'in_wallet', 'redeemed',
                redeemed_at, 'system', '', NULL
            FROM coupons_coupon WHERE business_id = %(biz)s AND redeemed_at IS NOT NULL
            """,
            p,
        )
        db.sql("", "SET session_replication_role = DEFAULT")
        # the load ran with triggers off: count the customers' figures as the trigger would
        db.sql("customer figures", REFRESH_SQL)
        for table, column in defaults:
            cursor.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" DROP DEFAULT')
        for table in (
            "loyalty_sale", "coupons_coupon", "coupons_couponevent", "customers_customerfigures",
        ):  # fmt: skip
            db.sql(f"VACUUM ANALYZE {table}", f"VACUUM ANALYZE {table}")
        counts = data.table_counts(cursor)
    log(
        f"  loaded in {time.perf_counter() - started:.1f} s: {loaded['new_customers']:,} "
        f"customers, {loaded['identified_sales']:,} identified and "
        f"{loaded['anonymous_sales']:,} anonymous sales"
    )
    for table, (rows, size) in counts.items():
        log(f"  {table:<24}{rows:>14,} rows {size / 2**20:>10,.0f} MiB")
    return business, owner


TABLES = (*data.LOADED, "coupons_coupon", "coupons_couponevent")
EMPTY = {"boolean": "false", "jsonb": "'{}'", "json": "'{}'", "integer": "0", "bigint": "0",
         "smallint": "0", "numeric": "0", "timestamp with time zone": "now()",
         "date": "CURRENT_DATE"}  # fmt: skip


def _temporary_defaults(cursor):
    """Columns added after the history loader was written (NOT NULL, no default in the
    database: Django fills them) get an empty default for the load, dropped after it."""
    cursor.execute(
        """
        SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = ANY(%s) AND is_nullable = 'NO'
            AND column_default IS NULL AND is_identity = 'NO'
        """,
        [list(TABLES)],
    )
    added = []
    for table, column, kind in cursor.fetchall():
        value = EMPTY.get(kind, "''")
        cursor.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" SET DEFAULT {value}')
        added.append((table, column))
    return added


def pages(business):
    """(label, url, query) of every report page and the variants an owner uses."""
    from django.urls import reverse

    from coupons.views.common import today
    from loyalty.models import PointOfSale
    from loyalty.views.reports import presets

    day = today(business)
    reports, customers, home = (
        reverse("panel:report_index"),
        reverse("panel:customer_list"),
        reverse("panel:home"),
    )
    result = [("dashboard, 30 days", home, {})]
    result.append(
        ("dashboard, 365 days", home, {"from": str(day - timedelta(days=364)), "to": str(day)})
    )
    for label, a, b in presets(day):
        result.append((f"reports: {label}", reports, {"from": str(a), "to": str(b)}))
    year = {"from": str(day - timedelta(days=364)), "to": str(day)}
    month = {"from": str(day - timedelta(days=29)), "to": str(day)}
    result.append(("reports: 365 days", reports, year))
    first_pos = PointOfSale.objects.filter(business=business).order_by("pk").first()
    for label, extra in _report_variants():
        extra = {k: first_pos.pk if v == "__first_pos__" else v for k, v in extra.items()}
        result.append((f"reports: 30 days, {label}", reports, {**month, **extra}))
    for sort in ("", *_customer_sorts()):
        result.append((f"customers: sort {sort or 'newest'}", customers, {"sort": sort}))
    result.append(("customers: page 40", customers, {"page": "40"}))
    result.append(("customers: search name", customers, {"q": "olena"}))
    result.append(("customers: search phone part", customers, {"q": "4567"}))
    for label, query in _customer_filters(business):
        result.append((f"customers: {label}", customers, query))
    return result


def _report_variants():
    """The report tables' sort and filter parameters, where the page has them."""
    try:
        from loyalty.selectors.report_tables import BENCH_VARIANTS
    except ImportError:
        return []
    return BENCH_VARIANTS


def _customer_sorts():
    from customers.views import CustomerList

    return list(CustomerList.SORTS)


def _customer_filters(business):
    try:
        from customers.segments import bench_filters
    except ImportError:
        return []
    return bench_filters(business)


def timed(client, url, query, runs):
    from django.db import connection

    queries = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append({"sql": sql, "time": time.perf_counter() - started})

    with connection.execute_wrapper(record):
        response = client.get(url, query)  # warm-up, and the page's queries
    assert response.status_code == 200, (url, query, response.status_code)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, query)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[max(int(len(samples) * 0.95) - 1, 0)]
    return statistics.median(samples), p95, queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sales", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="print slow pages' queries")
    parser.add_argument("--no-year", action="store_true", help="skip the 365-day ranges")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("reports bench: skipped (needs a PostgreSQL DATABASE_URL)")
        return
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    print(f"load average before: {os.getloadavg()}", flush=True)
    business, owner = load(
        customers=args.customers, sales=args.sales, log=lambda s: print(s, flush=True)
    )
    from loyalty.models import ReportDay
    from loyalty.services.report_days import fold

    # What the scheduled job does every 10 minutes: the days that are over, counted once.
    started = time.perf_counter()
    days = fold(business)
    print(
        f"fold: {days} days ({ReportDay.objects.filter(business=business).count()} rows) "
        f"in {time.perf_counter() - started:.1f} s; then again: ",
        end="",
        flush=True,
    )
    started = time.perf_counter()
    print(f"{fold(business)} days in {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)
    client = Client()
    client.force_login(owner)
    print(f"load average before timing: {os.getloadavg()}", flush=True)
    print(f"{'page':<48}{'median ms':>10}{'p95 ms':>9}{'queries':>9}")
    over = []
    for label, url, query in pages(business):
        if args.no_year and "365 days" in label:
            continue
        median, p95, queries = timed(client, url, query, args.runs)
        mark = "" if median <= BAR_MS else "  OVER"
        print(f"{label:<48}{median:>10.1f}{p95:>9.1f}{len(queries):>9}{mark}", flush=True)
        if median > BAR_MS:
            over.append(label)
        if args.explain and median > BAR_MS / 3:
            for q in sorted(queries, key=lambda q: -float(q["time"]))[:3]:
                print(f"    {float(q['time']) * 1000:8.1f} ms  {q['sql'][:300]}")
    print(f"load average after: {os.getloadavg()}")
    print(f"bar: median <= {BAR_MS:.0f} ms; " + (f"OVER: {over}" if over else "every page met"))


if __name__ == "__main__":
    main()
