"""/api/v1/results/{mart}: the analytics marts dbt builds, paged, filtered and sorted on their indexed
columns, as JSON or CSV.

Only marts and columns in the allow-list below are reachable; every identifier in the SQL comes from
it and every value is a bound parameter, so nothing a caller sends is interpolated into SQL.

    GET /api/v1/results/ar_aging?region=TX&days_over_90__gte=1000&sort=-days_over_90&limit=50
    GET /api/v1/results/revenue_monthly?month__gte=2026-01-01&format=csv     (or Accept: text/csv)

Filters: `<column>=<value>` (equals) or `<column>__<op>=<value>` with op gt, gte, lt, lte, on the
mart's filterable columns; `sort=<column>` or `sort=-<column>` on its sortable ones. JSON answers
with {"items", "total", "next"}; CSV streams every matching row (paging does not apply), its text
neutralised against formula injection (brainops/exports.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from psycopg import sql
from psycopg.rows import dict_row
from pydantic import TypeAdapter, ValidationError

from brainops.exports import neutralise
from serving.deps import AnalystCaller, DbDep
from serving.pagination import Page, next_url

router = APIRouter(prefix="/api/v1/results", tags=["results"])

@dataclass(frozen=True)
class Mart:
    name: str
    description: str
    key: str  # the primary key: default order and tie-breaker, so pages never overlap
    columns: tuple[str, ...]  # returned, in this order
    # Indexed columns (see each model's `indexes` config) with the type their filter values parse to.
    indexed: Mapping[str, type] = field(default_factory=dict)

    @property
    def sortable(self) -> list[str]:
        return [self.key, *(c for c in self.indexed if c != self.key)]


MARTS: dict[str, Mart] = {
    m.name: m
    for m in (
        Mart(
            "customer_360",
            "One row per customer: jobs, invoiced, paid, open receivables, subscription, lifetime value, risk.",
            "customer_id",
            (
                "customer_id", "stripe_customer_id", "match_confidence", "match_method", "customer_name",
                "customer_type", "sales_status", "email", "phone", "locality", "region", "jobs", "completed_jobs",
                "invoices", "invoiced_total", "paid_total", "open_receivables", "past_due_receivables",
                "subscription_status", "current_mrr", "subscription_paid_total", "lifetime_value",
                "payment_risk_score", "payment_risk_level", "payment_risk_reasons", "first_job_at",
                "last_payment_at", "last_activity_at", "created_at",
            ),
            {
                "customer_id": str, "stripe_customer_id": str, "customer_name": str, "region": str,
                "sales_status": str, "invoiced_total": Decimal, "open_receivables": Decimal,
                "lifetime_value": Decimal, "last_activity_at": datetime, "payment_risk_score": int,
            },
        ),
        Mart(
            "revenue_monthly",
            "Invoiced vs collected by month; Stripe MRR with its movements and net revenue retention.",
            "month",
            (
                "month", "invoices_issued", "invoiced", "collected", "collected_by_card", "invoiced_less_collected",
                "subscription_billed", "subscription_collected", "stripe_fees", "stripe_net", "starting_mrr", "mrr",
                "active_subscriptions", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr",
                "net_new_mrr", "net_revenue_retention", "net_revenue_retention_12m", "is_complete_month",
            ),
            {"month": date, "mrr": Decimal, "invoiced": Decimal, "collected": Decimal},
        ),
        Mart(
            "job_profitability",
            "Completed jobs' price, cost and margin by month, job type and estimator.",
            "job_profitability_id",
            (
                "job_profitability_id", "month", "job_type", "estimator_id", "estimator_name", "jobs", "revenue",
                "cost", "material_cost", "labor_cost", "gross_margin", "margin_pct", "avg_job_price", "invoiced",
            ),
            {
                "job_profitability_id": str, "month": date, "job_type": str, "estimator_id": str,
                "gross_margin": Decimal, "margin_pct": Decimal,
            },
        ),
        Mart(
            "sales_pipeline",
            "Estimates to sold jobs by estimator and lead source: conversion and time to close.",
            "sales_pipeline_id",
            (
                "sales_pipeline_id", "estimator_id", "estimator_name", "lead_source", "estimates", "quoted", "sold",
                "lost", "still_open", "win_rate", "conversion_rate", "quoted_value", "sold_value",
                "avg_days_to_quote", "avg_days_to_close", "median_days_to_close",
            ),
            {
                "sales_pipeline_id": str, "estimator_id": str, "lead_source": str, "conversion_rate": Decimal,
                "sold_value": Decimal,
            },
        ),
        Mart(
            "ar_aging",
            "Open receivables by customer in 0-30 / 31-60 / 61-90 / 90+ days past due.",
            "customer_id",
            (
                "customer_id", "customer_name", "region", "open_invoices", "open_receivables", "not_yet_due",
                "days_0_30", "days_31_60", "days_61_90", "days_over_90", "past_due_total", "oldest_days_past_due",
                "as_of_date",
            ),
            {
                "customer_id": str, "customer_name": str, "region": str, "open_receivables": Decimal,
                "days_over_90": Decimal, "oldest_days_past_due": int,
            },
        ),
        Mart(
            "payment_risk",
            "A payment-risk score per customer with the reasons behind it.",
            "customer_id",
            (
                "customer_id", "stripe_customer_id", "risk_score", "risk_level", "risk_reasons",
                "failed_payments_180d", "failed_payments_total", "disputes", "disputes_lost",
                "avg_days_late_recent", "avg_days_late_prior", "days_late_trend", "open_receivables",
                "past_due_receivables", "overdue_61_90", "overdue_over_90", "has_past_due_subscription",
                "as_of_date",
            ),
            {
                "customer_id": str, "risk_score": int, "risk_level": str, "stripe_customer_id": str,
                "overdue_over_90": Decimal,
            },
        ),
        Mart(
            "unmatched_customers",
            "CenterPoint companies and Stripe customers the customer match could not pair with confidence.",
            "unmatched_id",
            (
                "unmatched_id", "source_system", "source_id", "candidate_id", "customer_name", "email",
                "match_confidence", "reason_code", "reason",
            ),
            {"unmatched_id": str, "source_system": str, "reason_code": str},
        ),
    )
}


OPERATORS = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
RESERVED = {"limit", "offset", "sort", "format"}
MAX_FILTERS = 20


def _invalid(name: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("query", name), "msg": message, "type": "value_error", "input": None}])


def parse_filters(mart: Mart, params: list[tuple[str, str]]) -> tuple[sql.Composable, list[Any]]:
    """The WHERE clause (identifiers from the allow-list, values bound) for the query's filter parameters."""
    clauses: list[sql.Composable] = []
    values: list[Any] = []
    filters = [(name, raw) for name, raw in params if name not in RESERVED]
    if len(filters) > MAX_FILTERS:
        raise _invalid("filters", f"At most {MAX_FILTERS} filters.")
    for name, raw in filters:
        column, _, op = name.partition("__")
        op = op or "eq"
        if column not in mart.indexed:
            allowed = ", ".join(sorted(mart.indexed))
            raise _invalid(name, f"Cannot filter {mart.name} on {column!r}; filterable (indexed) columns: {allowed}.")
        if op not in OPERATORS:
            raise _invalid(name, f"Unknown operator {op!r}; use one of {', '.join(OPERATORS)}.")
        try:
            value = TypeAdapter(mart.indexed[column]).validate_strings(raw)
        except ValidationError as exc:
            raise _invalid(name, f"Invalid value for {column}: {exc.errors()[0]['msg']}.") from None
        clauses.append(sql.SQL("{} {} %s").format(sql.Identifier(column), sql.SQL(OPERATORS[op])))
        values.append(value)
    where = sql.SQL(" WHERE ") + sql.SQL(" AND ").join(clauses) if clauses else sql.SQL("")
    return where, values


