"""The Great Expectations suites (pipelines/checks/expectations.py) as Dagster asset checks.

One multi-asset check per source and one for the marts, so a run imports Great Expectations once per
group rather than once per table. Every check is blocking: a failed expectation (severity ERROR) stops
the assets downstream of the table in that run, and the evaluation, with its failing expectations,
shows on the asset's Checks tab. Soft expectations fail with severity WARN and block nothing.

The row-count check compares with the row count the last good evaluation of the same check recorded in
its metadata (Dagster's event log), so it needs no table of its own.
"""


from collections.abc import Iterator, Sequence

import dagster as dg

from pipelines.checks.expectations import MART_SUITES, RAW_SUITES, Suite, SuiteResult, run_suite
from pipelines.resources.warehouse import WarehouseResource

CHECK_NAME = "gx_expectations"


def suite_asset_key(suite: Suite) -> dg.AssetKey:
    return dg.AssetKey([suite.schema, suite.table])


def check_key(suite: Suite) -> dg.AssetCheckKey:
    return dg.AssetCheckKey(suite_asset_key(suite), CHECK_NAME)


def previous_row_count(instance: dg.DagsterInstance, key: dg.AssetCheckKey) -> int | None:
    """The row count recorded by the latest evaluation of `key` that did not fail with ERROR severity."""
    for record in instance.event_log_storage.get_asset_check_execution_history(key, limit=50):
        dagster_event = record.event.dagster_event if record.event else None
        evaluation = dagster_event.event_specific_data if dagster_event else None
        if not isinstance(evaluation, dg.AssetCheckEvaluation):
            continue  # planned, not evaluated
        if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
            continue
        value = evaluation.metadata.get("row_count")
        if value is not None:
            return int(value.value)
    return None


def check_result(suite: Suite, result: SuiteResult) -> dg.AssetCheckResult:
    lines = ["| expectation | result | detail |", "|---|---|---|"]
    for finding in result.findings:
        outcome = "pass" if finding.passed else ("warn" if finding.warn_only else "FAIL")
        lines.append(f"| {finding.check} | {outcome} | {finding.detail.replace('|', '/')} |")
    metadata: dict[str, dg.RawMetadataValue] = {
        "row_count": result.row_count,
        "previous_row_count": result.previous_row_count if result.previous_row_count is not None else -1,
        "expectations": len(result.findings),
        "failed": len(result.failures),
        "warned": len(result.warnings),
        "seconds": round(result.seconds, 3),
        "findings": dg.MetadataValue.md("\n".join(lines)),
    }
    return dg.AssetCheckResult(
        asset_key=suite_asset_key(suite),
        check_name=CHECK_NAME,
        passed=not result.failures and not result.warnings,
        severity=dg.AssetCheckSeverity.ERROR if result.failures else dg.AssetCheckSeverity.WARN,
        description=result.summary()[:1000],
        metadata=metadata,
    )


def gx_checks(name: str, suites: Sequence[Suite], description: str) -> dg.AssetChecksDefinition:
    specs = [
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=suite_asset_key(suite),
            blocking=True,
            description=f"Great Expectations suite on {suite.name}: schema, nulls, ranges, accepted values "
            f"and row-count change (at most -{suite.max_row_drop:.0%} since the last good run).",
        )
        for suite in suites
    ]

    @dg.multi_asset_check(specs=specs, name=name, can_subset=True, description=description)
    def _checks(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> Iterator[dg.AssetCheckResult]:
        wanted = [s for s in suites if check_key(s) in context.selected_asset_check_keys]
        with warehouse.connect() as conn:
            for suite in wanted:
                previous = previous_row_count(context.instance, check_key(suite))
                result = run_suite(conn, suite, previous_row_count=previous)
                conn.rollback()  # read-only; end the snapshot so the next suite sees committed data
                log = context.log.error if result.failures else context.log.info
                log(f"{suite.name}: {result.summary()} ({result.seconds:.2f} s)")
                yield check_result(suite, result)

    return _checks


def _of(prefix: str) -> list[Suite]:
    return [s for name, s in RAW_SUITES.items() if name.startswith(f"raw.{prefix}_")]


gx_centerpoint_checks = gx_checks(
    "gx_centerpoint_checks", _of("centerpoint"), "Great Expectations suites on the raw CenterPoint tables."
)
gx_stripe_checks = gx_checks("gx_stripe_checks", _of("stripe"), "Great Expectations suites on the raw Stripe tables.")
gx_mart_checks = gx_checks("gx_mart_checks", list(MART_SUITES.values()), "Great Expectations suites on the key marts.")

GX_CHECKS = [gx_centerpoint_checks, gx_stripe_checks, gx_mart_checks]
