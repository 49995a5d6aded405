#!/usr/bin/env bash
# Serves the app on http://127.0.0.1:8000 with a django-q2 cluster beside it; stopping
# the server (Ctrl-C) stops the cluster too. `make run` runs it through scripts/local_pg.sh,
# which gives it DATABASE_URL and stops the local PostgreSQL after it.
set -euo pipefail

cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
export DEBUG="${DEBUG:-1}"
ADDR="${RUN_ADDR:-127.0.0.1:8000}"

# Own session: a Ctrl-C in the terminal reaches the server only; the cluster is stopped
# through its parent below, which stops its workers.
setsid "$PY" manage.py qcluster &
QPID=$!

stop_cluster() {
    # SIGTERM to the cluster's parent only: it stops its workers itself (a signal to every
    # worker at once leaves the parent waiting forever). A watchdog kills what is left
    # after 20 s.
    kill -TERM "$QPID" 2>/dev/null || return 0
    (sleep 20 && echo "run_server: killing the task cluster" >&2 && kill -KILL -- "-$QPID") \
        2>/dev/null &
    local watchdog=$!
    wait "$QPID" 2>/dev/null || true
    kill "$watchdog" 2>/dev/null || true
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Perkline on http://$ADDR (task cluster pid $QPID)"
"$PY" manage.py runserver "$ADDR"
