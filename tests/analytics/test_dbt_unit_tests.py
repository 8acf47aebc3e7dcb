"""dbt's own unit tests (MRR movements, aging buckets, payment-risk rules, customer matching) and source
freshness, run by dbt against the built warehouse."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from brainops.paths import DBT_PROJECT_DIR
from brainops.warehouse.connection import dbt_env
from pipelines.resources.dbt import dbt_executable
from tests.analytics.conftest import Built

UNIT_TESTS = {
    "mrr_movements_new_expansion_contraction_churn",
    "aging_buckets_by_days_past_due",
    "payment_risk_rules",
    "match_confidence_by_evidence",
}


def run_dbt(built: Built, tmp_path: Path, *args: str) -> Path:
    """Run a dbt command against the built warehouse; its target directory (run_results.json, ...)."""
    target = tmp_path / "target"
    result = subprocess.run(
        [
            dbt_executable(), *args,
            "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(target), "--log-path", str(tmp_path / "logs"),
        ],
        env={**os.environ, **dbt_env(built.url)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    return target


def test_dbt_unit_tests_pass(analytics: Built, tmp_path: Path) -> None:
    target = run_dbt(analytics, tmp_path, "test", "--select", "test_type:unit")
    results = json.loads((target / "run_results.json").read_text())["results"]
    passed = {r["unique_id"].rsplit(".", 1)[-1] for r in results if r["status"] == "pass"}
    assert passed >= UNIT_TESTS


def test_sources_are_fresh_after_a_sync(analytics: Built, tmp_path: Path) -> None:
    target = run_dbt(analytics, tmp_path, "source", "freshness", "--select", "source:centerpoint", "source:stripe")
    sources = json.loads((target / "sources.json").read_text())["results"]
    assert len(sources) == 19 and {s["status"] for s in sources} == {"pass"}
