"""/api/v1/customers and /health through the real app, pool and database."""

from __future__ import annotations

import psycopg
import pytest
from fastapi.testclient import TestClient

from brainops.apikeys import create_key, revoke_key
from serving.app import create_app


@pytest.fixture(scope="module")
def api_db(pg_server: str):
    """A warehouse with a small hand-made customers mart (the mart's own build is tested elsewhere)."""
    from tests.conftest import _create_database, _drop_database

    url = _create_database(pg_server, "brainops_test_api")
    with psycopg.connect(url) as conn:
        conn.execute(
            """CREATE TABLE analytics.customers AS
               SELECT (1000 + g)::text AS customer_id,
                      CASE WHEN g % 2 = 0 THEN 'cus_' || g END AS stripe_customer_id,
                      'Customer ' || g AS customer_name, 'residential' AS customer_type,
                      'customer' AS sales_status, 'c' || g || '@example.com' AS email,
                      'Austin' AS locality, CASE WHEN g % 3 = 0 THEN 'TX' ELSE 'OK' END AS region,
                      g % 5 AS jobs, g % 7 AS invoices, (g * 100)::numeric(14, 2) AS revenue_invoiced,
                      (g * 60)::numeric(14, 2) AS amount_paid, (g * 40)::numeric(14, 2) AS open_receivables,
                      now() - g * interval '1 day' AS last_activity_at, now() - interval '2 years' AS created_at
               FROM generate_series(1, 120) AS g"""
        )
        # What the detail adds from customer_360 (built by dbt; tested against the sample in tests/analytics).
        conn.execute(
            """CREATE TABLE analytics.customer_360 AS
               SELECT customer_id, stripe_customer_id, 0.97::numeric(3, 2) AS match_confidence,
                      'external_id+metadata' AS match_method, '(512) 555-0100' AS phone, jobs AS completed_jobs,
                      0::numeric(14, 2) AS past_due_receivables,
                      CASE WHEN stripe_customer_id IS NOT NULL THEN 'active' END AS subscription_status,
                      19::numeric(14, 2) AS current_mrr, 0::numeric(14, 2) AS subscription_paid_total,
                      amount_paid AS lifetime_value, 10 AS payment_risk_score, 'low' AS payment_risk_level,
                      NULL::text AS payment_risk_reasons, created_at AS first_job_at,
                      last_activity_at AS last_payment_at
               FROM analytics.customers WHERE customer_id <> '1099'"""
        )
    yield url
    _drop_database(pg_server, "brainops_test_api")


@pytest.fixture(scope="module")
def client(api_db: str):
    with TestClient(create_app(api_db)) as c:
        yield c


@pytest.fixture(scope="module")
def key(api_db: str) -> str:
    with psycopg.connect(api_db) as conn:
        return create_key(conn, name="tests", role="analyst").secret


def test_health_reports_database_migrations_and_which_sources_are_sample(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from brainops.settings import get_settings

    for variable in ("CENTERPOINT_API_KEY", "CENTERPOINT_BASE_URL", "NOTION_TOKEN", "NOTION_BASE_URL", "APP_ENV"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("STRIPE_API_KEY", "sk_live_configured")
    get_settings.cache_clear()
    try:
        response = client.get("/health")
    finally:
        get_settings.cache_clear()
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "current", "environment": "development",
                               "sources": {"centerpoint": "sample", "stripe": "live", "notion": "sample"}}


def test_outside_development_a_source_without_credentials_shows_as_refused() -> None:
    from brainops.modes import source_modes
    from brainops.settings import Settings

    modes = source_modes(Settings(environment="production", stripe_api_key="sk_live_x", _env_file=None))
    assert modes == {"centerpoint": "refused: set CENTERPOINT_API_KEY", "stripe": "live",
                     "notion": "refused: set NOTION_TOKEN"}


def test_a_key_is_required(client: TestClient) -> None:
    assert client.get("/api/v1/customers").status_code == 401
    assert client.get("/api/v1/customers", headers={"X-API-Key": "bo_nonsense"}).status_code == 401


def test_bearer_form_of_the_key_works(client: TestClient, key: str) -> None:
    response = client.get("/api/v1/customers", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


def test_list_is_paged_with_total_and_next(client: TestClient, key: str) -> None:
    h = {"X-API-Key": key}
    first = client.get("/api/v1/customers?limit=50", headers=h).json()
    assert first["total"] == 120 and len(first["items"]) == 50
    second = client.get(first["next"], headers=h).json()
    third = client.get(second["next"], headers=h).json()
    assert len(third["items"]) == 20 and third["next"] is None
    ids = [c["customer_id"] for page in (first, second, third) for c in page["items"]]
    assert len(set(ids)) == 120


def test_sort_and_filters(client: TestClient, key: str) -> None:
    h = {"X-API-Key": key}
    top = client.get("/api/v1/customers?sort=-revenue_invoiced&limit=3", headers=h).json()["items"]
    assert [c["customer_id"] for c in top] == ["1120", "1119", "1118"]
    texas = client.get("/api/v1/customers?region=tx&limit=500", headers=h).json()
    assert texas["total"] == 40 and all(c["region"] == "TX" for c in texas["items"])
    big = client.get("/api/v1/customers?min_open_receivables=4000", headers=h).json()
    assert big["total"] == 21


def test_one_customer_and_unknown_ids(client: TestClient, key: str) -> None:
    h = {"X-API-Key": key}
    one = client.get("/api/v1/customers/1007", headers=h)
    assert one.status_code == 200 and one.json()["customer_name"] == "Customer 7"
    # Enriched from customer_360; a customer it does not have yet keeps its base fields.
    assert one.json()["payment_risk_level"] == "low" and one.json()["lifetime_value"] == "420.00"
    not_enriched = client.get("/api/v1/customers/1099", headers=h).json()
    assert not_enriched["customer_name"] == "Customer 99" and not_enriched["payment_risk_level"] is None
    missing = client.get("/api/v1/customers/nope", headers=h)
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]


def test_bad_parameters_get_422_with_a_reason(client: TestClient, key: str) -> None:
    h = {"X-API-Key": key}
    for query in ("limit=0", "limit=100000", "sort=password", "offset=-1", "min_open_receivables=abc"):
        response = client.get(f"/api/v1/customers?{query}", headers=h)
        assert response.status_code == 422, query
        assert response.json()["detail"][0]["msg"]


def test_a_revoked_key_stops_working(client: TestClient, api_db: str) -> None:
    with psycopg.connect(api_db) as conn:
        new = create_key(conn, name="short-lived")
    assert client.get("/api/v1/customers", headers={"X-API-Key": new.secret}).status_code == 200
    with psycopg.connect(api_db) as conn:
        assert revoke_key(conn, new.api_key_id)
    assert client.get("/api/v1/customers", headers={"X-API-Key": new.secret}).status_code == 401
