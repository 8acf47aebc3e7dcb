"""Great Expectations suites for the raw tables and the key marts, as data, and a runner over a pandas
frame read from Postgres. No Dagster here: pipelines/checks/gx.py wraps these as asset checks.

A suite names its table, the columns it reads (each a constant SQL expression over the table: typed
columns, or fields out of the jsonb record), the columns the table must have (its schema), and a list of
expectations (Great Expectations classes by name, with their arguments). An expectation marked `warn`
is a soft threshold: it is reported but does not fail the check. A suite also bounds how far its row
count may fall since the last good run.

Great Expectations takes 2-5 s to import, so it is imported on first use, never at module import.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import psycopg
from psycopg import sql

NOT_FUTURE = -1.0
"""created_days_ago >= -1: nothing created more than a day in the future (clock skew allowed)."""


@dataclass(frozen=True)
class Expect:
    """One expectation: a Great Expectations class name (`ExpectColumnValuesToNotBeNull`) and its arguments."""

    kind: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    warn: bool = False

    @property
    def label(self) -> str:
        target = self.kwargs.get("column") or ",".join(
            str(self.kwargs[k]) for k in ("column_A", "column_B") if k in self.kwargs
        )
        return f"{self.kind}({target})" if target else self.kind


def expect(kind: str, column: str | None = None, *, warn: bool = False, **kwargs: Any) -> Expect:
    if column is not None:
        kwargs["column"] = column
    return Expect(kind, kwargs, warn)


@dataclass(frozen=True)
class Suite:
    schema: str
    table: str
    # Frame column -> SQL expression over the table. Constants written here, never user input.
    columns: Mapping[str, str]
    required_columns: Sequence[str]
    expectations: Sequence[Expect]
    # Fail when the row count falls by more than this share since the last good run.
    max_row_drop: float = 0.01
    min_rows: int = 1

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"


def _not_null(*columns: str) -> list[Expect]:
    return [expect("ExpectColumnValuesToNotBeNull", c) for c in columns]


def _ids(column: str = "id", prefix: str | None = None) -> list[Expect]:
    checks = [*_not_null(column), expect("ExpectColumnValuesToBeUnique", column)]
    if prefix:
        checks.append(expect("ExpectColumnValuesToMatchRegex", column, regex=f"^{prefix}"))
    return checks


def _in_set(column: str, values: Sequence[str], **kwargs: Any) -> Expect:
    return expect("ExpectColumnValuesToBeInSet", column, value_set=list(values), **kwargs)


def _between(column: str, min_value: float | None = None, max_value: float | None = None, **kwargs: Any) -> Expect:
    return expect("ExpectColumnValuesToBeBetween", column, min_value=min_value, max_value=max_value, **kwargs)


def _days_ago(column: str) -> str:
    return f"extract(epoch from now() - {column}) / 86400"


CENTERPOINT_RAW = ("id", "updated_at", "deleted_at", "attributes", "_loaded_at")
STRIPE_RAW = ("id", "created", "livemode", "data", "_loaded_at")
STRIPE_MUTABLE = (*STRIPE_RAW, "snapshot_at", "deleted_at")
OPPORTUNITY_STATUSES = (
    "new_service", "opened", "scheduled", "started", "completed", "invoiced", "closed", "lead_sold", "lead_dead",
)
PRODUCTION_STATUSES = ("scheduled", "started", "completed", "invoiced", "closed")
SUBSCRIPTION_STATUSES = (
    "incomplete", "incomplete_expired", "trialing", "active", "past_due", "canceled", "unpaid", "paused",
)

RAW_SUITES: dict[str, Suite] = {
    s.name: s
    for s in (
        Suite(
            "raw", "centerpoint_companies",
            {"id": "id", "name": "attributes ->> 'name'", "updated_days_ago": _days_ago("updated_at")},
            CENTERPOINT_RAW,
            [*_ids(), *_not_null("name"), _between("updated_days_ago", NOT_FUTURE)],
        ),
        Suite(
            "raw", "centerpoint_opportunities",
            {"id": "id", "status": "status", "billed_company_id": "billed_company_id",
             "price": "(attributes ->> 'price')::float8"},
            (*CENTERPOINT_RAW, "status", "billed_company_id", "estimator_id"),
            [*_ids(), *_not_null("billed_company_id"), _in_set("status", OPPORTUNITY_STATUSES),
             _between("price", 0, 10_000_000)],
        ),
        Suite(
            "raw", "centerpoint_productions",
            {"id": "id", "status": "status", "billed_company_id": "billed_company_id",
             "price": "(attributes ->> 'price')::float8", "cost": "(attributes ->> 'cost')::float8"},
            (*CENTERPOINT_RAW, "status", "billed_company_id", "opportunity_id"),
            # Not billed_company_id: CenterPoint documents billedCompanyId on opportunities and services, not on
            # productions (our generator writes it; a real account need not).
            [*_ids(), _in_set("status", PRODUCTION_STATUSES),
             _between("price", 0, 10_000_000), _between("cost", 0, 10_000_000)],
        ),
        Suite(
            "raw", "centerpoint_invoices",
            {"id": "id", "billed_company_id": "billed_company_id", "production_id": "production_id",
             "amount": "(attributes ->> 'amount')::float8",
             "amount_paid": "(attributes ->> 'amountPaid')::float8",
             "balance": "(attributes ->> 'balance')::float8",
             "invoice_days_ago": _days_ago("(attributes ->> 'invoiceDate')::timestamptz")},
            (*CENTERPOINT_RAW, "billed_company_id", "production_id"),
            # An invoice documents productionId and amount; billedCompanyId is the opportunity's, not the invoice's.
            [*_ids(), *_not_null("production_id", "amount"),
             _between("amount", -1_000_000, 10_000_000), _between("amount_paid", 0),
             _between("balance", 0),
             expect("ExpectColumnPairValuesAToBeGreaterThanB", column_A="amount", column_B="balance",
                    or_equal=True, ignore_row_if="either_value_is_missing"),
             _between("invoice_days_ago", NOT_FUTURE)],
        ),
        Suite(
            "raw", "stripe_customers",
            {"id": "id", "email": "email", "created_days_ago": _days_ago("created")},
            (*STRIPE_MUTABLE, "email", "name", "balance"),
            [*_ids(prefix="cus_"), _between("created_days_ago", NOT_FUTURE),
             expect("ExpectColumnValuesToNotBeNull", "email", mostly=0.9, warn=True)],
        ),
        Suite(
            "raw", "stripe_subscriptions",
            {"id": "id", "customer_id": "customer_id", "status": "status",
             "created_days_ago": _days_ago("created")},
            (*STRIPE_MUTABLE, "customer_id", "status", "start_date"),
            [*_ids(prefix="sub_"), *_not_null("customer_id"), _in_set("status", SUBSCRIPTION_STATUSES),
             _between("created_days_ago", NOT_FUTURE)],
        ),
        Suite(
            "raw", "stripe_invoices",
            {"id": "id", "status": "status", "amount_paid": "amount_paid", "amount_due": "amount_due",
             "total": "total"},
            (*STRIPE_MUTABLE, "customer_id", "status", "amount_paid", "total"),
            [*_ids(prefix="in_"), _in_set("status", ("draft", "open", "paid", "uncollectible", "void")),
             _between("amount_paid", 0), _between("amount_due", 0)],
        ),
        Suite(
            "raw", "stripe_charges",
            {"id": "id", "status": "status", "currency": "currency", "amount": "amount",
             "amount_refunded": "amount_refunded", "created_days_ago": _days_ago("created")},
            (*STRIPE_MUTABLE, "customer_id", "status", "amount", "currency"),
            [*_ids(prefix="ch_"), *_not_null("amount", "currency"),
             _in_set("status", ("succeeded", "pending", "failed")),
             _between("amount", 0, 100_000_000_00),
             expect("ExpectColumnValuesToMatchRegex", "currency", regex="^[a-z]{3}$"),
             expect("ExpectColumnPairValuesAToBeGreaterThanB", column_A="amount", column_B="amount_refunded",
                    or_equal=True, ignore_row_if="either_value_is_missing"),
             _between("created_days_ago", NOT_FUTURE)],
        ),
        Suite(
            "raw", "stripe_disputes",
            {"id": "id", "charge_id": "charge_id", "status": "status", "amount": "amount"},
            (*STRIPE_MUTABLE, "charge_id", "status", "amount"),
            [*_ids(prefix="dp_"), *_not_null("charge_id"), _between("amount", 0),
             _in_set("status", ("warning_needs_response", "warning_under_review", "warning_closed",
                                "needs_response", "under_review", "won", "lost", "prevented"))],
            min_rows=0,
        ),
        Suite(
            "raw", "stripe_balance_transactions",
            {"id": "id", "type": "type", "amount": "amount", "fee": "fee",
             "created_days_ago": _days_ago("created")},
            (*STRIPE_RAW, "type", "amount", "fee", "net"),
            [*_ids(prefix="txn_"), *_not_null("type", "amount"), _between("fee", 0),
             _between("created_days_ago", NOT_FUTURE)],
        ),
        Suite(
            "raw", "stripe_events",
            {"id": "id", "type": "type", "object_type": "object_type", "created_days_ago": _days_ago("created")},
            (*STRIPE_RAW, "type", "object_type", "object_id"),
            [*_ids(prefix="evt_"), *_not_null("type", "object_type"), _between("created_days_ago", NOT_FUTURE)],
        ),
    )
}

MART_SUITES: dict[str, Suite] = {
    s.name: s
    for s in (
        Suite(
            "analytics", "customer_360",
            {"customer_id": "customer_id", "invoiced_total": "invoiced_total::float8",
             "paid_total": "paid_total::float8", "open_receivables": "open_receivables::float8",
             "lifetime_value": "lifetime_value::float8", "match_confidence": "match_confidence::float8",
             "payment_risk_score": "payment_risk_score"},
            ("customer_id", "stripe_customer_id", "invoiced_total", "paid_total", "open_receivables",
             "lifetime_value", "payment_risk_score", "last_activity_at"),
            [*_ids("customer_id"), _between("open_receivables", 0), _between("lifetime_value", 0),
             _between("match_confidence", 0, 1), _between("payment_risk_score", 0, 100),
             expect("ExpectColumnPairValuesAToBeGreaterThanB", column_A="invoiced_total", column_B="paid_total",
                    or_equal=True, warn=True)],
            max_row_drop=0.1,
        ),
        Suite(
            "analytics", "revenue_monthly",
            {"month": "month", "invoiced": "invoiced::float8", "collected": "collected::float8",
             "mrr": "mrr::float8", "net_revenue_retention": "net_revenue_retention::float8"},
            ("month", "invoiced", "collected", "mrr", "new_mrr", "churned_mrr", "net_revenue_retention"),
            [*_ids("month"), _between("invoiced", 0), _between("collected", 0), _between("mrr", 0),
             _between("net_revenue_retention", 0, 3, warn=True)],
            max_row_drop=0.1,
        ),
        Suite(
            "analytics", "ar_aging",
            {"customer_id": "customer_id", "open_receivables": "open_receivables::float8",
             "days_over_90": "days_over_90::float8", "oldest_days_past_due": "oldest_days_past_due"},
            ("customer_id", "open_receivables", "days_0_30", "days_31_60", "days_61_90", "days_over_90"),
            [*_ids("customer_id"), _between("open_receivables", 0.01), _between("days_over_90", 0),
             _between("oldest_days_past_due", 0, 3650, warn=True)],
            max_row_drop=0.5,
            min_rows=0,
        ),
        Suite(
            "analytics", "payment_risk",
            {"customer_id": "customer_id", "risk_score": "risk_score", "risk_level": "risk_level"},
            ("customer_id", "risk_score", "risk_level", "risk_reasons"),
            [*_ids("customer_id"), _between("risk_score", 0, 100), _in_set("risk_level", ("low", "medium", "high")),
             # Most customers pay fine: a mart where most are high risk has gone wrong, not the customers.
             _in_set("risk_level", ("low", "medium"), mostly=0.5, warn=True)],
            max_row_drop=0.1,
        ),
        Suite(
            "analytics", "job_profitability",
            {"job_profitability_id": "job_profitability_id", "jobs": "jobs", "margin_pct": "margin_pct::float8"},
            ("job_profitability_id", "month", "job_type", "estimator_id", "revenue", "cost", "gross_margin"),
            [*_ids("job_profitability_id"), _between("jobs", 1), _between("margin_pct", -1, 1)],
            max_row_drop=0.1,
        ),
        Suite(
            "analytics", "sales_pipeline",
            {"sales_pipeline_id": "sales_pipeline_id", "estimates": "estimates",
             "win_rate": "win_rate::float8", "conversion_rate": "conversion_rate::float8"},
            ("sales_pipeline_id", "estimator_id", "lead_source", "estimates", "sold", "conversion_rate"),
            [*_ids("sales_pipeline_id"), _between("estimates", 1), _between("win_rate", 0, 1),
             _between("conversion_rate", 0, 1)],
            max_row_drop=0.2,
        ),
    )
}


@dataclass(frozen=True)
class Finding:
    check: str
    passed: bool
    warn_only: bool = False
    detail: str = ""


@dataclass
class SuiteResult:
    suite: str
    row_count: int
    previous_row_count: int | None
    findings: list[Finding]
    seconds: float

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if not f.passed and not f.warn_only]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.passed and f.warn_only]

    @property
    def passed(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        if self.failures:
            return "; ".join(f"{f.check}: {f.detail}" for f in self.failures)
        if self.warnings:
            return "passed with warnings: " + "; ".join(f"{f.check}: {f.detail}" for f in self.warnings)
        return f"{len(self.findings)} expectations met on {self.row_count:,} rows"


def table_columns(conn: psycopg.Connection, schema: str, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s",
        (schema, table),
    ).fetchall()
    return [r[0] for r in rows]


def read_frame(conn: psycopg.Connection, suite: Suite):
    """The suite's columns of the whole table as a pandas DataFrame."""
    import pandas as pd

    select = sql.SQL(", ").join(
        sql.SQL("{} AS {}").format(sql.SQL(expression), sql.Identifier(name))
        for name, expression in suite.columns.items()
    )
    query = sql.SQL("SELECT {} FROM {}").format(select, sql.Identifier(suite.schema, suite.table))
    with conn.cursor() as cur:
        cur.execute(query)
        return pd.DataFrame(cur.fetchall(), columns=list(suite.columns))


