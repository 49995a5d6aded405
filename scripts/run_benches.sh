#!/usr/bin/env bash
# Runs every bench/*.py (not bench/_*) in turn; `make bench` runs it on a throwaway
# PostgreSQL (scripts/pg_test.sh) so the database benchmarks measure the real server.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
found=0
for script in bench/*.py; do
    case "$script" in bench/_*) continue ;; esac
    [[ -e "$script" ]] || continue
    found=1
    echo "== $script"
    "$PY" "$script"
done
[[ $found == 1 ]] || echo "no benchmarks in bench/"
