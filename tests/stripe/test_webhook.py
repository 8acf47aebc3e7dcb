"""POST /webhooks/stripe: only genuine, fresh, signed events are stored, each once."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import stripe
from fastapi.testclient import TestClient

from brainops.settings import get_settings
from pipelines.stripe.webhook_signature import sign, signature
from serving.app import create_app
from tests.stripe.conftest import jsonl

SECRET = "whsec_test_brainops"


@pytest.fixture
def client(fresh_warehouse: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    with TestClient(create_app(fresh_warehouse)) as c:
        yield c
    get_settings.cache_clear()


@pytest.fixture
def event_body(sample_dir: Path) -> bytes:
    event = next(e for e in jsonl(sample_dir, "events") if e["type"] == "invoice.paid")
    return json.dumps(event).encode()


def stored(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT source, event_id, event_type, payload FROM app.webhook_events").fetchall()


def post(client: TestClient, body: bytes, header: str | None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"} | ({"Stripe-Signature": header} if header is not None else {})
    response = client.post("/webhooks/stripe", content=body, headers=headers)
    return response.status_code, response.json()


def test_a_signed_event_is_stored_and_a_replay_is_acknowledged_once(
    client: TestClient, fresh_warehouse: str, event_body: bytes
) -> None:
    header = sign(event_body, SECRET)
    stripe.WebhookSignature.verify_header(event_body.decode(), header, SECRET, 300)  # Stripe's own check agrees
    assert post(client, event_body, header) == (200, {"received": True, "duplicate": False})
    assert post(client, event_body, sign(event_body, SECRET)) == (200, {"received": True, "duplicate": True})
    rows = stored(fresh_warehouse)
    event = json.loads(event_body)
    assert rows == [("stripe", event["id"], "invoice.paid", event)]


def test_any_one_valid_v1_among_several_passes(client: TestClient, fresh_warehouse: str, event_body: bytes) -> None:
    t = int(time.time())
    header = f"t={t},v1={signature(event_body, 'whsec_old_secret', t)},v1={signature(event_body, SECRET, t)},v0=abc"
    assert post(client, event_body, header)[0] == 200
    assert len(stored(fresh_warehouse)) == 1


@pytest.mark.parametrize(
    "make_header, why",
    [
        (lambda body: sign(body, "whsec_wrong"), "No v1 signature matches"),
        (lambda body: sign(body, SECRET, int(time.time()) - 301), "beyond the 300 s tolerance"),
        (lambda body: "garbage", "Malformed"),
        (lambda body: f"t=yesterday,v1={signature(body, SECRET, 0)}", "Malformed"),
        (lambda body: f"v1={signature(body, SECRET, int(time.time()))}", "Malformed"),
        (lambda body: sign(body + b" ", SECRET), "No v1 signature matches"),  # body changed after signing
        (lambda body: None, "Missing Stripe-Signature"),
    ],
    ids=["wrong-secret", "stale", "malformed", "bad-timestamp", "no-timestamp", "tampered", "missing"],
)
def test_bad_signatures_are_refused_and_nothing_is_stored(
    client: TestClient, fresh_warehouse: str, event_body: bytes, make_header, why: str
) -> None:
    status, body = post(client, event_body, make_header(event_body))
    assert status == 400 and why in body["detail"]
    assert stored(fresh_warehouse) == []


def test_a_signed_body_that_is_not_an_event_is_refused(client: TestClient, fresh_warehouse: str) -> None:
    for body in (b"not json", b'{"object": "event"}'):
        assert post(client, body, sign(body, SECRET))[0] == 400
    assert stored(fresh_warehouse) == []


def test_without_a_secret_the_route_says_what_to_set(
    fresh_warehouse: str, monkeypatch: pytest.MonkeyPatch, event_body: bytes
) -> None:
    monkeypatch.delenv("STRIPE_WEBHOOK_SECRET", raising=False)
    get_settings.cache_clear()
    try:
        with TestClient(create_app(fresh_warehouse)) as c:
            status, body = post(c, event_body, sign(event_body, SECRET))
    finally:
        get_settings.cache_clear()
    assert status == 503 and "STRIPE_WEBHOOK_SECRET" in body["detail"]
    assert stored(fresh_warehouse) == []
