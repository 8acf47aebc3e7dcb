# Two commands on a fresh machine with Python 3.11 and make:
#   make run   set everything up, materialize, serve the Dagster UI (:3000) and the API (:8000)
#   make test  set up, then ruff, the Dagster definitions check, and pytest on a real Postgres
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_COMPILE_BYTECODE := 1
export UV_PYTHON := $(shell command -v $(PYTHON))
export GX_ANALYTICS_ENABLED := false
export DAGSTER_DISABLE_TELEMETRY := 1

.PHONY: install run test lint validate dbt-parse bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/brainops up

lint: install
	$(BIN)/ruff check .

dbt-parse: install
	$(BIN)/dbt parse --quiet --project-dir dbt --profiles-dir dbt

validate: dbt-parse
	$(BIN)/dagster definitions validate -m pipelines.definitions

test: install lint validate
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/centerpoint_load.py

clean:
	-$(BIN)/brainops db stop
	rm -rf $(VENV) $(TOOLS) .data dbt/target
