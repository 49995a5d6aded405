"""P5: with 1,000,000 coupons, the panel's coupon search and a series' 90-day chart.

Runs against the PostgreSQL database in DATABASE_URL (a throwaway one, as `make bench` gives:
it migrates it). Fills one series with 1,000,000 pregenerated codes, puts a third of them in
wallets and a sixth redeemed, with their state-change events spread over the last 90 days,
then times the pages through Django's test client (URL routing, the view, its queries and
the template: everything but the network).

    DATABASE_URL=postgres://... .venv/bin/python bench/panel_bench.py [--coupons 1000000]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")


def timed(call, runs):
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--coupons", type=int, default=1_000_000)
    parser.add_argument("--queries", action="store_true", help="print each page's queries")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("panel bench: skipped (needs a PostgreSQL DATABASE_URL)")
        return
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from coupons.imports import generate_pregenerated
    from coupons.models import Coupon, CouponSeries
    from loyalty.models import Business, Membership, Program

    call_command("migrate", verbosity=0)
    business, _ = Business.objects.get_or_create(
        slug="bench-panel", defaults={"name": "Bench panel", "timezone": "Europe/Kyiv"}
    )
    program, _ = Program.objects.get_or_create(
        business=business, key="bench", defaults={"name": "Bench"}
    )
    user, _ = get_user_model().objects.get_or_create(
        username="bench@example.com", defaults={"email": "bench@example.com"}
    )
    Membership.objects.get_or_create(business=business, user=user, defaults={"role": "owner"})
    series, _ = CouponSeries.objects.get_or_create(
        business=business,
        program=program,
        key="bench-million",
        defaults={
            "name": "A million coupons",
            "code_mode": "pregenerated",
            "inventory": args.coupons,
            "code_prefix": "PB",
            "code_length": 10,
            "code_group": 4,
            "top_up_amount": "1.00",
            "validity_type": "relative",
            "valid_days": 365,
        },
    )
    have = Coupon.objects.filter(series=series).count()
    started = time.perf_counter()
    if have < args.coupons:
        generate_pregenerated(series=series, count=args.coupons - have)
        with connection.cursor() as cursor:
            # A third reached wallets, a sixth were redeemed, over the last 90 days.
            cursor.execute(
                """
                UPDATE coupons_coupon SET is_stock = false,
                    state = CASE WHEN id %% 6 = 0 THEN 'redeemed' ELSE 'in_wallet' END,
                    claimed_at = now() - make_interval(days => (id %% 90)::int),
                    redeemed_at = CASE WHEN id %% 6 = 0
                        THEN now() - make_interval(days => (id %% 90)::int) END
                WHERE series_id = %s AND id %% 3 = 0
                """,
                [series.pk],
            )
            cursor.execute(
                """
                INSERT INTO coupons_couponevent
                    (business_id, coupon_id, series_id, from_state, to_state, at, actor_kind, actor)
                SELECT business_id, id, series_id, 'free', 'in_wallet', claimed_at, 'system', ''
                FROM coupons_coupon WHERE series_id = %s AND id %% 3 = 0
                UNION ALL
                SELECT business_id, id, series_id, 'in_wallet', 'redeemed', redeemed_at,
                    'system', ''
                FROM coupons_coupon WHERE series_id = %s AND id %% 6 = 0
                """,
                [series.pk, series.pk],
            )
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load
        CouponSeries.objects.filter(pk=series.pk).update(
            issued_count=Coupon.objects.filter(series=series, is_stock=False).count()
        )
    setup_s = time.perf_counter() - started
    total = Coupon.objects.filter(series=series).count()
    sample = Coupon.objects.filter(series=series, is_stock=False).order_by("?").first()

    client = Client()
    client.force_login(user)
    codes_url = reverse("panel:series_coupons", args=[series.pk])
    detail_url = reverse("panel:series_detail", args=[series.pk])
    today = timezone.localdate()
    chart_query = {
        "date_from": (today - timedelta(days=89)).isoformat(),
        "date_to": today.isoformat(),
    }
    client.get(detail_url, chart_query)  # warm caches as a running server has them
    search = timed(lambda: client.get(codes_url, {"q": sample.code.lower()}), 50)
    chart = timed(lambda: client.get(detail_url, chart_query), 20)
    listing = timed(lambda: client.get(codes_url), 20)
    print(f"P5 panel with {total:,} coupons in one series (setup {setup_s:.1f} s)")
    print(
        f"  coupon search by code     median {search[0]:7.1f} ms  p95 {search[1]:7.1f} ms"
        "  (bar: median <= 100 ms)"
    )
    print(
        f"  90-day chart (detail)     median {chart[0]:7.1f} ms  p95 {chart[1]:7.1f} ms"
        "  (bar: <= 300 ms)"
    )
    print(f"  coupon list, first page   median {listing[0]:7.1f} ms  p95 {listing[1]:7.1f} ms")
    if args.queries:
        from django.test.utils import CaptureQueriesContext

        for name, url, query in (("detail", detail_url, chart_query), ("list", codes_url, {})):
            with CaptureQueriesContext(connection) as captured:
                client.get(url, query)
            for q in captured.captured_queries:
                print(f"  {name} {float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}")


if __name__ == "__main__":
    main()
