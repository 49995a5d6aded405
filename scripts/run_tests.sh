#!/usr/bin/env bash
# Runs the pytest suite; extra arguments go to pytest.
# PYTEST_WORKERS (default 2) sets pytest-xdist's worker count; 0 runs serially.
# Exit code 5 ("no tests collected") is not a failure of the build.
set -uo pipefail

cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
WORKERS="${PYTEST_WORKERS:-2}"

args=()
if [[ "$WORKERS" != 0 ]] && "$PY" -c 'import xdist' >/dev/null 2>&1; then
    args+=(-n "$WORKERS")
fi

"$PY" -m pytest "${args[@]}" "$@"
rc=$?
if [[ $rc == 5 ]]; then
    echo "run_tests: no tests were collected"
    rc=0
fi
exit $rc
