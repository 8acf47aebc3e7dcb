"""The real app on a real migrated warehouse, with users and keys made through the real code paths."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from brainops.apikeys import create_key
from brainops.settings import get_settings
from brainops.users import create_user
from serving.app import create_app

PASSWORD = "correct horse battery staple"
_emails = itertools.count(1)


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set environment variables for Settings (cached) and forget the cache before and after."""

    def apply(**env: str) -> None:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    get_settings.cache_clear()
    yield apply
    get_settings.cache_clear()


def make_customers_mart(url: str) -> None:
    """A small hand-made customers mart (dbt builds the real one in tests/analytics)."""
    with psycopg.connect(url) as conn:
        conn.execute(
            """CREATE TABLE analytics.customers AS
               SELECT (1000 + g)::text AS customer_id, NULL::text AS stripe_customer_id,
                      'Customer ' || g AS customer_name, 'residential' AS customer_type,
                      'customer' AS sales_status, 'c' || g || '@example.com' AS email,
                      'Austin' AS locality, 'TX' AS region, g % 5 AS jobs, g % 7 AS invoices,
                      (g * 100)::numeric(14, 2) AS revenue_invoiced, (g * 60)::numeric(14, 2) AS amount_paid,
                      (g * 40)::numeric(14, 2) AS open_receivables, now() - g * interval '1 day' AS last_activity_at,
                      now() - interval '2 years' AS created_at
               FROM generate_series(1, 30) AS g"""
        )


@pytest.fixture(scope="module")
def auth_db(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated warehouse with a small hand-made customers mart."""
    from tests.conftest import _create_database, _drop_database

    name = f"brainops_test_auth_{next(_emails)}"
    url = _create_database(pg_server, name)
    make_customers_mart(url)
    yield url
    _drop_database(pg_server, name)


@pytest.fixture(scope="module")
def upload_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("uploads")


@pytest.fixture(scope="module")
def api(auth_db: str, upload_dir: Path) -> Iterator[TestClient]:
    mp = pytest.MonkeyPatch()
    mp.setenv("UPLOAD_DIR", str(upload_dir))
    get_settings.cache_clear()
    try:
        with TestClient(create_app(auth_db)) as client:
            yield client
    finally:
        mp.undo()
        get_settings.cache_clear()


@dataclass(frozen=True)
class Account:
    user_id: int
    email: str
    role: str
    tier: str


@pytest.fixture(scope="module")
def make_user(auth_db: str) -> Callable[..., Account]:
    def make(role: str = "applicant", tier: str = "free") -> Account:
        email = f"user{next(_emails)}@example.com"
        with psycopg.connect(auth_db) as conn:
            user = create_user(conn, email=email, password=PASSWORD, role=role, tier=tier)
        return Account(user.user_id, email, role, tier)

    return make


@pytest.fixture(scope="module")
def make_key(auth_db: str) -> Callable[..., str]:
    def make(role: str = "analyst", tier: str = "premium", user_id: int | None = None) -> str:
        with psycopg.connect(auth_db) as conn:
            return create_key(conn, name=f"{role} key", role=role, tier=tier, user_id=user_id).secret

    return make


def login(client: TestClient, email: str, password: str = PASSWORD) -> dict:
    response = client.post("/api/v1/auth/token", data={"username": email, "password": password,
                                                       "grant_type": "password"})
    assert response.status_code == 200, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
