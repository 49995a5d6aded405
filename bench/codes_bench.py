"""P4 and P6 for codes: 1,000,000 pregenerated codes; a 100,000-line import with 1% bad lines.

Runs against the PostgreSQL database in DATABASE_URL (a throwaway one: it migrates it and
leaves a business named "bench-codes-..." behind unless --cleanup). Each part runs in its own
process, so the peak RSS it reports (resource.getrusage) is that part's alone.

    DATABASE_URL=postgres://postgres@127.0.0.1:55438/perkline \\
        .venv/bin/python bench/codes_bench.py [--codes 1000000] [--lines 100000] [--cleanup]
"""

import argparse
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")


def setup_django():
    import django

    django.setup()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def make_series(code_mode: str, tag: str):
    from coupons.models import CouponSeries
    from loyalty.models import Business, Program

    business, _ = Business.objects.get_or_create(
        slug=f"bench-codes-{tag}", defaults={"name": f"Bench codes {tag}"}
    )
    program, _ = Program.objects.get_or_create(
        business=business, key="bench", defaults={"name": "Bench"}
    )
    series, _ = CouponSeries.objects.get_or_create(
        business=business,
        program=program,
        key=f"bench-{code_mode}",
        defaults={
            "name": code_mode,
            "code_mode": code_mode,
            "code_prefix": "BN",
            "code_length": 10,
            "code_group": 4,
            "top_up_amount": "1.00",
        },
    )
    return series


def part_generate(count: int, tag: str) -> dict:
    from coupons.imports import generate_pregenerated
    from coupons.models import CodeJob, Coupon, CouponSeries

    series = make_series(CouponSeries.CodeMode.PREGENERATED, tag)
    job = CodeJob.objects.create(business=series.business, series=series, kind="generate")
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    made = generate_pregenerated(series=series, count=count, job=job)
    seconds = time.perf_counter() - started
    assert made == count == Coupon.objects.filter(series=series, is_stock=True).count()
    return {
        "codes": made,
        "seconds": round(seconds, 2),
        "codes_per_second": round(made / seconds),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_after_setup_mb": round(rss_before, 1),
    }


def part_issue_from_stock(samples: int, tag: str) -> dict:
    """Issuing single coupons out of the big stock (uses the partial index on stock rows)."""
    from django.utils import timezone

    from coupons.models import CouponSeries
    from coupons.services import issue_coupons

    series = make_series(CouponSeries.CodeMode.PREGENERATED, tag)
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        issue_coupons(series=series, quantity=1, at=timezone.now())
        times.append((time.perf_counter() - started) * 1000)
    return {
        "issues": samples,
        "median_ms": round(statistics.median(times), 2),
        "max_ms": round(max(times), 2),
    }


def import_file(lines: int, present: list[str]) -> bytes:
    """``lines`` codes, 1% bad: half badly formatted, a quarter repeated, a quarter present."""
    import secrets

    bad = lines // 100
    n_format, n_dup, n_present = bad // 2, bad // 4, bad - bad // 2 - bad // 4
    good = [f"EXT-{secrets.token_hex(6).upper()}" for _ in range(lines - bad)]
    rows = list(good)
    rows += [f"BAD#{i}" for i in range(n_format)]
    rows += good[:n_dup]
    rows += present[:n_present]
    secrets.SystemRandom().shuffle(rows)
    return ("code\n" + "\n".join(rows) + "\n").encode()


def part_import(lines: int, tag: str) -> dict:
    from coupons.imports import import_codes
    from coupons.models import CodeJob, Coupon, CouponSeries
    from coupons.services import issue_coupons

    series = make_series(CouponSeries.CodeMode.ON_ISSUE, tag + "-imp")
    present = [
        c.code
        for c in issue_coupons(series=series, quantity=lines // 400 + 1, at=series.created_at)
    ]
    target = CouponSeries.objects.create(
        business=series.business,
        program=series.program,
        key="bench-imported",
        name="imported",
        code_mode=CouponSeries.CodeMode.IMPORTED,
        top_up_amount="1.00",
    )
    data = import_file(lines, present)
    job = CodeJob.objects.create(business=target.business, series=target, kind="import")
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    report = import_codes(series=target, file=io.BytesIO(data), job=job)
    seconds = time.perf_counter() - started
    assert report.accepted == Coupon.objects.filter(series=target).count()
    return {
        "lines": report.lines,
        "file_bytes": len(data),
        **{k: v for k, v in report.as_dict().items() if k != "lines"},
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_before_import_mb": round(rss_before, 1),
    }


def cleanup(tag: str):
    from django.db import connection

    from loyalty.models import Business

    ids = list(
        Business.objects.filter(slug__startswith=f"bench-codes-{tag}").values_list("pk", flat=True)
    )
    if not ids:
        return
    with connection.cursor() as cursor:  # a million rows: not through the ORM's collector
        for table in ("coupons_couponevent", "coupons_coupon", "coupons_codejob"):
            cursor.execute(f"DELETE FROM {table} WHERE business_id = ANY(%s)", [ids])
    Business.objects.filter(pk__in=ids).delete()


def child(part: str, n: int, tag: str):
    setup_django()
    from django.core.management import call_command

    if part == "migrate":
        call_command("migrate", verbosity=0)
        result = {}
    elif part == "generate":
        result = part_generate(n, tag)
    elif part == "issue":
        result = part_issue_from_stock(n, tag)
    elif part == "import":
        result = part_import(n, tag)
    elif part == "cleanup":
        cleanup(tag)
        result = {}
    print(json.dumps(result))


def run_part(part: str, n: int, tag: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", part, "--n", str(n), "--tag", tag],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--issues", type=int, default=200)
    parser.add_argument("--cleanup", action="store_true", help="delete the bench data after")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tag", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.n, args.tag)

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("codes_bench: skipped, set DATABASE_URL to a throwaway PostgreSQL database")
        return None
    tag = time.strftime("%Y%m%d%H%M%S")
    run_part("migrate", 0, tag)
    print(f"machine: {platform.node()} {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M')}")
    gen = run_part("generate", args.codes, tag)
    bar = "OK" if gen["seconds"] <= 60 else "OVER"
    print(
        f"P4 pregenerate {gen['codes']:,} codes: {gen['seconds']} s "
        f"({gen['codes_per_second']:,}/s), peak RSS {gen['peak_rss_mb']} MB  [bar 60 s: {bar}]"
    )
    issue = run_part("issue", args.issues, tag)
    print(
        f"   issue 1 coupon from that stock: median {issue['median_ms']} ms, "
        f"max {issue['max_ms']} ms over {issue['issues']}"
    )
    imp = run_part("import", args.lines, tag)
    bar = "OK" if imp["seconds"] <= 10 and imp["peak_rss_mb"] <= 200 else "OVER"
    print(
        f"P4/P6 import {imp['lines']:,} lines ({imp['file_bytes'] / 1e6:.1f} MB): "
        f"{imp['seconds']} s, peak RSS {imp['peak_rss_mb']} MB "
        f"(process before the import {imp['rss_before_import_mb']} MB); accepted "
        f"{imp['accepted']:,}, bad_format {imp['bad_format']}, duplicate_in_file "
        f"{imp['duplicate_in_file']}, already_present {imp['already_present']}  "
        f"[bars 10 s, 200 MB: {bar}]"
    )
    if args.cleanup:
        run_part("cleanup", 0, tag)
    return None


if __name__ == "__main__":
    main()
