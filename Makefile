# Perkline: `make run` serves the demo, `make test` runs the whole suite on PostgreSQL.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py
RUFF := $(VENV)/bin/ruff
# Development settings for everything `make run` does.
DEV_ENV := DEBUG=1
# Targets that touch the database run through it: DATABASE_URL when set, else the local
# PostgreSQL in var/pg, started for the command (and stopped after it, unless it was running).
WITH_DB := scripts/local_pg.sh

.PHONY: help install assets run serve migrate messages compilemessages static seed test \
	lint fmt bench bench-history clean check-ledger restore-drill db-stop

help:
	@echo "make run          install if needed, start the local PostgreSQL (var/pg) unless"
	@echo "                  DATABASE_URL is set, migrate, seed the demo, serve on 127.0.0.1:8000"
	@echo "make test         lint, then the whole suite on a throwaway PostgreSQL 15"
	@echo "make db-stop      stop the local PostgreSQL if something left it running"
	@echo "make lint | fmt   ruff, import contracts and mypy | ruff fix and format"
	@echo "make messages     update locale/uk .po files; make compilemessages builds .mo"
	@echo "make bench        run the benchmarks in bench/"
	@echo "make bench-history  P7: the check path with 1M customers and 5M sales (20 min)"
	@echo "make bench-reports  the report pages with 1M sales (issue 21; about 10 min)"
	@echo "make clean        remove caches and collected static files (var/pg, the dev database, stays)"

# Reinstalled when pyproject.toml changes.
$(STAMP): pyproject.toml scripts/setup_env.sh
	scripts/setup_env.sh

install: $(STAMP) assets

# Third-party browser assets (the kiosk's QR scanner): pinned npm tarballs, integrity-checked,
# into the git-ignored static/vendor/; a no-op when present (scripts/fetch_assets.py).
assets: $(STAMP)
	$(PY) scripts/fetch_assets.py

# One local PostgreSQL for the whole run: started here, stopped when the server stops.
run: install compilemessages static
	$(WITH_DB) $(MAKE) --no-print-directory migrate seed serve

serve: $(STAMP)
	$(WITH_DB) scripts/run_server.sh

migrate: $(STAMP)
	@mkdir -p var
	$(DEV_ENV) $(WITH_DB) $(MANAGE) migrate --noinput

# compilemessages needs gettext's msgfmt: installed with apt-get as root, else skipped.
compilemessages: $(STAMP)
	@if ! command -v msgfmt >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
		&& command -v apt-get >/dev/null 2>&1; then \
		echo "installing gettext"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	fi
	@if [ -z "$$(find . -path ./.venv -prune -o -name '*.po' -print -quit)" ]; then \
		echo "no translations (.po files) to compile"; \
	elif command -v msgfmt >/dev/null 2>&1; then \
		$(DEV_ENV) $(MANAGE) compilemessages --ignore=.venv --ignore=var --ignore=node_modules; \
	else \
		echo "WARNING: gettext (msgfmt) is missing; translations are not compiled" >&2; \
	fi

static: install
	$(DEV_ENV) $(MANAGE) collectstatic --noinput --verbosity 0

seed: $(STAMP)
	@if $(DEV_ENV) $(MANAGE) help seed_demo >/dev/null 2>&1; then \
		$(DEV_ENV) $(WITH_DB) $(MANAGE) seed_demo; \
	else \
		echo "WARNING: the seed_demo command does not exist yet; no demo data" >&2; \
	fi

messages: $(STAMP)
	@mkdir -p locale
	$(DEV_ENV) $(MANAGE) makemessages -l uk --ignore=.venv --ignore=var --ignore=node_modules \
		--ignore=tests

test: install lint
	@# Every model change ships with its migration.
	@mkdir -p var
	$(DEV_ENV) scripts/pg_test.sh $(MANAGE) makemigrations --check --dry-run --verbosity 0
	@if grep -rqs --include='*.py' -E 'mark\.browser|pytestmark.*browser' tests; then \
		scripts/ensure_chromium.sh; \
	fi
	scripts/pg_test.sh scripts/run_tests.sh

# Style, then the import contracts of pyproject.toml (design.md's layers), then types.
lint: $(STAMP)
	$(RUFF) check .
	$(RUFF) format --check .
	$(VENV)/bin/lint-imports
	$(DEV_ENV) $(VENV)/bin/mypy

fmt: $(STAMP)
	$(RUFF) check --fix .
	$(RUFF) format .

bench: $(STAMP)
	scripts/pg_test.sh scripts/run_benches.sh

check-ledger: $(STAMP)
	$(DEV_ENV) $(WITH_DB) $(MANAGE) check_ledger

db-stop:
	scripts/local_pg.sh stop

# Backup restore drill on a throwaway PostgreSQL: dump, restore, migrate --check, ledger, row counts.
restore-drill: $(STAMP)
	scripts/restore_drill.sh

clean:
	rm -rf .pytest_cache .ruff_cache .mypy_cache .import_linter_cache .hypothesis var/static var/test-media
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +

# R5 fault tests (tests/faults) on a throwaway PostgreSQL: workers killed, database restarted.
.PHONY: fault-tests scale-demo
# quality.md P7: a million customers and five million sales loaded in bulk (about 20 min).
bench-history: $(STAMP)
	scripts/pg_test.sh $(PY) bench/history_bench.py

# Issue 21: the report pages with 1,000,000 sales loaded (about 5 min to load, then timing).
.PHONY: bench-reports
bench-reports: $(STAMP)
	scripts/pg_test.sh $(PY) bench/reports_bench.py

fault-tests: $(STAMP)
	scripts/fault_tests.sh

# Two app servers, a Redis-brokered job cluster and PostgreSQL on one machine; R1-R4 over HTTP.
scale-demo: $(STAMP)
	scripts/scale_demo.sh
