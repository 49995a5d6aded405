#!/usr/bin/env bash
# Restore drill (`make restore-drill`): proves that a nightly `pg_dump -Fc` can be restored
# into a working Perkline database. Inside one throwaway PostgreSQL 15 cluster
# (scripts/pg_test.sh): migrate + seed_demo into database A, record row counts and
# check_ledger; pg_dump -Fc A; create database B; pg_restore into B; on B run
# `migrate --check`, check_ledger and compare the row counts of every table with A.
# Prints a short report (dump size, timings) and exits non-zero on any difference.
# Everything it starts is stopped on exit (pg_test.sh stops the cluster, the trap below
# removes the dump).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"

# Run inside a throwaway PostgreSQL cluster (pg_test.sh sets DATABASE_URL, stops it after).
if [[ -z "${RESTORE_DRILL_INNER:-}" ]]; then
    RESTORE_DRILL_INNER=1 exec scripts/pg_test.sh "$0" "$@"
fi

PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
URL_A="$DATABASE_URL"
URL_B="${DATABASE_URL%/*}/perkline_restored"
export DEBUG=1 LOG_LEVEL=WARNING
KEY_TABLES=(loyalty_sale customers_ledgerentry coupons_coupon customers_customer)

TMP="$(mktemp -d "${TMPDIR:-/tmp}/perkline-drill.XXXXXX")"
cleanup() {
    local rc=$?
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }
psql_q() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -tA -d "$1" -c "$2"; }

# "table count" lines for every table of the public schema, sorted by name.
row_counts() {
    local url="$1" sql
    sql="$(psql_q "$url" "SELECT string_agg(format('SELECT %L AS t, count(*) AS n FROM public.%I', tablename, tablename), ' UNION ALL ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")"
    psql_q "$url" "SELECT t || ' ' || n FROM ($sql) AS c ORDER BY t" | tr '|' ' '
}

FAIL=()
fail() { FAIL+=("$1"); echo "restore-drill: FAIL $1" >&2; }

# 1. Database A: schema and demo data.
t0=$(now)
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py seed_demo >"$TMP/seed.log"
t_seed=$(now)
row_counts "$URL_A" >"$TMP/counts_a.txt"
"$PY" manage.py check_ledger >"$TMP/ledger_a.txt" || fail "check_ledger on A: $(cat "$TMP/ledger_a.txt")"
for t in "${KEY_TABLES[@]}"; do
    n="$(awk -v t="$t" '$1 == t { print $2 }' "$TMP/counts_a.txt")"
    [[ "${n:-0}" -gt 0 ]] || fail "table $t is empty or missing in A: nothing to compare"
done

# 2. Dump A in the custom format (what the nightly backup does).
t1=$(now)
"$PGBIN/pg_dump" -Fc -d "$URL_A" -f "$TMP/perkline.dump"
t2=$(now)
DUMP_BYTES="$(stat -c %s "$TMP/perkline.dump")"

# 3. Restore into a new database B.
"$PGBIN/createdb" -d "$URL_A" perkline_restored 2>/dev/null \
    || psql_q "$URL_A" "CREATE DATABASE perkline_restored" >/dev/null
t3=$(now)
"$PGBIN/pg_restore" --exit-on-error --no-owner -d "$URL_B" "$TMP/perkline.dump"
t4=$(now)

# 4. Verify B with the application pointed at it.
export DATABASE_URL="$URL_B"
"$PY" manage.py migrate --check -v 0 >"$TMP/migrate_b.txt" 2>&1 \
    || fail "migrate --check on B: pending migrations: $(cat "$TMP/migrate_b.txt")"
"$PY" manage.py check_ledger >"$TMP/ledger_b.txt" 2>&1 || fail "check_ledger on B: $(cat "$TMP/ledger_b.txt")"
row_counts "$URL_B" >"$TMP/counts_b.txt"
if ! diff -u "$TMP/counts_a.txt" "$TMP/counts_b.txt" >"$TMP/counts.diff"; then
    fail "row counts differ between A and B:"$'\n'"$(cat "$TMP/counts.diff")"
fi
t5=$(now)

# 5. Report.
count_of() { awk -v t="$2" '$1 == t { print $2 }' "$1"; }
echo
echo "Restore drill ($(date '+%Y-%m-%d %H:%M'), PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'))"
printf '  %-24s %10s %10s\n' table A B
for t in "${KEY_TABLES[@]}"; do
    printf '  %-24s %10s %10s\n' "$t" "$(count_of "$TMP/counts_a.txt" "$t")" "$(count_of "$TMP/counts_b.txt" "$t")"
done
echo "  tables compared: $(wc -l <"$TMP/counts_a.txt"), rows in A: $(awk '{ s += $2 } END { print s }' "$TMP/counts_a.txt")"
echo "  ledger A: $(tail -n 1 "$TMP/ledger_a.txt"); ledger B: $(tail -n 1 "$TMP/ledger_b.txt")"
echo "  dump size: $DUMP_BYTES bytes ($(awk -v b="$DUMP_BYTES" 'BEGIN { printf "%.1f", b / 1024 }') KiB)"
echo "  migrate + seed: $(secs "$t0" "$t_seed") s; pg_dump: $(secs "$t1" "$t2") s;" \
    "pg_restore: $(secs "$t3" "$t4") s; verify B: $(secs "$t4" "$t5") s"
if ((${#FAIL[@]})); then
    echo "restore-drill: FAILED (${#FAIL[@]} problems)"
    exit 1
fi
echo "restore-drill: PASS (migrate --check clean, ledger clean, row counts identical)"