def row_count_finding(suite: Suite, row_count: int, previous: int | None) -> Finding:
    if row_count < suite.min_rows:
        return Finding("row_count", False, detail=f"{row_count:,} rows; expected at least {suite.min_rows:,}")
    if previous is None or previous == 0:
        return Finding("row_count_change", True, detail=f"{row_count:,} rows (no earlier run to compare)")
    change = (row_count - previous) / previous
    detail = f"{previous:,} -> {row_count:,} rows ({change:+.1%})"
    if change < -suite.max_row_drop:
        return Finding("row_count_change", False, detail=f"{detail}; may fall at most {suite.max_row_drop:.0%}")
    return Finding("row_count_change", True, detail=detail)


@cache
def _gx():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = context.data_sources.add_pandas("frames").add_dataframe_asset("frame").add_batch_definition_whole_dataframe(
        "whole"
    )
    return gx, batch


def validate_frame(suite: Suite, frame, *, present_columns: Sequence[str] | None = None) -> list[Finding]:
    """Run the suite's expectations (and its schema check) over `frame` with Great Expectations."""
    gx, batch_definition = _gx()
    import great_expectations.expectations as gxe

    findings: list[Finding] = []
    if present_columns is not None:
        missing = sorted(set(suite.required_columns) - set(present_columns))
        findings.append(
            Finding("schema", not missing, detail=f"missing columns: {', '.join(missing)}" if missing else "")
        )
    # Great Expectations returns results in its own order: `meta.position` ties each to its spec.
    expectations = [getattr(gxe, e.kind)(**e.kwargs, meta={"position": i}) for i, e in enumerate(suite.expectations)]
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
        gx.ExpectationSuite(name=suite.name, expectations=expectations)
    )
    outcomes = sorted(result.results, key=lambda r: r.expectation_config.meta["position"])
    for spec, outcome in zip(suite.expectations, outcomes, strict=True):
        detail = ""
        if not outcome.success:
            info = outcome.result or {}
            raised = (outcome.exception_info or {}).get("exception_message")
            if raised:
                detail = f"could not run: {raised}"
            elif "unexpected_count" in info:
                sample = [str(v) for v in (info.get("partial_unexpected_list") or [])[:3]]
                detail = f"{info['unexpected_count']:,} rows ({info.get('unexpected_percent', 0):.2f}%) fail"
                detail += f", e.g. {', '.join(sample)}" if sample else ""
            else:
                detail = f"observed {info.get('observed_value')!r}"
        findings.append(Finding(spec.label, bool(outcome.success), spec.warn, detail))
    return findings


def run_suite(conn: psycopg.Connection, suite: Suite, *, previous_row_count: int | None) -> SuiteResult:
    """Read the suite's table, validate it and compare its row count with the last good run's."""
    started = time.perf_counter()
    present = table_columns(conn, suite.schema, suite.table)
    if not present:
        finding = Finding("schema", False, detail=f"table {suite.name} does not exist")
        return SuiteResult(suite.name, 0, previous_row_count, [finding], time.perf_counter() - started)
    missing_sources = sorted(set(suite.required_columns) - set(present))
    if missing_sources:
        finding = Finding("schema", False, detail=f"missing columns: {', '.join(missing_sources)}")
        return SuiteResult(suite.name, 0, previous_row_count, [finding], time.perf_counter() - started)
    frame = read_frame(conn, suite)
    findings = validate_frame(suite, frame, present_columns=present)
    findings.append(row_count_finding(suite, len(frame), previous_row_count))
    return SuiteResult(suite.name, len(frame), previous_row_count, findings, time.perf_counter() - started)
