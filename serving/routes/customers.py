"""Customers from analytics.customers (built by dbt): paged, filtered and sorted on indexed columns; one
customer's detail enriched from analytics.customer_360."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request, status
from psycopg import sql
from psycopg.rows import class_row
from pydantic import BaseModel

from serving.deps import AnalystCaller, DbDep
from serving.pagination import Page, next_url

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])


class Customer(BaseModel):
    customer_id: str
    stripe_customer_id: str | None
    customer_name: str | None
    customer_type: str | None
    sales_status: str | None
    email: str | None
    locality: str | None
    region: str | None
    jobs: int
    invoices: int
    revenue_invoiced: Decimal
    amount_paid: Decimal
    open_receivables: Decimal
    last_activity_at: datetime | None
    created_at: datetime | None


class CustomerDetail(Customer):
    """One customer with what analytics.customer_360 adds: the matched Stripe customer, subscription,
    lifetime value and payment risk (all null until customer_360 has the customer)."""

    match_confidence: Decimal | None = None
    match_method: str | None = None
    phone: str | None = None
    completed_jobs: int | None = None
    past_due_receivables: Decimal | None = None
    subscription_status: str | None = None
    current_mrr: Decimal | None = None
    subscription_paid_total: Decimal | None = None
    lifetime_value: Decimal | None = None
    payment_risk_score: int | None = None
    payment_risk_level: str | None = None
    payment_risk_reasons: str | None = None
    first_job_at: datetime | None = None
    last_payment_at: datetime | None = None


ENRICHMENT = [name for name in CustomerDetail.model_fields if name not in Customer.model_fields]


class CustomerSort(StrEnum):
    """Indexed columns; a leading '-' sorts descending."""

    customer_id = "customer_id"
    customer_id_desc = "-customer_id"
    customer_name = "customer_name"
    customer_name_desc = "-customer_name"
    revenue_invoiced = "revenue_invoiced"
    revenue_invoiced_desc = "-revenue_invoiced"
    open_receivables = "open_receivables"
    open_receivables_desc = "-open_receivables"
    last_activity_at = "last_activity_at"
    last_activity_at_desc = "-last_activity_at"


COLUMNS = sql.SQL(", ").join(map(sql.Identifier, Customer.model_fields))
TABLE = sql.Identifier("analytics", "customers")


@router.get("", response_model=Page[Customer], summary="List customers")
async def list_customers(
    request: Request,
    conn: DbDep,
    _caller: AnalystCaller,
    limit: Annotated[int, Query(ge=1, le=500, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    sort: CustomerSort = CustomerSort.customer_id,
    region: Annotated[str | None, Query(max_length=64, description="Two-letter state code.")] = None,
    email: Annotated[str | None, Query(max_length=320)] = None,
    min_open_receivables: Annotated[Decimal | None, Query(ge=0, le=10**12)] = None,
) -> Page[Customer]:
    filters, params = [], []
    if region is not None:
        filters.append(sql.SQL("region = %s"))
        params.append(region.upper())
    if email is not None:
        filters.append(sql.SQL("email = %s"))
        params.append(email.lower())
    if min_open_receivables is not None:
        filters.append(sql.SQL("open_receivables >= %s"))
        params.append(min_open_receivables)
    where = sql.SQL(" WHERE ") + sql.SQL(" AND ").join(filters) if filters else sql.SQL("")
    column = sort.value.lstrip("-")
    direction = sql.SQL("DESC NULLS LAST" if sort.value.startswith("-") else "ASC NULLS LAST")
    order = sql.SQL(" ORDER BY {} {}, customer_id").format(sql.Identifier(column), direction)

    count_cur = await conn.execute(sql.SQL("SELECT count(*) FROM {}{}").format(TABLE, where), params)
    total = (await count_cur.fetchone())[0]
    async with conn.cursor(row_factory=class_row(Customer)) as cur:
        await cur.execute(
            sql.SQL("SELECT {} FROM {}{}{} LIMIT %s OFFSET %s").format(COLUMNS, TABLE, where, order),
            [*params, limit, offset],
        )
        items = await cur.fetchall()
    return Page[Customer](items=items, total=total, next=next_url(request, offset=offset, limit=limit, total=total))


@router.get("/{customer_id}", response_model=CustomerDetail, summary="One customer, enriched from customer_360")
async def get_customer(
    customer_id: Annotated[str, Path(max_length=64)],
    conn: DbDep,
    _caller: AnalystCaller,
) -> CustomerDetail:
    columns = sql.SQL(", ").join(
        [
            *(sql.Identifier("c", name) for name in Customer.model_fields),
            *(sql.Identifier("x", name) for name in ENRICHMENT),
        ]
    )
    query = sql.SQL(
        "SELECT {} FROM {} AS c LEFT JOIN {} AS x ON x.customer_id = c.customer_id WHERE c.customer_id = %s"
    ).format(columns, TABLE, sql.Identifier("analytics", "customer_360"))
    async with conn.cursor(row_factory=class_row(CustomerDetail)) as cur:
        await cur.execute(query, [customer_id])
        row = await cur.fetchone()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No customer with id {customer_id!r}.")
    return row
