"""End to end on a sample PDF, XLSX and CSV: upload (API and landing dir) → upload sensor → one
partitioned run per document → raw.ies_* → the sensor's unpartitioned marts refresh (dbt) → the API's
status, contract, risk and reports; checked against the sample generator's truth. Then: access
control, re-running one partition, and an unreadable upload."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import psycopg
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from brainops.paths import DBT_PROJECT_DIR
from brainops.warehouse.connection import dbt_env
from pipelines.assets.ies import EXTRACTIONS_KEY
from pipelines.ies.evaluation import canonical_values, score
from pipelines.ies.extract import extract
from pipelines.ies.result import validation_errors
from pipelines.resources.dbt import dbt_executable
from sensors import uploads as upload_sensor
from serving.app import create_app
from tests.ies_pipeline.conftest import Keys, make_env, make_keys, run, sample_statements, table_counts, tick, upload

FORMATS = ("pdf", "xlsx", "csv")


@dataclass
class Flow:
    url: str
    client: TestClient
    keys: Keys
    instance: dg.DagsterInstance
    statements: dict[str, tuple[Path, dict[str, Any]]]
    ids: dict[str, str]
    queued: dict[str, dict]
    first_tick: Any
    extraction_runs: list[dg.ExecuteInProcessResult]
    refresh_request: dg.RunRequest
    refresh_run: dg.ExecuteInProcessResult
    cursor: str | None
    figures: dict[str, float] = field(default_factory=dict)


def _document_of(url: str, sha256: str) -> str:
    with psycopg.connect(url) as conn:
        (document_id,) = conn.execute("SELECT document_id FROM app.uploads WHERE sha256 = %s", (sha256,)).fetchone()
    return document_id


@pytest.fixture(scope="module")
def flow(pg_server: str, sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flow]:
    from tests.conftest import _create_database, _drop_database

    url = _create_database(pg_server, "brainops_test_ies_e2e")
    with pytest.MonkeyPatch.context() as mp, dg.instance_for_test() as instance:
        mp.setenv("BRAINOPS_WAREHOUSE_URL", url)
        env = make_env(tmp_path_factory.mktemp("ies-e2e"), mp)
        mp.setattr(upload_sensor, "SETTLE_SECONDS", 0)
        keys = make_keys(url)
        statements = sample_statements(sample_dir)
        with TestClient(create_app(url)) as client:
            started = time.perf_counter()
            ids = {}
            for fmt in ("pdf", "xlsx"):  # by the applicant, through the API
                path, _truth = statements[fmt]
                response = upload(client, keys.h("applicant"), path.name, path.read_bytes())
                assert response.status_code == 202, response.text
                ids[fmt] = response.json()["document_id"]
            csv_path, _truth = statements["csv"]  # dropped into the landing dir
            (env.landing_dir / csv_path.name).write_bytes(csv_path.read_bytes())
            queued = {fmt: client.get(f"/api/v1/ies/{ids[fmt]}", headers=keys.h("admin")).json()
                      for fmt in ("pdf", "xlsx")}

            first = tick(instance, url, None)  # takes the landing dir's file in as an upload
            ids["csv"] = _document_of(url, hashlib.sha256(csv_path.read_bytes()).hexdigest())
            extraction_runs = [run(instance, request, url) for request in first.run_requests]
            second = tick(instance, url, first.cursor)
            assert len(second.run_requests) == 1, second.run_requests
            refresh_run = run(instance, second.run_requests[0], url)
            risk = client.get(f"/api/v1/ies/{ids['pdf']}/risk", headers=keys.h("applicant"))
            assert risk.status_code == 200, risk.text
            figures = {"upload_to_risk_seconds": time.perf_counter() - started,
                       "marts_refresh_seconds": _run_seconds(instance, refresh_run)}
            yield Flow(url, client, keys, instance, statements, ids, queued, first, extraction_runs,
                       second.run_requests[0], refresh_run, second.cursor, figures)
    _drop_database(pg_server, "brainops_test_ies_e2e")


def _run_seconds(instance: dg.DagsterInstance, result: dg.ExecuteInProcessResult) -> float:
    record = instance.get_run_record_by_id(result.run_id)
    return (record.end_time or 0) - (record.start_time or 0)


def _metadata(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    (event,) = result.get_asset_materialization_events()
    return {k: v.value for k, v in event.materialization.metadata.items()}


def _spreads(url: str, doc: str, *, derived: bool = False) -> dict[str, dict[str, float]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT canonical_key, period_key, amount FROM analytics.ies_spreads WHERE document_id = %s"
            + ("" if derived else " AND amount_basis <> 'derived'"), (doc,)).fetchall()
    out: dict[str, dict[str, float]] = {}
    for key, period, amount in rows:
        out.setdefault(key, {})[period] = float(amount)
    return out


def test_each_document_runs_in_its_own_partition_then_the_marts_refresh_once(flow: Flow) -> None:
    requests = flow.first_tick.run_requests
    assert sorted(r.partition_key for r in requests) == sorted(flow.ids.values())
    assert sorted(flow.instance.get_dynamic_partitions("ies_documents")) == sorted(flow.ids.values())
    assert all(r.asset_selection == [EXTRACTIONS_KEY] for r in requests)
    assert all(result.success for result in flow.extraction_runs)
    for result in flow.extraction_runs:
        meta = _metadata(result)
        assert meta["status"] == "extracted" and meta["line_items"] > 0 and meta["seconds"] >= 0
        flow.figures[f"extract_{meta['file_kind']}_seconds"] = meta["seconds"]
        flow.figures[f"run_{meta['file_kind']}_seconds"] = _run_seconds(flow.instance, result)
    # The refresh is one unpartitioned run of what is downstream of the extractions: the IES dbt models and
    # (issue 5) the search index, which takes in the documents' text.
    assert flow.refresh_request.partition_key is None
    keys = {k.to_user_string() for k in flow.refresh_request.asset_selection}
    assert {"analytics/stg_ies__documents", "analytics/ies_spreads", "analytics/ies_ratios",
            "analytics/ies_risk_scores"} <= keys
    assert {k for k in keys if "ies" not in k} <= {"rag/chunks"} and "raw/ies_extractions" not in keys
    assert flow.refresh_run.success
    print("\nIES pipeline figures:", {k: round(v, 2) for k, v in sorted(flow.figures.items())})


def test_status_is_queued_without_a_contract_before_the_run(flow: Flow) -> None:
    for fmt in ("pdf", "xlsx"):
        assert flow.queued[fmt]["status"] == "queued" and flow.queued[fmt]["result"] is None


def test_the_warehouse_holds_the_contract_row_by_row(flow: Flow) -> None:
    with psycopg.connect(flow.url) as conn:
        for fmt in FORMATS:
            path, _truth = flow.statements[fmt]
            expected = extract(path)
            doc = flow.ids[fmt]
            stored = conn.execute("SELECT result, status, line_item_count FROM raw.ies_documents "
                                  "WHERE document_id = %s", (doc,)).fetchone()
            assert stored[0]["line_items"] == expected["line_items"] and stored[0]["totals"] == expected["totals"]
            assert stored[1:] == (expected["status"], len(expected["line_items"]))
            items = conn.execute("SELECT count(*) FROM raw.ies_line_items WHERE document_id = %s", (doc,)).fetchone()
            assert items[0] == sum(len(i["values"]) for i in expected["line_items"])
            checks = conn.execute("SELECT count(*) FROM raw.ies_checks WHERE document_id = %s", (doc,)).fetchone()
            assert checks[0] == len(expected["checks"])
        if_pdf = conn.execute("SELECT count(*) FILTER (WHERE page IS NOT NULL AND cardinality(bbox) = 4), count(*) "
                              "FROM raw.ies_line_items WHERE document_id = %s", (flow.ids["pdf"],)).fetchone()
        assert if_pdf[0] == if_pdf[1] > 0  # every PDF row keeps its page and bbox
        states = dict(conn.execute("SELECT document_id, status FROM app.uploads").fetchall())
    assert states == {doc: "extracted" for doc in flow.ids.values()}


def test_get_returns_the_contract_once_extracted(flow: Flow) -> None:
    body = flow.client.get(f"/api/v1/ies/{flow.ids['pdf']}", headers=flow.keys.h("applicant")).json()
    assert body["status"] == "extracted" and body["error"] is None
    assert validation_errors(body["result"]) == []
    assert body["result"]["document_id"] == flow.ids["pdf"]
    assert body["risk_url"].endswith(f"/api/v1/ies/{flow.ids['pdf']}/risk")


def test_spreads_match_the_generators_truth(flow: Flow) -> None:
    for fmt in FORMATS:
        path, truth = flow.statements[fmt]
        result = extract(path)
        spreads = _spreads(flow.url, flow.ids[fmt])
        # The mart aggregates exactly as the evaluation does (printed total, else the sum of the rows)...
        expected = {key: {p: round(v, 2) for p, v in periods.items()}
                    for key, periods in canonical_values(result).items()}
        assert spreads == expected, fmt
        # ...and against the generator's truth it is as good as the extraction itself.
        as_result = {"line_items": [{"canonical": k, "is_total": True, "values": v} for k, v in spreads.items()]}
        truth_score = score(as_result, truth)
        assert truth_score.accuracy >= 0.95, (fmt, truth_score.misses[:5])
        assert truth_score.accuracy == score(result, truth).accuracy


def test_ratios_and_dscr_use_the_statements_debt_service(flow: Flow) -> None:
    with psycopg.connect(flow.url) as conn:
        for fmt in FORMATS:
            _path, truth = flow.statements[fmt]
            anchor = conn.execute(
                """SELECT r.debt_service, r.dscr, r.net_operating_income, s.flag_names
                   FROM analytics.ies_ratios r JOIN analytics.ies_risk_scores s USING (document_id)
                   WHERE r.document_id = %s AND r.is_anchor""", (flow.ids[fmt],)).fetchone()
            debt, dscr, noi, flags = anchor
            if truth["debt_service"] is None:
                assert debt is None and dscr is None and "dscr_unavailable" in flags
            else:
                assert float(debt) == pytest.approx(truth["debt_service"], abs=0.5 * truth["unit_multiplier"])
                assert float(dscr) == pytest.approx(float(noi) / float(debt), abs=1e-4)
                assert "dscr_unavailable" not in flags


def test_risk_is_served_with_flags_and_reasons(flow: Flow) -> None:
    for fmt in ("pdf", "xlsx"):
        risk = flow.client.get(f"/api/v1/ies/{flow.ids[fmt]}/risk", headers=flow.keys.h("applicant")).json()
        assert 0 <= risk["score"] <= 100 and risk["grade"] in "ABCDE"
        assert risk["anchor_period_key"]
        assert len(risk["recommendations"]) == len(risk["flags"])
        for flag in risk["flags"]:
            assert flag["reason"].endswith(".") and flag["points"] > 0 and flag["recommendation"]


def test_reports_carry_the_spread_ratios_and_sources(flow: Flow) -> None:
    doc = flow.ids["xlsx"]
    csv_response = flow.client.get(f"/api/v1/ies/{doc}/report.csv", headers=flow.keys.h("applicant"))
    assert csv_response.status_code == 200 and csv_response.headers["content-type"].startswith("text/csv")
    assert "_spread.csv" in csv_response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(csv_response.text)))
    header, body = rows[0], rows[1:]
    periods = [p["key"] for p in extract(flow.statements["xlsx"][0])["periods"]]
    assert header == ["kind", "key", "line", *periods, "source"]
    by_key = {r[1]: r for r in body}
    assert {"total_income", "net_operating_income", "noi_margin", "expense_ratio"} <= set(by_key)
    assert all(r[-1] for r in body)  # every row says where it came from
    spreads = _spreads(flow.url, doc, derived=True)
    assert float(by_key["total_income"][3]) == spreads["total_income"][periods[0]]
    assert by_key["noi_margin"][-1].startswith("computed:")

    xlsx = flow.client.get(f"/api/v1/ies/{doc}/report.xlsx", headers=flow.keys.h("applicant"))
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Spread", "Risk"]
    values = [[c for c in row] for row in book["Spread"].iter_rows(values_only=True)]
    header_row = next(r for r in values if r and r[0] == "Line")
    assert header_row[-1] == "Source" and len(header_row) == len(periods) + 3
    assert any(r and r[1] == "total_income" and r[2] == spreads["total_income"][periods[0]] for r in values)
    assert book["Risk"]["A1"].value == "Score"


def test_only_the_uploader_and_admins_see_a_document(flow: Flow) -> None:
    client, keys, pdf = flow.client, flow.keys, flow.ids["pdf"]
    for suffix in ("", "/risk", "/report.xlsx", "/report.csv"):
        assert client.get(f"/api/v1/ies/{pdf}{suffix}", headers=keys.h("other_applicant")).status_code == 404
        assert client.get(f"/api/v1/ies/{pdf}{suffix}", headers=keys.h("admin")).status_code == 200
        assert client.get(f"/api/v1/ies/{pdf}{suffix}", headers=keys.h("applicant")).status_code == 200
        assert client.get(f"/api/v1/ies/{pdf}{suffix}", headers=keys.h("analyst")).status_code == 200
    unknown = client.get("/api/v1/ies/ies_0000000000000000", headers=keys.h("applicant"))
    assert unknown.status_code == 404 and unknown.json()["detail"] == client.get(
        f"/api/v1/ies/{pdf}", headers=keys.h("other_applicant")).json()["detail"].replace(pdf, "ies_0000000000000000")
    # A landing-dir document has no uploader key: admins only.
    landing = flow.ids["csv"]
    assert client.get(f"/api/v1/ies/{landing}", headers=keys.h("applicant")).status_code == 404
    assert client.get(f"/api/v1/ies/{landing}", headers=keys.h("admin")).json()["status"] == "extracted"

    def listed(who: str, query: str = "") -> dict:
        return client.get(f"/api/v1/ies{query}", headers=keys.h(who)).json()

    assert {d["document_id"] for d in listed("applicant")["items"]} == {flow.ids["pdf"], flow.ids["xlsx"]}
    assert listed("other_applicant") == {"items": [], "total": 0, "next": None}
    assert listed("admin")["total"] == 3
    assert listed("admin", "?status=queued")["total"] == 0
    page = listed("admin", "?status=extracted&limit=2")
    assert len(page["items"]) == 2 and page["total"] == 3 and "offset=2" in page["next"]
    assert client.get("/api/v1/ies?status=bogus", headers=keys.h("admin")).status_code == 422


def test_the_dbt_unit_tests_of_the_risk_rules_pass(flow: Flow, tmp_path: Path) -> None:
    env = {**os.environ, **dbt_env(flow.url)}
    result = subprocess.run(
        [dbt_executable(), "test", "--select", "ies_risk_scores,test_type:unit", "--project-dir",
         str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs")],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    for unit_test in ("ies_risk_dscr_thresholds", "ies_risk_flags_carry_their_reason",
                      "ies_risk_margin_expense_vacancy_by_type", "ies_risk_negative_growth_and_tie_out_failures",
                      "ies_risk_score_to_grade"):
        assert f"PASS ies_risk_scores::{unit_test}" in result.stdout, unit_test
    assert "ERROR=0" in result.stdout


def test_rerunning_one_partition_replaces_its_rows(flow: Flow) -> None:
    before = table_counts(flow.url)
    with psycopg.connect(flow.url) as conn:
        loaded_before = conn.execute("SELECT _loaded_at FROM raw.ies_documents WHERE document_id = %s",
                                     (flow.ids["pdf"],)).fetchone()[0]
    again = run(flow.instance, dg.RunRequest(partition_key=flow.ids["pdf"], asset_selection=[EXTRACTIONS_KEY]),
                flow.url)
    assert again.success
    assert table_counts(flow.url) == before  # no duplicates, nothing else touched
    with psycopg.connect(flow.url) as conn:
        loaded_after = conn.execute("SELECT _loaded_at FROM raw.ies_documents WHERE document_id = %s",
                                    (flow.ids["pdf"],)).fetchone()[0]
    assert loaded_after > loaded_before
    # The sensor sees the new materialization: only a marts refresh, no extraction.
    refresh = tick(flow.instance, flow.url, flow.cursor)
    assert [r.partition_key for r in refresh.run_requests] == [None]
    assert run(flow.instance, refresh.run_requests[0], flow.url).success
    flow.cursor = refresh.cursor
    assert table_counts(flow.url) == before


def test_an_unreadable_upload_is_quarantined_and_nothing_else_changes(flow: Flow) -> None:
    before = table_counts(flow.url)
    spreads_before = {doc: _spreads(flow.url, doc, derived=True) for doc in flow.ids.values()}
    broken = b"%PDF-1.7\n" + os.urandom(4000)  # a PDF by its header, unreadable inside
    response = upload(flow.client, flow.keys.h("applicant"), "damaged.pdf", broken)
    assert response.status_code == 202
    doc = response.json()["document_id"]

    state = tick(flow.instance, flow.url, flow.cursor)
    results = [run(flow.instance, request, flow.url) for request in state.run_requests]
    assert [r.partition_key for r in state.run_requests] == [doc] and all(r.success for r in results)
    assert _metadata(results[0])["status"] == "failed"
    state = tick(flow.instance, flow.url, state.cursor)
    for request in state.run_requests:  # a marts refresh that changes nothing
        assert run(flow.instance, request, flow.url).success
    flow.cursor = state.cursor

    after = table_counts(flow.url)
    assert after == {**before, "app.uploads": before["app.uploads"] + 1,
                     "app.upload_quarantine": before["app.upload_quarantine"] + 1}
    assert {d: _spreads(flow.url, d, derived=True) for d in flow.ids.values()} == spreads_before
    with psycopg.connect(flow.url) as conn:
        quarantine = conn.execute("SELECT source_file, reason, quarantined_path FROM app.upload_quarantine "
                                  "WHERE upload_id = (SELECT upload_id FROM app.uploads WHERE document_id = %s)",
                                  (doc,)).fetchone()
    assert quarantine[0] == "damaged.pdf" and "cannot be opened" in quarantine[1]
    status = flow.client.get(f"/api/v1/ies/{doc}", headers=flow.keys.h("applicant")).json()
    assert status["status"] == "failed" and "Export it again" in status["error"] and status["result"] is None
    risk = flow.client.get(f"/api/v1/ies/{doc}/risk", headers=flow.keys.h("applicant"))
    assert risk.status_code == 409 and "could not be read" in risk.json()["detail"]
    assert flow.client.get(f"/api/v1/ies/{doc}/report.csv", headers=flow.keys.h("applicant")).status_code == 409


def test_bad_inputs_and_a_document_over_the_time_limit_fail_alone(flow: Flow, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's unreadable inputs through the whole path: what the API refuses never becomes a document;
    what it takes ends failed with its reason (quarantined), and no other document's rows change. A readable
    statement over IES_DOCUMENT_TIMEOUT_SECONDS ends failed too, naming the variable."""
    from tests.ies.handmade import bad_inputs, small_statement_pdf

    before = table_counts(flow.url)
    spreads_before = {doc: _spreads(flow.url, doc, derived=True) for doc in flow.ids.values()}
    bad = {name: case for name, case in bad_inputs(tmp_path).items() if case[1] == "failed"}  # no rows to add
    answers = {name: upload(flow.client, flow.keys.h("applicant"), name, data)
               for name, (data, _status, _phrase) in bad.items()}
    assert {r.status_code for r in answers.values()} <= {202, 415}, {n: r.text for n, r in answers.items()}
    refused = {name for name, response in answers.items() if response.status_code == 415}
    assert refused == {"empty.pdf", "photo.pdf", "random.xlsx"}  # judged by content at the door
    failing = {name: data for name, (data, _status, _phrase) in bad.items() if name not in refused}
    docs = {answers[name].json()["document_id"]: name for name in failing}

    state = tick(flow.instance, flow.url, flow.cursor)
    assert sorted(r.partition_key for r in state.run_requests) == sorted(docs)
    for request in state.run_requests:
        assert run(flow.instance, request, flow.url).success
    # A good statement, but the time limit is far too short for it.
    slow = small_statement_pdf(tmp_path / "slow.pdf")
    slow_upload = upload(flow.client, flow.keys.h("applicant"), "slow.pdf", slow)
    assert slow_upload.status_code == 202
    slow_id = slow_upload.json()["document_id"]
    monkeypatch.setenv("IES_DOCUMENT_TIMEOUT_SECONDS", "0.000001")
    state = tick(flow.instance, flow.url, state.cursor)
    (slow_request,) = [r for r in state.run_requests if r.partition_key]
    assert slow_request.partition_key == slow_id
    assert run(flow.instance, slow_request, flow.url).success
    monkeypatch.delenv("IES_DOCUMENT_TIMEOUT_SECONDS")
    refreshes = [r for r in state.run_requests if not r.partition_key]
    state = tick(flow.instance, flow.url, state.cursor)
    for request in [*refreshes, *state.run_requests]:  # marts refreshes: nothing of theirs to add
        assert request.partition_key is None and run(flow.instance, request, flow.url).success
    flow.cursor = state.cursor

    for doc, name in docs.items():
        body = flow.client.get(f"/api/v1/ies/{doc}", headers=flow.keys.h("applicant")).json()
        assert body["status"] == "failed" and bad[name][2] in body["error"], (name, body["error"])
    body = flow.client.get(f"/api/v1/ies/{slow_id}", headers=flow.keys.h("applicant")).json()
    assert body["status"] == "failed" and "IES_DOCUMENT_TIMEOUT_SECONDS" in body["error"]
    added = len(docs) + 1
    assert table_counts(flow.url) == {**before, "app.uploads": before["app.uploads"] + added,
                                      "app.upload_quarantine": before["app.upload_quarantine"] + added}
    assert {d: _spreads(flow.url, d, derived=True) for d in flow.ids.values()} == spreads_before
