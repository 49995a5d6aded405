#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 cluster:
#   scripts/pg_test.sh .venv/bin/python -m pytest
# The cluster lives in a temp folder, listens on 127.0.0.1 on a free port with trust auth,
# and is stopped and removed on exit, whatever the command's outcome. The command sees
# DATABASE_URL=postgres://postgres@127.0.0.1:PORT/perkline and exits with its status.
set -euo pipefail

PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
DB_NAME="${PG_TEST_DB:-perkline}"

if [[ ! -x "$PGBIN/initdb" ]]; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        echo "pg_test: installing postgresql-15" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
    else
        echo "pg_test: PostgreSQL 15 binaries not found in $PGBIN" >&2
        exit 1
    fi
fi

# initdb refuses to run as root: as root the cluster belongs to the postgres user.
as_pg() { "$@"; }
if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    as_pg() { runuser -u postgres -- "$@"; }
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/perkline-pg.XXXXXX")"
chmod 755 "$TMP"
[[ "$(id -u)" == 0 ]] && chown postgres: "$TMP"

cleanup() {
    local rc=$?
    if [[ -f "$TMP/data/postmaster.pid" ]]; then
        as_pg "$PGBIN/pg_ctl" -D "$TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT="${PG_TEST_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"

as_pg "$PGBIN/initdb" -D "$TMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$TMP/initdb.log" 2>&1 || { cat "$TMP/initdb.log" >&2; exit 1; }

# Durability is pointless for a throwaway cluster; the concurrency tests open ~100
# connections per pytest worker, hence max_connections. PG_TEST_OPTIONS adds server options
# (bench/profile_requests.py --pg-stats needs pg_stat_statements preloaded).
as_pg "$PGBIN/pg_ctl" -D "$TMP/data" -l "$TMP/server.log" -w -t 60 start -o \
    "-p $PORT -k $TMP -c listen_addresses=127.0.0.1 -c max_connections=400 \
     -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_TEST_OPTIONS:-}" >/dev/null \
    || { cat "$TMP/server.log" >&2; exit 1; }

"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB_NAME"
echo "pg_test: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"

export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/$DB_NAME"
set +e
"$@"
rc=$?
set -e
exit "$rc"
