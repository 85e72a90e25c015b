# The two set-up commands: `make run` (the app on SQLite with demo data) and `make test`.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: install run test test-sqlite test-postgres lint services

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

services:
	bash scripts/ensure-services.sh

lint: install
	$(BIN)/ruff check brokerage tests config.py migrations bench
	$(BIN)/ruff format --check brokerage tests config.py migrations bench
	$(BIN)/lint-imports

test-sqlite: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest $(PYTEST_ARGS)

test: services lint
	$(MAKE) test-sqlite
	$(MAKE) test-postgres
