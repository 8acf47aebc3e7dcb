"""The Great Expectations suites catch injected faults, and a failing (blocking) check stops what is
downstream of the table in that run."""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg
import pandas as pd
import psycopg
import pytest

from pipelines.assets.centerpoint import centerpoint_raw
from pipelines.assets.dbt import analytics_dbt, analytics_stripe_incremental
from pipelines.assets.stripe import stripe_raw
from pipelines.checks.expectations import MART_SUITES, RAW_SUITES, Finding, row_count_finding, run_suite, validate_frame
from pipelines.checks.gx import CHECK_NAME, gx_centerpoint_checks, gx_stripe_checks
from tests.analytics.conftest import Built, materialize

CHARGES = RAW_SUITES["raw.stripe_charges"]


def clean_charges() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["ch_1", "ch_2", "ch_3"],
            "status": ["succeeded", "failed", "succeeded"],
            "currency": ["usd", "usd", "usd"],
            "amount": [1900, 3900, 39000],
            "amount_refunded": [0, 0, 1000],
            "created_days_ago": [10.0, 3.5, 0.1],
        }
    )


def failed_checks(findings: list[Finding]) -> set[str]:
    return {f.check for f in findings if not f.passed and not f.warn_only}


def test_clean_frame_passes() -> None:
    assert failed_checks(validate_frame(CHARGES, clean_charges())) == set()


@pytest.mark.parametrize(
    ("column", "index", "value", "caught_by"),
    [
        ("id", 1, None, "ExpectColumnValuesToNotBeNull(id)"),
        ("id", 1, "ch_1", "ExpectColumnValuesToBeUnique(id)"),
        ("id", 2, "py_3", "ExpectColumnValuesToMatchRegex(id)"),
        ("status", 0, "refunded-ish", "ExpectColumnValuesToBeInSet(status)"),
        ("amount", 0, -500, "ExpectColumnValuesToBeBetween(amount)"),
        ("amount_refunded", 0, 5000, "ExpectColumnPairValuesAToBeGreaterThanB(amount,amount_refunded)"),
        ("currency", 2, "US Dollars", "ExpectColumnValuesToMatchRegex(currency)"),
        ("created_days_ago", 1, -30.0, "ExpectColumnValuesToBeBetween(created_days_ago)"),
    ],
)
def test_each_injected_fault_is_caught(column: str, index: int, value: object, caught_by: str) -> None:
    frame = clean_charges()
    frame[column] = frame[column].astype(object)
    frame.at[index, column] = value
    assert caught_by in failed_checks(validate_frame(CHARGES, frame))


def test_a_soft_expectation_warns_without_failing() -> None:
    frame = pd.DataFrame({"id": ["cus_1", "cus_2"], "email": [None, None], "created_days_ago": [1.0, 2.0]})
    findings = validate_frame(RAW_SUITES["raw.stripe_customers"], frame)
    assert failed_checks(findings) == set()
    assert [f.check for f in findings if f.warn_only and not f.passed] == ["ExpectColumnValuesToNotBeNull(email)"]


def test_row_count_change_against_the_previous_run() -> None:
    invoices = RAW_SUITES["raw.centerpoint_invoices"]
    assert row_count_finding(invoices, 1000, None).passed
    assert row_count_finding(invoices, 1200, 1000).passed
    assert row_count_finding(invoices, 995, 1000).passed  # within 1%
    dropped = row_count_finding(invoices, 600, 1000)
    assert not dropped.passed and "-40.0%" in dropped.detail
    assert not row_count_finding(invoices, 0, None).passed


def test_injected_bad_rows_in_a_mart_are_caught(analytics: Built) -> None:
    with psycopg.connect(analytics.url) as conn:  # rolled back: the shared warehouse stays as built
        conn.execute("UPDATE analytics.payment_risk SET risk_score = 150 WHERE customer_id IN "
                     "(SELECT customer_id FROM analytics.payment_risk ORDER BY customer_id LIMIT 3)")
        conn.execute("UPDATE analytics.customer_360 SET open_receivables = -10 WHERE customer_id IN "
                     "(SELECT customer_id FROM analytics.customer_360 ORDER BY customer_id LIMIT 2)")
        risk = run_suite(conn, MART_SUITES["analytics.payment_risk"], previous_row_count=None)
        customers = run_suite(conn, MART_SUITES["analytics.customer_360"], previous_row_count=None)
        conn.rollback()
    assert failed_checks(risk.findings) == {"ExpectColumnValuesToBeBetween(risk_score)"}
    assert failed_checks(customers.findings) == {"ExpectColumnValuesToBeBetween(open_receivables)"}


