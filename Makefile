# motcua — the two commands every newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test setup deps system-deps migrate seed lint typecheck messages screenshots clean help

help:
	@echo "make run    — set up and serve http://$(HOST):$(PORT) with Thanh Hóa demo data (SQLite)"
	@echo "make test   — set up and run the whole test suite"
	@echo "make lint / make typecheck / make messages / make screenshots"

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "motcua needs Python 3.11 ($(PYTHON) not found). On Debian/Ubuntu: apt-get install python3.11 python3.11-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

deps: $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

setup: deps
	@mkdir -p var
	$(BIN)/motcua migrate --noinput -v1

seed: setup
	$(BIN)/motcua dev_certs
	$(BIN)/motcua seed_demo

run: seed
	@echo "motcua: serving http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(BIN)/motcua runserver $(HOST):$(PORT)

test: system-deps deps
	@mkdir -p var
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: deps
	$(BIN)/mypy motcua config

messages: deps
	$(BIN)/python scripts/translations.py update

screenshots: seed
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf var/test-media .pytest_cache
