"""Where LLM calls are recorded: app.llm_calls when there is a warehouse, else one JSON line on stderr
(`brainops ies extract` runs without a database). A failure to record never fails the extraction."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from pipelines.llm.base import CallSink, LlmCall

_INSERT = """
INSERT INTO app.llm_calls (provider, model, purpose, document_id, input_tokens, output_tokens, cost_usd,
                           latency_ms, status, error, created_at)
VALUES (%(provider)s, %(model)s, %(purpose)s, %(document_id)s, %(input_tokens)s, %(output_tokens)s,
        %(cost_usd)s, %(latency_ms)s, %(status)s, %(error)s, %(created_at)s)
"""


def stderr_sink(call: LlmCall) -> None:
    sys.stderr.write(json.dumps({"llm_call": call.as_json()}) + "\n")
    sys.stderr.flush()


def connection_sink(conn: Any) -> CallSink:
    """Rows written through an open psycopg connection, inside whatever transaction the caller holds."""

    def record(call: LlmCall) -> None:
        conn.execute(_INSERT, vars(call))

    return record


def warehouse_sink(url: str) -> CallSink:
    """Each call committed on its own (a short autocommit connection), so a failed extraction keeps the
    record of what it spent; falls back to stderr when the warehouse cannot take it."""

    def record(call: LlmCall) -> None:
        import psycopg

        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
                conn.execute(_INSERT, vars(call))
        except psycopg.Error as exc:
            stderr_sink(call)
            sys.stderr.write(f"The LLM call above could not be recorded in app.llm_calls ({exc.__class__.__name__}: "
                             f"{str(exc).strip()[:160]}); run `brainops db start` to apply the migrations.\n")

    return record


def default_sink() -> CallSink:
    """The warehouse when this process has been pointed at one (BRAINOPS_WAREHOUSE_URL or DATABASE_URL,
    as `brainops up` and the Dagster code location are), else stderr. Never starts a database."""
    if os.environ.get("BRAINOPS_WAREHOUSE_URL") or os.environ.get("DATABASE_URL"):
        from brainops.warehouse.connection import warehouse_url

        return warehouse_sink(warehouse_url())
    return stderr_sink
