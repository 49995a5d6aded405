#!/usr/bin/env bash
# Serves the app on http://127.0.0.1:8000 with a django-q2 cluster beside it; stopping
# the server (Ctrl-C) stops the cluster too.
set -euo pipefail

cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
export DEBUG="${DEBUG:-1}"
ADDR="${RUN_ADDR:-127.0.0.1:8000}"

# Own process group, so that the cluster's workers are stopped along with it.
setsid "$PY" manage.py qcluster &
QPID=$!

stop_cluster() {
    kill -TERM -- "-$QPID" 2>/dev/null || kill -TERM "$QPID" 2>/dev/null || true
    wait "$QPID" 2>/dev/null || true
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Perkline on http://$ADDR (task cluster pid $QPID)"
"$PY" manage.py runserver "$ADDR"
