#!/usr/bin/env bash
# Scale-out on one machine (quality.md "Scale beyond one machine"): a throwaway PostgreSQL,
# Redis (cache, throttle counters and django-q2 broker), two gunicorn app servers on two
# ports and a separate django-q2 cluster; R1-R4 run over HTTP with requests spread over
# both servers (bench/_scale_checks.py), then check_ledger. Everything it starts is stopped
# on exit. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"

# Run inside a throwaway PostgreSQL cluster (pg_test.sh sets DATABASE_URL, stops it after).
if [[ -z "${SCALE_DEMO_INNER:-}" ]]; then
    SCALE_DEMO_INNER=1 exec scripts/pg_test.sh "$0" "$@"
fi

if ! command -v redis-server >/dev/null; then
    echo "scale-demo: installing redis-server" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
# Django's Redis cache and django-q2's Redis broker need the client library.
"$PY" -c "import redis" 2>/dev/null || .venv/bin/pip install -q redis

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
TMP="$(mktemp -d "${TMPDIR:-/tmp}/perkline-scale.XXXXXX")"
PIDS=()
cleanup() {
    local rc=$?
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

REDIS_PORT="$(free_port)"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$TMP" >"$TMP/redis.log" 2>&1 &
PIDS+=($!)

export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export DEBUG=0 SECRET_KEY="scale-demo-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0 LOG_LEVEL=WARNING
# R2 sends 600 activations from one address: the code throttle must not be what limits it.
export PERKLINE_THROTTLE_CODES=100000/min

"$PY" manage.py migrate --noinput -v 0
TOKEN="$("$PY" bench/_scale_checks.py seed | tail -n 1)"

PORTS=()
for n in 1 2; do
    port="$(free_port)"
    .venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$port" --workers 2 \
        --timeout 60 --backlog 256 >"$TMP/gunicorn-$n.log" 2>&1 &
    PIDS+=($!)
    PORTS+=("$port")
done
"$PY" manage.py qcluster >"$TMP/qcluster.log" 2>&1 &
PIDS+=($!)

for port in "${PORTS[@]}"; do
    for _ in $(seq 1 150); do
        curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/terminal/ping" && break
        sleep 0.2
    done
done
echo "scale-demo: PostgreSQL ${DATABASE_URL##*@}, Redis 127.0.0.1:$REDIS_PORT, app servers" \
    "127.0.0.1:${PORTS[0]} and 127.0.0.1:${PORTS[1]}, django-q2 cluster (Redis broker)"

status=0
"$PY" bench/_scale_checks.py check --token="$TOKEN" --ports "${PORTS[0]},${PORTS[1]}" || status=1
"$PY" manage.py check_ledger || status=1

# The confirms above queued notification jobs through Redis; the cluster must run them.
done_jobs=0
for _ in $(seq 1 30); do
    done_jobs="$("$PY" manage.py shell -c \
        'from django_q.models import Task; print(Task.objects.count())' 2>/dev/null | tail -n 1)"
    [[ "$done_jobs" =~ ^[0-9]+$ && "$done_jobs" -gt 0 ]] && break
    sleep 1
done
if [[ "$done_jobs" =~ ^[0-9]+$ && "$done_jobs" -gt 0 ]]; then
    echo "PASS django-q2 cluster ran $done_jobs jobs from the Redis broker"
else
    echo "FAIL no job was run by the django-q2 cluster (log: $(tail -n 5 "$TMP/qcluster.log"))"
    status=1
fi
exit "$status"