def parse_sort(mart: Mart, sort: str | None) -> sql.Composable:
    column = (sort or mart.key).removeprefix("-")
    if column not in mart.sortable:
        raise _invalid("sort", f"Cannot sort {mart.name} by {column!r}; sortable (indexed) columns: "
                       f"{', '.join(mart.sortable)} (prefix '-' for descending).")
    direction = sql.SQL("DESC NULLS LAST" if (sort or "").startswith("-") else "ASC NULLS LAST")
    order = sql.SQL(" ORDER BY {} {}").format(sql.Identifier(column), direction)
    if column != mart.key:
        order += sql.SQL(", {}").format(sql.Identifier(mart.key))
    return order


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool | int | float | Decimal):
        return value  # a number stays a number, a negative amount included
    return neutralise(str(value))  # text, and anything else the csv module would write as text


async def _stream_csv(request: Request, mart: Mart, query: sql.Composable, values: list[Any]) -> AsyncIterator[str]:
    # Its own connection and a server-side cursor: the export never holds every row in memory.
    async with request.app.state.pool.connection() as conn, conn.transaction():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(mart.columns)  # our allow-list, not data
        async with conn.cursor(name=f"export_{mart.name}") as cur:
            cur.itersize = 2000
            await cur.execute(query, values)
            count = 0
            async for row in cur:
                writer.writerow([_csv_value(v) for v in row])
                count += 1
                if count % 2000 == 0:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()