@pytest.fixture(scope="module")
def raw_only(sample_dir, pg_server: str) -> Iterator[tuple[str, dg.DagsterInstance]]:
    """A warehouse with the raw tables synced and their checks run once (the row-count baseline)."""
    from tests.conftest import _create_database, _drop_database

    url = _create_database(pg_server, "brainops_test_gx_faults")
    with dg.DagsterInstance.ephemeral() as instance:
        first = materialize(
            url,
            instance,
            selection=dg.AssetSelection.assets(centerpoint_raw, stripe_raw)
            .without_checks()
            | dg.AssetSelection.checks(gx_centerpoint_checks, gx_stripe_checks),
        )
        assert first.success
        assert all(e.passed for e in first.get_asset_check_evaluations())
        yield url, instance
    _drop_database(pg_server, "brainops_test_gx_faults")


def check_evaluation(result: dg.ExecuteInProcessResult, table: str) -> dg.AssetCheckEvaluation:
    [evaluation] = [
        e for e in result.get_asset_check_evaluations()
        if e.asset_key == dg.AssetKey(["raw", table]) and e.check_name == CHECK_NAME
    ]
    return evaluation


def test_a_failing_blocking_check_stops_the_models_downstream(raw_only) -> None:
    url, instance = raw_only
    with psycopg.connect(url) as conn:
        conn.execute(
            "UPDATE raw.stripe_charges SET amount = -amount WHERE id = (SELECT min(id) FROM raw.stripe_charges)"
        )
    try:
        result = materialize(
            url,
            instance,
            selection=dg.AssetSelection.checks(gx_stripe_checks)
            | dg.AssetSelection.assets(analytics_stripe_incremental, analytics_dbt),
        )
    finally:
        with psycopg.connect(url) as conn:
            conn.execute("UPDATE raw.stripe_charges SET amount = abs(amount)")
    assert not result.success
    evaluation = check_evaluation(result, "stripe_charges")
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert "ExpectColumnValuesToBeBetween(amount)" in evaluation.description
    assert "FAIL" in evaluation.metadata["findings"].value
    # Blocked: no dbt model was built, and the dbt steps never started.
    assert result.get_asset_materialization_events() == []
    steps = {e.step_key: e.event_type for e in result.all_events if e.step_key}
    assert steps["gx_stripe_checks"] == dg.DagsterEventType.STEP_FAILURE
    started = {e.step_key for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_START}
    assert started.isdisjoint({"analytics_dbt", "analytics_stripe_incremental"})


def test_rows_disappearing_since_the_last_run_fail_the_row_count_check(raw_only) -> None:
    url, instance = raw_only
    with psycopg.connect(url) as conn:
        before = conn.execute("SELECT count(*) FROM raw.centerpoint_invoices").fetchone()[0]
        conn.execute("DELETE FROM raw.centerpoint_invoices WHERE id IN "
                     "(SELECT id FROM raw.centerpoint_invoices ORDER BY id LIMIT %s)", (before // 3,))
    result = materialize(url, instance, selection=dg.AssetSelection.checks(gx_centerpoint_checks))
    evaluation = check_evaluation(result, "centerpoint_invoices")
    assert not evaluation.passed and "row_count_change" in evaluation.description
    assert evaluation.metadata["previous_row_count"].value == before
    assert evaluation.metadata["row_count"].value == before - before // 3
    assert check_evaluation(result, "centerpoint_companies").passed


def test_a_changed_schema_fails_the_schema_check(raw_only) -> None:
    url, instance = raw_only
    with psycopg.connect(url) as conn:
        conn.execute("ALTER TABLE raw.stripe_disputes RENAME COLUMN charge_id TO charge")
    result = materialize(url, instance, selection=dg.AssetSelection.checks(gx_stripe_checks))
    evaluation = check_evaluation(result, "stripe_disputes")
    assert not evaluation.passed and "missing columns: charge_id" in evaluation.description
