"""app.llm_calls: every call, ok or not, with tokens, cost and latency, written through a sink so that
extraction itself needs no database."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import psycopg

from pipelines.ies.extract import extract
from pipelines.llm import llm_from_env
from pipelines.llm.recording import connection_sink, default_sink, stderr_sink
from tests.ies_llm.conftest import Standin, label_responder
from tests.ies_llm.test_llm_labels import ANSWERS, STATEMENT


def test_calls_are_rows_with_tokens_cost_and_latency(anthropic_server: Standin, conn: psycopg.Connection,
                                                     tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(STATEMENT)
    anthropic_server.answer(label_responder(ANSWERS))
    llm = llm_from_env(sink=connection_sink(conn))
    ok = extract(path, llm=llm)
    anthropic_server.control.fail_next(*[429] * 4)
    other = tmp_path / "t.csv"
    other.write_text(STATEMENT.replace("1000,900", "1001,901").replace("1050,940", "1051,941"))
    failed = extract(other, llm=llm)
    rows = conn.execute(
        "SELECT provider, model, purpose, document_id, input_tokens, output_tokens, cost_usd, latency_ms, status, "
        "error, created_at FROM app.llm_calls WHERE purpose = 'ies_label_mapping' ORDER BY llm_call_id").fetchall()
    assert len(rows) == 2
    first, second = rows
    assert first[:4] == ("anthropic", "claude-haiku-4-5", "ies_label_mapping", ok["document_id"])
    assert first[4] > 0 and first[5] > 0 and first[8] == "ok" and first[9] is None
    assert first[6] == Decimal(first[4] * 1 + first[5] * 5) / 1_000_000
    assert first[7] >= 0 and first[10] is not None
    assert second[3] == failed["document_id"] and second[8] == "error"
    assert second[4] is None and second[6] is None and "HTTP 429" in second[9]
    assert second[7] >= 60  # it waited out three retries, as retry-after-ms (20) told it


def test_the_default_sink_writes_to_the_warehouse_the_process_is_pointed_at(
        anthropic_server: Standin, fresh_warehouse: str, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "s.csv"
    path.write_text(STATEMENT)
    anthropic_server.answer(label_responder(ANSWERS))
    monkeypatch.setenv("BRAINOPS_WAREHOUSE_URL", fresh_warehouse)
    result = extract(path)  # the key and the warehouse both come from the environment
    with psycopg.connect(fresh_warehouse) as c:
        rows = c.execute("SELECT document_id, status, input_tokens FROM app.llm_calls "
                         "WHERE purpose = 'ies_label_mapping'").fetchall()
    assert rows == [(result["document_id"], "ok", rows[0][2])] and rows[0][2] > 0


def test_without_a_warehouse_calls_go_to_stderr(monkeypatch) -> None:
    monkeypatch.delenv("BRAINOPS_WAREHOUSE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert default_sink() is stderr_sink