@router.get("", summary="The marts this endpoint serves, with their sortable and filterable columns")
async def list_marts(_caller: AnalystCaller) -> list[dict[str, Any]]:
    return [
        {"mart": m.name, "description": m.description, "key": m.key, "columns": list(m.columns),
         "sortable": m.sortable, "filterable": sorted(m.indexed)}
        for m in MARTS.values()
    ]


@router.get(
    "/{mart}",
    response_model=Page[dict[str, Any]],
    summary="Rows of one mart: paged, filtered and sorted on indexed columns; CSV with ?format=csv",
    responses={200: {"content": {"text/csv": {}}}},
)
async def read_mart(
    request: Request,
    mart: Annotated[str, Path(max_length=64, description="One of the marts listed by GET /api/v1/results.")],
    conn: DbDep,
    _caller: AnalystCaller,
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size (JSON only).")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    sort: Annotated[
        str | None, Query(max_length=64, description="An indexed column; '-' first for descending.")
    ] = None,
    format: Annotated[Literal["json", "csv"] | None, Query(description="csv: the same as Accept: text/csv.")] = None,
):
    spec = MARTS.get(mart)
    if spec is None:  # a resource that does not exist: 404, naming the ones that do
        raise HTTPException(404, f"No mart {mart!r}; the marts are: {', '.join(MARTS)} (GET /api/v1/results).")
    where, values = parse_filters(spec, list(request.query_params.multi_items()))
    order = parse_sort(spec, sort)
    table = sql.Identifier("analytics", spec.name)
    columns = sql.SQL(", ").join(map(sql.Identifier, spec.columns))
    wants_csv = format == "csv" or (format is None and "text/csv" in request.headers.get("accept", ""))
    if wants_csv:
        # Fail before the stream starts (503 "not materialized" from the app's handler), not half-way through it.
        await conn.execute(sql.SQL("SELECT {} FROM {} LIMIT 0").format(columns, table))
        query = sql.SQL("SELECT {} FROM {}{}{}").format(columns, table, where, order)
        return StreamingResponse(
            _stream_csv(request, spec, query, values),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{spec.name}.csv"'},
        )
    count_cur = await conn.execute(sql.SQL("SELECT count(*) FROM {}{}").format(table, where), values)
    total = (await count_cur.fetchone())[0]
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            sql.SQL("SELECT {} FROM {}{}{} LIMIT %s OFFSET %s").format(columns, table, where, order),
            [*values, limit, offset],
        )
        items = await cur.fetchall()
    return Page[dict[str, Any]](
        items=items, total=total, next=next_url(request, offset=offset, limit=limit, total=total)
    )
