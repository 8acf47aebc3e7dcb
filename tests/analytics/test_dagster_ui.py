"""What the Dagster UI shows and does, through the UI's own GraphQL API against the real code location
(pipelines.definitions in its own code server, as `dagster dev` runs it): the marts' freshness policies
and blocking checks, and a backfill of a date range of the incremental Stripe facts, launched with the
`launchPartitionBackfill` mutation and carried out by the backfill daemon's iterations and a run worker.
BackfillPolicy.single_run makes the seven days one run with one dbt invocation."""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, TypeVar

import dagster as dg
import pytest
from dagster._core.execution.backfill import BulkActionStatus
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import ModuleTarget
from dagster._daemon.backfill import execute_backfill_iteration
from dagster_graphql.client.query import LAUNCH_PARTITION_BACKFILL_MUTATION
from dagster_graphql.test.utils import execute_dagster_graphql

from brainops.paths import PROJECT_ROOT
from tests.analytics.conftest import Built
from tests.analytics.test_partitions import FACTS, fingerprint

MARTS = ["customer_360", "revenue_monthly", "job_profitability", "sales_pipeline", "ar_aging", "payment_risk"]
DAYS = [f"2026-10-0{d}" for d in range(1, 8)]
T = TypeVar("T")
FINISHED = {BulkActionStatus.COMPLETED, BulkActionStatus.COMPLETED_SUCCESS, BulkActionStatus.COMPLETED_FAILED,
            BulkActionStatus.FAILED, BulkActionStatus.CANCELED}

ASSET_QUERY = """
query AssetInUi($key: AssetKeyInput!) {
  instance { freshnessEvaluationEnabled }
  assetNodeOrError(assetKey: $key) {
    __typename
    ... on AssetNode {
      internalFreshnessPolicy {
        __typename
        ... on TimeWindowFreshnessPolicy { failWindowSeconds warnWindowSeconds }
      }
      assetChecksOrError { ... on AssetChecks { checks { name blocking } } }
    }
  }
}
"""


@dataclass
class Ui:
    """The code location as the webserver sees it, in a context of its own (see `workspace`)."""

    context: contextvars.Context
    process: WorkspaceProcessContext

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        return self.context.run(fn, *args)

    def graphql(self, query: str, variables: dict[str, Any]) -> Any:
        """What the webserver answers the UI for `query`."""
        return self.run(lambda: execute_dagster_graphql(self.process.create_request_context(), query, variables))


@pytest.fixture(scope="module")
def workspace(analytics: Built) -> Iterator[Ui]:
    # Every DagsterInstance sets the context's current definitions-state storage, and one made from this
    # instance's ref (by GraphQL or the backfill daemon) can put its storage back long after, when it is
    # garbage-collected. Doing all of it in a context of its own keeps that from the other tests.
    context = contextvars.Context()
    stack = ExitStack()
    target = ModuleTarget(module_name="pipelines.definitions", attribute=None,
                          working_directory=str(PROJECT_ROOT), location_name="pipelines")
    # Runs launch as soon as the backfill submits them (production queues them for the run-queue daemon).
    coordinator = {"module": "dagster.core.run_coordinator", "class": "DefaultRunCoordinator"}

    def enter() -> WorkspaceProcessContext:
        # The code server and the run worker are subprocesses: they find the warehouse through the environment.
        env = stack.enter_context(pytest.MonkeyPatch.context())
        env.setenv("BRAINOPS_WAREHOUSE_URL", analytics.url)
        instance = stack.enter_context(dg.instance_for_test(overrides={"run_coordinator": coordinator}))
        process = stack.enter_context(WorkspaceProcessContext(instance, target))
        errors = process.create_request_context().code_location_errors()
        assert not errors, errors
        return process

    try:
        yield Ui(context, context.run(enter))
    finally:
        context.run(stack.close)


@pytest.mark.parametrize("mart", MARTS)
def test_the_ui_shows_each_marts_freshness_policy_and_blocking_checks(workspace: Ui, mart: str) -> None:
    result = workspace.graphql(ASSET_QUERY, {"key": {"path": ["analytics", mart]}})
    assert not result.errors, result.errors
    assert result.data["instance"]["freshnessEvaluationEnabled"]
    node = result.data["assetNodeOrError"]
    policy = node["internalFreshnessPolicy"]
    assert policy["__typename"] == "TimeWindowFreshnessPolicy"
    assert 0 < (policy["warnWindowSeconds"] or 0) < policy["failWindowSeconds"]
    checks = {c["name"]: c["blocking"] for c in node["assetChecksOrError"]["checks"]}
    assert checks["gx_expectations"] is True  # the Great Expectations suite, blocking
    assert any(name.startswith(("unique_", "not_null_")) for name in checks)  # dbt's tests as checks


def run_daemon_until_done(process: WorkspaceProcessContext, backfill_id: str, limit_s: float = 300) -> None:
    """Backfill daemon iterations until the backfill finishes (bounded; the run itself takes ~20 s)."""
    instance = process.instance
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        list(execute_backfill_iteration(process, logging.getLogger("backfill-test")))
        if instance.get_backfill(backfill_id).status in FINISHED:
            return
        time.sleep(1)
    raise AssertionError(f"backfill {backfill_id} did not finish within {limit_s:.0f} s")


def test_a_date_range_backfill_launched_like_the_ui_runs_once_and_changes_nothing(
    workspace: Ui, analytics: Built
) -> None:
    before = fingerprint(analytics.url)
    instance = workspace.process.instance
    result = workspace.graphql(
        LAUNCH_PARTITION_BACKFILL_MUTATION,
        {
            "backfillParams": {
                "partitionNames": DAYS,
                "assetSelection": [{"path": ["analytics", fact]} for fact in FACTS],
            }
        },
    )
    launched = result.data["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    backfill_id = launched["backfillId"]

    workspace.run(run_daemon_until_done, workspace.process, backfill_id)

    backfill = instance.get_backfill(backfill_id)
    runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
    assert backfill.status in (BulkActionStatus.COMPLETED, BulkActionStatus.COMPLETED_SUCCESS), backfill.status
    assert [r.status for r in runs] == [dg.DagsterRunStatus.SUCCESS]  # one run for the whole range
    [run] = runs
    assert (run.tags["dagster/asset_partition_range_start"], run.tags["dagster/asset_partition_range_end"]) == (
        DAYS[0], DAYS[-1]
    )
    materialized = {
        (record.asset_key.path[-1], record.partition_key)
        for fact in FACTS
        for record in instance.fetch_materializations(dg.AssetKey(["analytics", fact]), limit=100).records
    }
    assert materialized == {(fact, day) for fact in FACTS for day in DAYS}
    assert fingerprint(analytics.url) == before  # the window rebuilt to the same rows
