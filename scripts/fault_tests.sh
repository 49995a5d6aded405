#!/usr/bin/env bash
# R5 fault tests (tests/faults) on a throwaway PostgreSQL: gunicorn workers killed and the
# database restarted during a confirm load. pg_test.sh stops the cluster on exit; the tests
# stop the gunicorn they start.
set -euo pipefail
cd "$(dirname "$0")/.."
export PERKLINE_FAULT_TESTS=1
export PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
exec scripts/pg_test.sh .venv/bin/python -m pytest tests/faults -m faults -p no:cacheprovider \
    -s -q "$@"
