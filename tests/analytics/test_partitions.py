"""The incremental Stripe facts as a daily-partitioned asset: one partition, or a backfilled range in a
single run, rebuilds exactly its window and changes nothing else."""

from __future__ import annotations

import dagster as dg
import psycopg

from pipelines.assets.dbt import STRIPE_DAILY, analytics_stripe_incremental
from pipelines.dbt_vars import FULL_REFRESH_TAG
from tests.analytics.conftest import Built, materialize

FACTS = ("fct_stripe_events", "fct_stripe_charges", "fct_stripe_balance_transactions")
ONLY_FACTS = dg.AssetSelection.assets(analytics_stripe_incremental)


def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of each fact table."""
    out = {}
    with psycopg.connect(url) as conn:
        for table in FACTS:
            out[table] = conn.execute(
                f"""SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))
                    FROM analytics.{table} t"""
            ).fetchone()
    return out


def busiest_day(url: str) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM raw.stripe_charges "
            "GROUP BY 1 ORDER BY count(*) DESC, 1 DESC LIMIT 1"
        ).fetchone()[0]


def test_the_facts_are_daily_partitioned_and_backfill_a_range_in_one_run() -> None:
    assert analytics_stripe_incremental.partitions_def == STRIPE_DAILY
    assert analytics_stripe_incremental.backfill_policy == dg.BackfillPolicy.single_run()
    assert {k.path[-1] for k in analytics_stripe_incremental.keys} == set(FACTS)


def test_one_partition_rebuilds_its_window_and_changes_nothing_else(analytics: Built) -> None:
    before = fingerprint(analytics.url)
    day = busiest_day(analytics.url)
    result = materialize(analytics.url, analytics.instance, selection=ONLY_FACTS, partition_key=day)
    assert result.success
    materialized = result.get_asset_materialization_events()
    assert {e.asset_key.path[-1] for e in materialized} == set(FACTS)
    assert {e.partition for e in materialized} == {day}
    assert fingerprint(analytics.url) == before


def test_a_partition_picks_up_a_charge_changed_in_its_window(analytics: Built) -> None:
    day = busiest_day(analytics.url)
    with psycopg.connect(analytics.url) as conn:
        charge_id = conn.execute(
            "SELECT id FROM raw.stripe_charges WHERE to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD') = %s "
            "ORDER BY id LIMIT 1",
            (day,),
        ).fetchone()[0]
        conn.execute(
            """UPDATE raw.stripe_charges SET data = jsonb_set(data, '{outcome,type}', '"manual_review"')
               WHERE id = %s""",
            (charge_id,),
        )
    assert materialize(analytics.url, analytics.instance, selection=ONLY_FACTS, partition_key=day).success
    with psycopg.connect(analytics.url) as conn:
        outcome = conn.execute(
            "SELECT outcome_type FROM analytics.fct_stripe_charges WHERE charge_id = %s", (charge_id,)
        ).fetchone()[0]
    assert outcome == "manual_review"


def test_a_backfilled_range_runs_once_and_is_idempotent(analytics: Built) -> None:
    before = fingerprint(analytics.url)
    result = materialize(
        analytics.url,
        analytics.instance,
        selection=ONLY_FACTS,
        tags={"dagster/asset_partition_range_start": "2026-10-01", "dagster/asset_partition_range_end": "2026-10-07"},
    )
    assert result.success
    partitions = {e.partition for e in result.get_asset_materialization_events()}
    assert partitions == {f"2026-10-0{d}" for d in range(1, 8)}
    assert fingerprint(analytics.url) == before


def table_oid(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT 'analytics.fct_stripe_events'::regclass::oid").fetchone()[0]


def test_without_a_partition_the_facts_catch_up_and_a_full_refresh_rebuilds_them(analytics: Built) -> None:
    before, oid = fingerprint(analytics.url), table_oid(analytics.url)
    assert materialize(analytics.url, analytics.instance, selection=ONLY_FACTS).success
    assert (fingerprint(analytics.url), table_oid(analytics.url)) == (before, oid)  # incremental: same table
    full = materialize(analytics.url, analytics.instance, selection=ONLY_FACTS, tags={FULL_REFRESH_TAG: "true"})
    assert full.success
    assert fingerprint(analytics.url) == before and table_oid(analytics.url) != oid  # rebuilt from scratch
