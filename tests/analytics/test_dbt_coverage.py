"""What the issue asks of the dbt project, checked against dbt's own manifest and the built warehouse:
every model's primary key tested, every foreign key column with a relationships test, accepted values
on every status, enforced contracts on the marts the API reads, unit tests for the tricky rules, and
freshness on every source we ingest. (IES models and sources belong to the IES work and are left out.)"""

from __future__ import annotations

import json
import subprocess
from collections import defaultdict
from typing import Any

import psycopg
import pytest

from brainops.paths import DBT_PROJECT_DIR
from pipelines.resources.dbt import dbt_executable
from tests.analytics.conftest import Built

MARTS = {"customer_360", "revenue_monthly", "job_profitability", "sales_pipeline", "ar_aging", "payment_risk",
         "customers", "unmatched_customers"}

# Text `_id` columns that reference nothing we model, with the reason.
NOT_FOREIGN_KEYS = {
    ("fct_stripe_events", "object_id"): "polymorphic: the id of whatever object the event is about",
    ("stg_stripe__events", "object_id"): "polymorphic: the id of whatever object the event is about",
    ("stg_stripe__events", "request_id"): "the id of the API request behind the event; requests are not data",
    ("stg_stripe__customers", "default_payment_method_id"): "payment methods are not synced (card data)",
    ("stg_stripe__payouts", "destination_id"): "the bank account paid out to; not synced",
    ("stg_stripe__balance_transactions", "source_id"): "polymorphic: a charge, refund, payout, ...",
    ("fct_stripe_balance_transactions", "source_id"): "polymorphic: a charge, refund, payout, ...",
    ("stg_notion__data_sources", "database_id"): "Notion's database container; its data sources are synced",
    ("stg_notion__pages", "database_id"): "Notion's database container; its data sources are synced",
    ("unmatched_customers", "source_id"): "a CenterPoint company or a Stripe customer, by source_system",
    ("unmatched_customers", "candidate_id"): "the best candidate on the other side, by source_system",
}
# Status-like columns that are not one enumeration.
NOT_ENUMERATIONS = {
    ("fct_stripe_events", "object_status"): "the status of whatever object the event carries (charge, invoice, ...)",
}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    # A fresh parse of the project as it is now, not whatever manifest dbt/target holds.
    target = tmp_path_factory.mktemp("dbt_parse")
    subprocess.run(
        [dbt_executable(), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target), "--log-path", str(target)],
        check=True, capture_output=True,
    )
    return json.loads((target / "manifest.json").read_text())


def ours(node: dict[str, Any]) -> bool:
    return "/ies/" not in node["original_file_path"] and not node["original_file_path"].endswith("ies.yml")


def models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model" and ours(n)}


def column_tests(manifest: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    """(model, column) -> the generic tests on it."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("column_name"):
            continue
        model = node.get("attached_node") or ""
        if model.startswith("model."):
            out[(model.split(".")[-1], node["column_name"])].add(node["test_metadata"]["name"])
    return out


def relation_columns(built: Built, *, text_only: bool = False) -> dict[str, list[str]]:
    """Each built relation's columns in order (only the text ones: ids are text here, flags are not)."""
    with psycopg.connect(built.url) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'analytics' ORDER BY table_name, ordinal_position"
        ).fetchall()
    out: dict[str, list[str]] = defaultdict(list)
    for table, column, data_type in rows:
        if not text_only or data_type in ("text", "character varying"):
            out[table].append(column)
    return out


def primary_key(name: str, manifest: dict[str, Any]) -> str:
    tests = column_tests(manifest)
    [key] = [c for (m, c), names in tests.items() if m == name and {"unique", "not_null"} <= names][:1] or [""]
    return key


def test_every_model_has_a_unique_not_null_primary_key(manifest: dict[str, Any]) -> None:
    missing = [name for name in models(manifest) if not primary_key(name, manifest)]
    assert missing == []


def test_every_foreign_key_column_has_a_relationships_test(manifest: dict[str, Any], analytics: Built) -> None:
    tests = column_tests(manifest)
    built = relation_columns(analytics)
    columns = relation_columns(analytics, text_only=True)
    missing = []
    for name in models(manifest):
        key = primary_key(name, manifest)
        assert built.get(name), f"{name} was not built"
        for column in columns[name]:
            if not column.endswith("_id") or column == key or (name, column) in NOT_FOREIGN_KEYS:
                continue
            if "relationships" not in tests[(name, column)]:
                missing.append(f"{name}.{column}")
    assert missing == []


def test_every_status_column_has_accepted_values(manifest: dict[str, Any], analytics: Built) -> None:
    tests = column_tests(manifest)
    columns = relation_columns(analytics, text_only=True)
    missing = [
        f"{name}.{column}"
        for name in models(manifest)
        for column in columns[name]
        if (column.endswith("_status") or column.endswith("_level")) and (name, column) not in NOT_ENUMERATIONS
        and "accepted_values" not in tests[(name, column)]
    ]
    assert missing == []


def test_the_marts_enforce_their_contracts(manifest: dict[str, Any]) -> None:
    found = models(manifest)
    for mart in MARTS:
        config = found[mart]["config"]
        assert config["contract"]["enforced"], mart
        assert config["materialized"] == "table", mart
        assert found[mart]["columns"], mart
        assert all(c.get("data_type") for c in found[mart]["columns"].values()), mart


def test_unit_tests_cover_mrr_movements_aging_buckets_and_risk_rules(manifest: dict[str, Any]) -> None:
    tested = {t["model"] for t in manifest["unit_tests"].values()}
    assert {"int_subscription_mrr_months", "int_centerpoint__invoices_aged", "payment_risk"} <= tested


def test_every_ingested_source_declares_freshness(manifest: dict[str, Any]) -> None:
    stale_unknown = [
        f"{s['source_name']}.{s['name']}"
        for s in manifest["sources"].values()
        if s["source_name"] in {"centerpoint", "stripe", "notion"}
        and not (s.get("loaded_at_field") and (s["freshness"].get("warn_after") or {}).get("count"))
    ]
    assert stale_unknown == []


def test_the_marts_contract_columns_are_the_built_columns(manifest: dict[str, Any], analytics: Built) -> None:
    columns = relation_columns(analytics)
    found = models(manifest)
    for mart in MARTS:
        assert list(found[mart]["columns"]) == columns[mart], mart


def test_every_raw_table_we_ingest_has_a_staging_model(manifest: dict[str, Any]) -> None:
    staged = {
        dependency
        for node in models(manifest).values()
        if node["name"].startswith("stg_")
        for dependency in node["depends_on"]["nodes"]
    }
    unstaged = [
        source["name"]
        for source_id, source in manifest["sources"].items()
        if source["source_name"] in {"centerpoint", "stripe", "notion"} and source_id not in staged
    ]
    assert unstaged == []
