"""Issue 19: a campaign to 100,000 customers enqueued as a job in under 60 s and 200 MB.

Runs against the PostgreSQL database in DATABASE_URL (a throwaway one: it migrates it and
leaves a business named "bench-campaign-..." behind). Each part runs in its own process, so
the peak RSS it reports (resource.getrusage) is that part's alone. The job part is what the
django-q2 worker runs: `coupons.campaigns.run_campaign` writing one outbox row per customer
(the sending itself is the outbox's, as for every message).

    DATABASE_URL=postgres://postgres@127.0.0.1:55438/perkline \\
        .venv/bin/python bench/campaign_bench.py [--customers 100000] [--with-coupon 10000]
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def load(n: int, tag: str) -> dict:
    """`n` customers who accepted messages, half of them in Ukrainian, written by
    PostgreSQL itself."""
    from django.db import connection

    from loyalty.models import Business, Program

    business = Business.objects.create(slug=f"bench-campaign-{tag}", name=f"Кав'ярня {tag}")
    Program.objects.create(business=business, key="bench", name="Bench")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO customers_customer (business_id, phone, card_code, name, email, language,
                notes, consent, channel, telegram_chat_id, viber_user_id, created_at)
            SELECT %s, '+38050' || lpad(i::text, 7, '0'), 'BC' || lpad(i::text, 10, '0'),
                   'Customer ' || i, '', CASE WHEN i %% 2 = 0 THEN 'uk' ELSE 'en' END, '',
                   true, 'sms', '', '', now() - interval '90 days'
            FROM generate_series(1, %s) AS i
            """,
            [business.pk, n],
        )
        cursor.execute("ANALYZE customers_customer")
    return {"business": business.pk, "seconds": round(time.perf_counter() - started, 1)}


def run(business_id: int, with_coupon: bool) -> dict:
    from django_q.conf import Conf

    from coupons import campaigns
    from coupons.models import CouponSeries
    from customers.models import Notification
    from loyalty.models import Business, Program, Rule

    campaigns._queue = lambda campaign: None  # the job runs here, timed
    Conf.SYNC = False  # the sender's wake is a queued job, as in production, not run inline
    business = Business.objects.get(pk=business_id)
    series = None
    if with_coupon:
        program = Program.objects.get(business=business, key="bench")
        rule = Rule.objects.create(
            business=business,
            program=program,
            name="10%",
            mode=Rule.Mode.COUPON,
            action=Rule.Action.DISCOUNT_CHECK_PERCENT,
            value="10",
        )
        series = CouponSeries.objects.create(
            business=business,
            program=program,
            key="bench",
            name="Free cake",
            reward_rule=rule,
            code_prefix="BC",
            code_length=10,
            code_group=4,
            validity_type=CouponSeries.Validity.RELATIVE,
            valid_days=30,
        )
    texts = {
        "en": "{business}: we miss you, {customer}! {benefit}, code {code}. {link}",
        "uk": "{business}: ми сумуємо, {customer}! {benefit}, код {code}. {link}",
    }
    if series is None:
        texts = {
            lang: text.replace(", code {code}", "").replace(", код {code}", "")
            for lang, text in texts.items()
        }
    started = time.perf_counter()
    campaign = campaigns.create_campaign(
        business=business,
        name="Come back",
        segment={"kind": "not_seen", "days": 30},
        texts_by_language=texts,
        series=series,
    )
    created = time.perf_counter() - started
    started = time.perf_counter()
    queued = campaigns.run_campaign(campaign.pk)
    seconds = time.perf_counter() - started
    rows = Notification.objects.filter(campaign=campaign).count()
    return {
        "queued": queued,
        "rows": rows,
        "count_and_create_s": round(created, 2),
        "job_s": round(seconds, 1),
        "per_second": int(queued / seconds) if seconds else 0,
        "peak_rss_mb": peak_rss_mb(),
    }


def child(part: str, args) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    if part == "migrate":
        call_command("migrate", verbosity=0)
        result = {}
    elif part == "load":
        result = load(args.n, args.tag)
    else:
        result = run(args.n, part == "coupon")
    print(json.dumps(result))


def run_part(part: str, **kwargs) -> dict:
    argv = [sys.executable, __file__, "--child", part]
    for key, value in kwargs.items():
        argv += [f"--{key}", str(value)]
    out = subprocess.run(argv, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--with-coupon", type=int, default=10_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--tag", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("campaign_bench: skipped, set DATABASE_URL to a throwaway PostgreSQL database")
        return None
    tag = time.strftime("%Y%m%d%H%M%S")
    run_part("migrate")
    print(f"machine: {platform.node()} {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M')}")
    loaded = run_part("load", n=args.customers, tag=tag)
    print(f"   loaded {args.customers:,} customers in {loaded['seconds']} s")
    plain = run_part("plain", n=loaded["business"])
    bar = "OK" if plain["job_s"] <= 60 and plain["peak_rss_mb"] <= 200 else "OVER"
    print(
        f"campaign to {plain['rows']:,} customers: count + create {plain['count_and_create_s']} s, "
        f"job {plain['job_s']} s ({plain['per_second']:,} messages/s), peak RSS "
        f"{plain['peak_rss_mb']} MB  [bars 60 s, 200 MB: {bar}]"
    )
    if args.with_coupon:
        loaded = run_part("load", n=args.with_coupon, tag=tag + "c")
        coupon = run_part("coupon", n=loaded["business"])
        print(
            f"   with a coupon each, {coupon['rows']:,} customers: job {coupon['job_s']} s "
            f"({coupon['per_second']:,} messages/s), peak RSS {coupon['peak_rss_mb']} MB"
        )
    return None


if __name__ == "__main__":
    main()
