"""POST /webhooks/notion through the real app, pool and database: the verification handshake, Notion's
X-Notion-Signature, and replays."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient

from brainops.settings import get_settings
from serving.app import create_app

SECRET = "secret_4kYt1bq0pVWbXJ0mCz3nWwJpQ2s5Z9aHrU7cE6dFgT8"
EVENT = {
    "id": "367cba44-b6f3-4c92-81e7-6a2e9659efd4",
    "timestamp": "2026-11-20T23:57:05.379Z",
    "workspace_id": "13950b26-c203-4f3b-b97d-93ec06319565",
    "workspace_name": "Summit Ridge Roofing",
    "subscription_id": "29d75c0d-5546-4414-8459-7b7a92f1fc4b",
    "integration_id": "0ef2e755-4912-8096-91c1-00376a88a5ca",
    "type": "page.content_updated",
    "authors": [{"id": "c7c11cca-1d73-471d-9b6e-bdef51470190", "type": "person"}],
    "accessible_by": [{"id": "556a1abf-4f08-40c6-878a-75890d2a88ba", "type": "person"}],
    "attempt_number": 1,
    "entity": {"id": "153104cd-477e-809d-8dc4-ff2d96ae3090", "type": "page"},
    "data": {
        "parent": {"id": "13950b26-c203-4f3b-b97d-93ec06319565", "type": "space"},
        "updated_blocks": [{"id": "153104cd-477e-80ec-b4a4-d6b9ef8d4fc4", "type": "block"}],
    },
}


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Notion-Signature": f"sha256={digest}", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def webhook_db(pg_server: str) -> Iterator[str]:
    from tests.conftest import _create_database, _drop_database

    url = _create_database(pg_server, "brainops_test_notion_webhooks")
    yield url
    _drop_database(pg_server, "brainops_test_notion_webhooks")


@pytest.fixture(scope="module")
def client(webhook_db: str) -> Iterator[TestClient]:
    with TestClient(create_app(webhook_db)) as c:
        yield c


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("NOTION_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    yield SECRET
    get_settings.cache_clear()


@pytest.fixture
def no_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("NOTION_WEBHOOK_SECRET", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def stored(url: str, event_id: str | None = None) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            """SELECT event_id, event_type, payload FROM app.webhook_events
               WHERE source = 'notion' AND (%(id)s::text IS NULL OR event_id = %(id)s)""",
            {"id": event_id},
        ).fetchall()


def test_the_verification_handshake_is_answered_and_logged_even_without_a_secret(
    client: TestClient, webhook_db: str, no_secret: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="serving.routes.notion_webhooks"):
        response = client.post("/webhooks/notion", json={"verification_token": "secret_from_notion_123"})
    assert response.status_code == 200
    [record] = [r for r in caplog.records if hasattr(r, "verification_token")]
    # A field of the (JSON) log line, not part of its text: see tests/serving/test_json_logs.py.
    assert record.verification_token == "secret_from_notion_123"
    assert "NOTION_WEBHOOK_SECRET" in record.getMessage() and "secret_from_notion_123" not in record.getMessage()
    assert stored(webhook_db) == []


def test_events_are_refused_with_503_until_the_secret_is_set(client: TestClient, no_secret: None) -> None:
    body = json.dumps(EVENT).encode()
    response = client.post("/webhooks/notion", content=body, headers=signed(body))
    assert response.status_code == 503
    assert "NOTION_WEBHOOK_SECRET is not set" in response.json()["detail"]


def test_a_signed_event_is_stored_once_and_a_replay_is_acknowledged(
    client: TestClient, webhook_db: str, secret: str
) -> None:
    body = json.dumps(EVENT).encode()
    first = client.post("/webhooks/notion", content=body, headers=signed(body))
    again = client.post("/webhooks/notion", content=body, headers=signed(body))
    assert first.status_code == 200 and first.json() == {"received": True, "duplicate": False}
    assert again.status_code == 200 and again.json() == {"received": True, "duplicate": True}
    rows = stored(webhook_db, EVENT["id"])
    assert [(r[0], r[1]) for r in rows] == [(EVENT["id"], "page.content_updated")]
    assert rows[0][2] == EVENT


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no signature
        {"X-Notion-Signature": "sha256=" + "0" * 64},
        {"X-Notion-Signature": "not-even-the-format"},
        "signed with another secret",
    ],
)
def test_a_bad_or_missing_signature_is_refused_and_nothing_is_stored(
    client: TestClient, webhook_db: str, secret: str, headers
) -> None:
    event = {**EVENT, "id": "9a1b6f3e-0000-4000-8000-00000000bad0"}
    body = json.dumps(event).encode()
    if headers == "signed with another secret":
        headers = signed(body, "secret_someone_else")
    response = client.post("/webhooks/notion", content=body, headers={"Content-Type": "application/json", **headers})
    assert response.status_code == 400
    assert "X-Notion-Signature" in response.json()["detail"]
    assert stored(webhook_db, event["id"]) == []


def test_a_tampered_body_fails_the_signature(client: TestClient, webhook_db: str, secret: str) -> None:
    event = {**EVENT, "id": "9a1b6f3e-0000-4000-8000-0000000000aa"}
    body = json.dumps(event).encode()
    tampered = body.replace(b"page.content_updated", b"page.deleted")
    response = client.post("/webhooks/notion", content=tampered, headers=signed(body))
    assert response.status_code == 400
    assert stored(webhook_db, event["id"]) == []
