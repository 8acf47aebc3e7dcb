"""The whole code location materialized with real Dagster, dbt and Postgres, checked against the
sample generator's own ground truth."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from pipelines.definitions import defs
from pipelines.jobs import EVERY_UNPARTITIONED_ASSET
from pipelines.resources.centerpoint import CenterPointResource
from pipelines.resources.dbt import dbt_resource
from pipelines.resources.stripe import StripeResource
from pipelines.resources.warehouse import WarehouseResource


def materialize_everything(url: str) -> dg.ExecuteInProcessResult:
    assets = list(defs.assets or [])
    return dg.materialize(
        assets,
        # Everything but the per-document IES extractions: their partitions come from uploads (tests/ies_pipeline).
        selection=EVERY_UNPARTITIONED_ASSET,
        resources={
            # Any other source as the definitions configure it: sample mode here (conftest clears credentials).
            **(defs.resources or {}),
            "warehouse": WarehouseResource(database_url=url),
            "centerpoint": CenterPointResource(),  # no key: sample mode, local stand-in
            "stripe": StripeResource(),  # no key, no base: sample mode, local stand-in
            "dbt": dbt_resource(),
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            """SELECT table_schema || '.' || table_name FROM information_schema.tables
               WHERE table_schema IN ('raw', 'analytics') AND table_type = 'BASE TABLE'"""
        ).fetchall()
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for (t,) in tables}


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_dir: Path, pg_server: str):
    """One materialized warehouse for the module (materializing twice on the way)."""
    from tests.conftest import _create_database, _drop_database

    url = _create_database(pg_server, "brainops_test_materialize")
    first = materialize_everything(url)
    counts_after_first = row_counts(url)
    second = materialize_everything(url)
    yield {"url": url, "first": first, "second": second, "counts": (counts_after_first, row_counts(url))}
    _drop_database(pg_server, "brainops_test_materialize")


def test_every_asset_materializes_and_every_dbt_test_passes(built) -> None:
    result = built["first"]
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert materialized == EVERY_UNPARTITIONED_ASSET.resolve(defs.resolve_asset_graph())
    checks = result.get_asset_check_evaluations()
    assert checks, "dbt tests should surface as asset checks"
    failed = [c.check_name for c in checks if not c.passed and c.severity == dg.AssetCheckSeverity.ERROR]
    assert failed == []


def test_materializing_twice_changes_no_row_counts(built) -> None:
    assert built["second"].success
    first, second = built["counts"]
    assert first == second
    assert first["analytics.customers"] > 0


def test_customers_mart_matches_the_generators_truth(built, sample_dir: Path) -> None:
    truth = {}
    with (sample_dir / "truth" / "customers.jsonl").open() as f:
        for line in f:
            t = json.loads(line)
            truth[t["company_id"]] = t
    with psycopg.connect(built["url"]) as conn:
        rows = conn.execute(
            "SELECT customer_id, jobs, revenue_invoiced, amount_paid, open_receivables FROM analytics.customers"
        ).fetchall()
    assert len(rows) > 0.9 * len(truth)
    mismatches = []
    for customer_id, jobs, invoiced, paid, open_ in rows:
        t = truth[customer_id]
        expected = (
            t["jobs"],
            Decimal(str(t["invoiced_total"])),
            Decimal(str(t["paid_total"])),
            Decimal(str(t["open_balance"])),
        )
        if (jobs, invoiced, paid, open_) != expected:
            mismatches.append((customer_id, (jobs, invoiced, paid, open_), expected))
    assert mismatches == []


def test_the_daily_schedule_targets_centerpoint_and_its_downstream_models() -> None:
    schedule = defs.get_schedule_def("centerpoint_daily_schedule")
    job = defs.resolve_job_def(schedule.job_name)
    keys = set(job.asset_layer.selected_asset_keys)
    assert dg.AssetKey(["raw", "centerpoint_invoices"]) in keys
    assert dg.AssetKey(["analytics", "customers"]) in keys


def test_stripe_staging_matches_the_generators_truth(built, sample_dir: Path) -> None:
    summary = json.loads((sample_dir / "truth" / "summary.json").read_text())
    latest = json.loads((sample_dir / "truth" / "mrr_by_month.jsonl").read_text().splitlines()[-1])
    with psycopg.connect(built["url"]) as conn:
        customers = conn.execute("SELECT count(*) FROM analytics.stg_stripe__customers").fetchone()[0]
        subscriptions = conn.execute("SELECT count(*) FROM analytics.stg_stripe__subscriptions").fetchone()[0]
        # MRR as the generator counts it: active or past_due plans, annual ones per month.
        paying, mrr = conn.execute(
            """SELECT count(*), coalesce(sum(plan_amount / case plan_interval when 'year' then 12 else 1 end), 0)
               FROM analytics.stg_stripe__subscriptions
               WHERE subscription_status IN ('active', 'past_due')"""
        ).fetchone()
    assert (customers, subscriptions) == (summary["stripe_customers"], summary["subscriptions"])
    assert (paying, mrr) == (latest["active_subscriptions"], Decimal(str(latest["mrr"])))
