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

.PHONY: install system-deps run test lint validate dbt-parse bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen
	touch $@

# The project's own modules byte-compiled too (uv compiles only the dependencies): a `brainops ies extract`
# starts ~0.1 s sooner where PYTHONDONTWRITEBYTECODE keeps Python from caching them itself.
install: $(VENV)/.installed
	@$(BIN)/python -m compileall -q -j 0 brainops pipelines serving sensors

# OCR for scanned statements (pipelines/ies/ocr.py): Debian's tesseract, installed once; skipped with a
# note where there is no apt-get (scans then come out needs_review, saying what to install).
system-deps:
	@command -v tesseract >/dev/null || { \
	  if command -v apt-get >/dev/null; then \
	    SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq tesseract-ocr tesseract-ocr-eng; \
	  else \
	    echo "tesseract not installed and no apt-get here: install tesseract-ocr (with English data) to OCR scanned PDFs."; \
	  fi; }

run: install system-deps
	$(BIN)/brainops up

lint: install
	$(BIN)/ruff check .

dbt-parse: install
	$(BIN)/dbt parse --quiet --project-dir dbt --profiles-dir dbt

validate: dbt-parse
	$(BIN)/dagster definitions validate -m pipelines.definitions

test: install system-deps lint validate
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/centerpoint_load.py
	$(BIN)/python bench/ies_accuracy.py

clean:
	-$(BIN)/brainops db stop
	rm -rf $(VENV) $(TOOLS) .data dbt/target
