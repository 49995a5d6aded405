#!/usr/bin/env bash
# Runs every bench/*.py (not bench/_*) in turn; `make bench` runs it on a throwaway
# PostgreSQL (scripts/pg_test.sh) so the database benchmarks measure the real server.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
found=0
# history_bench.py loads millions of rows (20 min, 22 GB): `make bench-history` runs it on its
# own database; reports_bench.py loads a million sales (`make bench-reports`).
# profile_requests.py is a tool that takes arguments, not a benchmark.
for script in bench/*.py; do
    case "$script" in
        bench/_* | bench/history_bench.py | bench/reports_bench.py | bench/profile_requests.py)
            continue ;;
    esac
    [[ -e "$script" ]] || continue
    found=1
    echo "== $script"
    "$PY" "$script"
done
[[ $found == 1 ]] || echo "no benchmarks in bench/"
