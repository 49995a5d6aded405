#!/usr/bin/env bash
# The local PostgreSQL of `make run` and of every make target that touches the database:
#   scripts/local_pg.sh COMMAND...   runs COMMAND with DATABASE_URL set
#   scripts/local_pg.sh stop         stops the server if it runs
# With DATABASE_URL already set, COMMAND simply runs against it. Otherwise the server in
# var/pg/data (made by initdb once; its data survives restarts) is started if it is not
# running, listens on 127.0.0.1:${PERKLINE_PG_PORT:-5433} with trust authentication, and is
# stopped when COMMAND ends if this script started it (so `make run` stops it with the
# server, and a nested call leaves it to the outer one).
# The binaries: the OS's PostgreSQL 15 or later (/usr/lib/postgresql/*/bin, or PGBIN);
# as root with apt-get, postgresql-15 is installed when none is found, as pg_test.sh does.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
DIR="$ROOT/var/pg"
DATA="$DIR/data"
PORT="${PERKLINE_PG_PORT:-5433}"
DB_NAME=perkline
URL="postgres://postgres@127.0.0.1:$PORT/$DB_NAME"

say() { echo "local_pg: $*" >&2; }

pg_bin() {
    local dir version
    for dir in ${PGBIN:-} $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV) \
        "$(pg_config --bindir 2>/dev/null || true)" "$(dirname "$(command -v initdb || echo .)")"; do
        [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] || continue
        version="$("$dir/postgres" --version | awk '{print $3}')"
        if [[ "${version%%.*}" -ge 15 ]]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

find_or_install() {
    if PGBIN="$(pg_bin)"; then
        return 0
    fi
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        say "installing postgresql-15"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
        PGBIN="$(pg_bin)" && return 0
    fi
    say "no PostgreSQL 15 or later found (looked in /usr/lib/postgresql/*/bin and PATH)."
    say "Install it (Debian/Ubuntu: sudo apt-get install postgresql-15; macOS:"
    say "brew install postgresql@15), set PGBIN to its bin folder, or set DATABASE_URL to a"
    say "PostgreSQL database of your own."
    exit 1
}

# initdb and the server refuse to run as root: as root the cluster belongs to `postgres`.
as_pg() { "$@"; }
if [[ "$(id -u)" == 0 ]]; then
    as_pg() { runuser -u postgres -- "$@"; }
fi

running() { [[ -n "${PGBIN:-}" ]] && as_pg "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

start() {
    if [[ ! -f "$DATA/PG_VERSION" ]]; then
        mkdir -p "$DIR"
        if [[ "$(id -u)" == 0 ]]; then
            id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
            chown postgres: "$DIR"
        fi
        say "creating the cluster in var/pg/data"
        as_pg "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
            >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; exit 1; }
    fi
    # Own session: a Ctrl-C meant for the app server must not reach the database first.
    as_pg setsid -w "$PGBIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 start -o \
        "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" >/dev/null \
        || { tail -n 20 "$DIR/server.log" >&2; say "could not start (port $PORT taken? set PERKLINE_PG_PORT)"; exit 1; }
    if ! "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -XtAc \
        "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" postgres | grep -q 1; then
        "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB_NAME"
    fi
    say "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (var/pg)"
}

stop() {
    if running; then
        as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
        say "stopped"
    fi
}

if [[ "${1:-}" == stop ]]; then
    PGBIN="$(pg_bin || true)"
    stop
    exit 0
fi
[[ $# -gt 0 ]] || { say "usage: scripts/local_pg.sh COMMAND... | stop"; exit 2; }

if [[ -n "${DATABASE_URL:-}" ]]; then
    exec "$@"
fi

find_or_install
if ! running; then
    start
    trap stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
fi
export DATABASE_URL="$URL"
# The command runs in its own process group, and INT or TERM to this script goes to that
# whole group: bash runs no trap while a foreground child runs, so a plain `kill` of this
# script (a service manager, a CI step) used to leave runserver and PostgreSQL running.
set +e
setsid "$@" &
child=$!
trap 'kill -TERM -- "-$child" 2>/dev/null' INT TERM
while :; do
    wait "$child"
    rc=$?
    kill -0 "$child" 2>/dev/null || break  # wait was cut short by a signal: wait again
done
set -e
exit "$rc"
