"""Operations: /metrics, request ids and JSON access logs, security headers, CORS, body and rate limits."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import dagster as dg
import psycopg
import pytest
from fastapi.testclient import TestClient

from brainops.warehouse import connection
from serving.app import create_app
from serving.logging_json import JsonFormatter
from tests.serving.conftest import bearer, login


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in a Prometheus text exposition."""
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
            if all(found.get(k) == v for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return None


@pytest.fixture(scope="module")
def dagster_storage(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Dagster's own Postgres event storage with one real materialization of an analytics asset."""
    from tests.conftest import _drop_database

    name = "brainops_test_metrics_dagster"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = connection.with_database(pg_server, name).replace("postgresql://", "postgresql+psycopg2://", 1)
    home = tmp_path_factory.mktemp("dagster_home")
    (home / "dagster.yaml").write_text(f"storage:\n  postgres:\n    postgres_url: {json.dumps(url)}\n")

    @dg.asset(key=["analytics", "customers"])
    def customers() -> None:
        return None

    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert dg.materialize([customers], instance=instance).success
    yield url
    _drop_database(pg_server, name)


def test_metrics_expose_requests_pool_llm_cost_and_mart_freshness(
    auth_db: str, dagster_storage: str, make_key, settings_env, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAGSTER_PG_URL", dagster_storage)
    settings_env()
    with psycopg.connect(auth_db) as conn:
        conn.execute("""INSERT INTO app.llm_calls (provider, model, purpose, input_tokens, output_tokens, cost_usd,
                        latency_ms, status) VALUES ('anthropic', 'claude-x', 'chat', 1200, 300, 0.0081, 900, 'ok')""")
    with TestClient(create_app(auth_db)) as client:
        key = {"X-API-Key": make_key(role="analyst")}
        assert client.get("/api/v1/customers?limit=5", headers=key).status_code == 200
        detail = client.get("/api/v1/customers/does-not-exist", headers=key).status_code  # no customer_360 here
        response = client.get("/metrics")  # no key needed by default
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
        text = response.text
    assert sample(text, "brainops_api_requests_total", route="/api/v1/customers", status="200") >= 1
    # Route templates, not raw paths: ids do not explode the label set.
    assert sample(text, "brainops_api_requests_total", route="/api/v1/customers/{customer_id}",
                  status=str(detail)) >= 1
    assert sample(text, "brainops_api_request_duration_seconds_count", route="/api/v1/customers") >= 1
    assert sample(text, "brainops_db_pool_size") >= 1 and sample(text, "brainops_db_pool_max") == 10
    assert sample(text, "brainops_llm_tokens", provider="anthropic", direction="input") == 1200
    assert sample(text, "brainops_llm_cost_usd", model="claude-x") == pytest.approx(0.0081)
    assert sample(text, "brainops_dagster_storage_up") == 1
    age = sample(text, "brainops_mart_seconds_since_materialization", mart="customers")
    assert age is not None and 0 <= age < 3600


def test_metrics_can_require_a_key(auth_db: str, make_key, settings_env) -> None:
    settings_env(METRICS_REQUIRE_KEY="true")
    with TestClient(create_app(auth_db)) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"X-API-Key": make_key(role="applicant")}).status_code == 200


def test_request_ids_are_kept_when_sane_and_logged_as_json(api: TestClient, make_key) -> None:
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    logger = logging.getLogger("brainops.api.access")
    handler = Collect()
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    try:
        key = make_key(role="analyst")
        kept = api.get("/api/v1/customers?limit=1", headers={"X-API-Key": key, "X-Request-ID": "abc-123.x_y"})
        replaced = api.get("/health", headers={"X-Request-ID": "bad id\r\nX-Injected: 1"})
    finally:
        logger.removeHandler(handler)
    assert kept.headers["x-request-id"] == "abc-123.x_y"
    assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["x-request-id"])
    entries = [json.loads(line) for line in lines]
    first = next(e for e in entries if e["request_id"] == "abc-123.x_y")
    assert first["method"] == "GET" and first["route"] == "/api/v1/customers" and first["status"] == 200
    assert first["caller"].startswith("key:") and first["ms"] > 0


def test_security_headers_and_hsts_over_https(auth_db: str) -> None:
    with TestClient(create_app(auth_db), base_url="https://testserver") as client:
        response = client.get("/health")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_no_hsts_over_plain_http(api: TestClient) -> None:
    assert "strict-transport-security" not in api.get("/health").headers


def test_cors_allows_only_configured_origins(auth_db: str, settings_env) -> None:
    settings_env(CORS_ORIGINS="https://app.example.com, https://lenders.example.com")
    with TestClient(create_app(auth_db)) as client:
        preflight = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "X-API-Key"}
        allowed = client.options("/api/v1/customers", headers={"Origin": "https://lenders.example.com", **preflight})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://lenders.example.com"
        denied = client.options("/api/v1/customers", headers={"Origin": "https://evil.example.com", **preflight})
        assert "access-control-allow-origin" not in denied.headers
        simple = client.get("/health", headers={"Origin": "https://app.example.com"})
        assert simple.headers["access-control-allow-origin"] == "https://app.example.com"
        assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()


def test_without_an_allow_list_there_is_no_cross_origin_access(api: TestClient) -> None:
    response = api.get("/health", headers={"Origin": "https://app.example.com"})
    assert "access-control-allow-origin" not in response.headers


def test_oversized_bodies_are_refused_with_413(api: TestClient, make_key) -> None:
    big = {"refresh_token": "x" * 2_000_000}
    declared = api.post("/api/v1/auth/refresh", json=big)
    assert declared.status_code == 413 and "larger than 1048576 bytes" in declared.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"refresh_token": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    streamed = api.post("/api/v1/auth/refresh", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    admin = {"X-API-Key": make_key(role="admin")}
    streamed_admin = api.post("/api/v1/admin/keys", content=chunks(),
                              headers={"Content-Type": "application/json", **admin})
    assert streamed_admin.status_code == 413
    # The IES upload keeps its own (larger) limit: a 2 MB statement is not cut off at 1 MB.
    statement = b"Line item,FY2024\n" + b"".join(b"Rental income %d,%d\n" % (i, i) for i in range(100_000))
    assert len(statement) > 1_048_576
    upload = api.post("/api/v1/ies", headers=admin, files={"file": ("big.csv", statement, "text/csv")})
    assert upload.status_code == 202, upload.text


def test_rate_limit_answers_429_with_retry_after(auth_db: str, make_key, make_user, settings_env) -> None:
    settings_env(RATE_LIMIT_PER_MINUTE="6", RATE_LIMIT_BURST="3")
    with TestClient(create_app(auth_db)) as client:
        key = {"X-API-Key": make_key(role="analyst")}
        codes = [client.get("/api/v1/customers?limit=1", headers=key).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/api/v1/customers?limit=1", headers=key)
        assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 10
        assert "Retry-After" in limited.json()["detail"]
        # Counted per key: another key still passes.
        assert client.get("/api/v1/customers?limit=1", headers={"X-API-Key": make_key()}).status_code == 200
        # A user's tokens share one bucket, whichever token is used.
        user = make_user(role="analyst")
        tokens = [bearer(login(client, user.email)["access_token"]) for _ in range(2)]
        codes = [client.get("/api/v1/auth/me", headers=tokens[i % 2]).status_code for i in range(4)]
        assert codes == [200, 200, 200, 429]
