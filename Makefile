# The two set-up commands: `make run` (the app on SQLite with demo data) and `make test`.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: install run prod test test-sqlite test-postgres lint check services

$(STAMP):
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/flask --app brokerage db upgrade
	$(BIN)/flask --app brokerage seed-demo
	$(BIN)/flask --app brokerage run --host 127.0.0.1 --port 5000

# The production stack on this machine: gunicorn (web) and an RQ worker, on the PostgreSQL
# and Redis already running on 127.0.0.1. Set SECRET_KEY; FORCE_HTTPS=0 when not behind TLS.
PROD_ENV = BROKERAGE_ENV=production DATABASE_URL=$${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/brokerage} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} BASE_URL=$${BASE_URL:-http://127.0.0.1:8000}
prod: install services
	psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1 from pg_database where datname='brokerage'" | grep -q 1 \
	  || psql -h 127.0.0.1 -U postgres -d postgres -c 'create database brokerage'
	$(PROD_ENV) $(BIN)/flask --app brokerage db upgrade
	$(PROD_ENV) PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho start

services:
	bash scripts/ensure-services.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test-sqlite: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest $(PYTEST_ARGS)

test: services lint
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

# The fast lane while working: lint, then the SQLite suite without the browser (e2e) tests,
# spread over the machine's cores by pytest-xdist. `make test` (what CI runs) stays the whole.
CHECK_WORKERS ?= auto
check: services lint
	$(BIN)/python -m pytest -n $(CHECK_WORKERS) -m "not e2e" $(PYTEST_ARGS)
