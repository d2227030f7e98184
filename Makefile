# Two commands for a newcomer: `make run` and `make test`. `make help` lists the rest.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=
# Debug is off unless the environment turns it on; the developer targets turn it on for themselves.
DEV := DJANGO_DEBUG=1

.PHONY: help run test lint format bench messages install install-dev demo clean backup restore mutate icons

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

install: $(VENV)/.installed-runtime ## Create .venv and install runtime requirements

install-dev: $(VENV)/.installed-dev ## Install runtime and test requirements

messages: install ## Compile the Vietnamese and English catalogues
	@$(DEV) $(PY) manage.py compile_catalogues --verbosity 0

demo: install messages ## Migrate, load the real units (current and pre-reform) and the demo data, compute the figures
	@mkdir -p var
	$(DEV) $(PY) manage.py migrate --noinput --verbosity 0
	$(DEV) $(PY) manage.py load_units --legacy
	$(DEV) $(PY) manage.py seed_demo
	$(DEV) $(PY) manage.py recompute_progress --backfill-days 90 --backfill-every 3

run: demo ## Set up everything and serve on http://127.0.0.1:$(PORT) (SQLite, no other service)
	$(DEV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install-dev messages ## Run the whole test suite (PostgreSQL if DATABASE_URL points there)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev ## Apply ruff's formatting and fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

BENCH_DATABASE_URL ?= postgres://portal:portal@127.0.0.1:5432/portal_bench
BENCH_CACHE_URL ?= redis://127.0.0.1:6379/14
BENCH_SCALES ?= 1,2,4

bench: install-dev ## Benchmarks on PostgreSQL (BENCH_DATABASE_URL; its data is replaced), see docs/benchmarks.md
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_DEBUG=0 DJANGO_SECRET_KEY=bench-only-not-secret \
	  $(PY) -m bench.recompute --scales $(BENCH_SCALES)
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_CACHE_URL=$(BENCH_CACHE_URL) DJANGO_DEBUG=0 \
	  DJANGO_SECRET_KEY=bench-only-not-secret $(PY) -m bench.dashboards_load
	$(DEV) DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.exports
	$(DEV) DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.task_list
	$(DEV) DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.reminders
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_DEBUG=0 DJANGO_SECRET_KEY=bench-only-not-secret $(PY) -m bench.indicators
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_DEBUG=0 DJANGO_SECRET_KEY=bench-only-not-secret $(PY) -m bench.asof
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_CACHE_URL=$(BENCH_CACHE_URL) DJANGO_DEBUG=0 \
	  DJANGO_SECRET_KEY=bench-only-not-secret $(PY) -m bench.viewers
	# Last: they add a programme of commune snapshots, publish results pages and compute weekly snapshots.
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_CACHE_URL=$(BENCH_CACHE_URL) DJANGO_DEBUG=0 \
	  DJANGO_SECRET_KEY=bench-only-not-secret $(PY) -m bench.api_load
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_DEBUG=0 DJANGO_SECRET_KEY=bench-only-not-secret \
	  $(PY) -m bench.public_page

BACKUP_DIR ?= var/backups

backup: ## Back up the database (DATABASE_URL) and evidence files to $(BACKUP_DIR), see docs/operations.md
	$(PYTHON) bin/backup --output-dir $(BACKUP_DIR)

restore: ## Restore ARCHIVE=path/to/portal-backup-….tar into an empty database and evidence folder
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=$(BACKUP_DIR)/portal-backup-….tar" >&2; exit 2; }
	$(PYTHON) bin/restore $(ARCHIVE)

clean: ## Remove the virtualenv and local data (var/)
	rm -rf $(VENV) var

mutate: install-dev ## Mutation testing of the core rules (mutmut, one module at a time; MODULES=name…), see docs/testing.md
	$(PY) bin/mutate $(MODULES)

icons: install-dev ## Cut the icon font to the icons the pages use (after adding one), see portal/icon_subset.py
	$(DEV) DJANGO_SETTINGS_MODULE=portal.settings $(PY) -c "import django; django.setup(); from portal.icon_subset import build; print('%s icons, %s bytes' % build())"
