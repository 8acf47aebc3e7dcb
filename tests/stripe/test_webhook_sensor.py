"""End to end: a change in Stripe → signed webhook → API → app.webhook_events → sensor → a real
Dagster run of the changed assets and their dbt models → updated rows → the next tick marks the
event processed. Failed runs are retried up to a bound and never dropped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import psycopg
import pytest
from fastapi.testclient import TestClient

from brainops.settings import get_settings
from brainops.standins.runner import free_port
from pipelines import webhook_queue
from pipelines.definitions import defs
from pipelines.resources.dbt import dbt_resource
from pipelines.resources.stripe import StripeResource
from pipelines.resources.warehouse import WarehouseResource
from pipelines.stripe.events import affected_assets
from pipelines.stripe.webhook_signature import sign
from sensors import webhooks
from serving.app import create_app
from tests.stripe.conftest import change, jsonl

SECRET = "whsec_sensor_tests"
SENSOR = defs.get_sensor_def("webhook_events_sensor")


@pytest.fixture
def api_client(fresh_warehouse: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    with TestClient(create_app(fresh_warehouse)) as c:
        yield c
    get_settings.cache_clear()


def resources(url: str, stripe_base: str) -> dict[str, Any]:
    return {
        **(defs.resources or {}),
        "warehouse": WarehouseResource(database_url=url),
        "stripe": StripeResource(api_base=stripe_base, max_network_retries=0, retry_seconds=0),  # fail at once
        "dbt": dbt_resource(),
    }


def deliver(client: TestClient, event: dict[str, Any]) -> None:
    body = json.dumps(event).encode()
    response = client.post("/webhooks/stripe", content=body, headers={"Stripe-Signature": sign(body, SECRET)})
    assert response.json() == {"received": True, "duplicate": False}


def tick(instance: dg.DagsterInstance, url: str, cursor: str | None):
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, definitions=defs, resources={"warehouse": WarehouseResource(database_url=url)}
    )
    return SENSOR.evaluate_tick(context)


def run_request(instance: dg.DagsterInstance, request: dg.RunRequest, url: str, stripe_base: str):
    """Execute a sensor's run request as the daemon would: its asset selection and tags, real resources."""
    return dg.materialize(
        list(defs.assets or []),
        selection=request.asset_selection,
        resources=resources(url, stripe_base),
        instance=instance,
        tags=request.tags,
        raise_on_error=False,
    )


def webhook_rows(url: str) -> dict[str, tuple]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT event_id, run_id, processed_at IS NOT NULL, attempts, last_error FROM app.webhook_events"
        )
        return {r[0]: r[1:] for r in rows}


def test_a_webhook_updates_the_warehouse_through_the_sensor(
    fresh_warehouse: str, api_client: TestClient, stripe_url: str, sample_dir: Path
) -> None:
    url, instance = fresh_warehouse, dg.DagsterInstance.ephemeral()
    # A warehouse that receives webhooks has been built before: the raw tables and the models over them
    # (CenterPoint's too: marts downstream of Stripe, like customer_360, join both sources).
    first_load = dg.materialize(
        list(defs.assets or []),
        selection=dg.AssetSelection.groups("stripe", "centerpoint").downstream(),
        resources=resources(url, stripe_url),
        instance=instance,
    )
    assert first_load.success

    customer = jsonl(sample_dir, "customers")[5]
    event = change(stripe_url, "customers", customer["id"], set={"name": "Webhook Roofing"})["event"]
    deliver(api_client, event)
    checkout = {"id": "cs_1", "object": "checkout.session"}
    deliver(api_client, {"id": "evt_checkout_1", "type": "checkout.session.completed", "data": {"object": checkout}})

    first = tick(instance, url, None)
    assert len(first.run_requests) == 1
    request = first.run_requests[0]
    selected = {k.to_user_string() for k in request.asset_selection}
    assert {"raw/stripe_customers", "raw/stripe_events", "analytics/stg_stripe__customers"} <= selected
    assert not any("centerpoint" in k or "charges" in k for k in selected)
    assert webhook_rows(url)["evt_checkout_1"][1] is True  # nothing we land changes: processed, no run
    assert webhook_rows(url)[event["id"]][:2] == (None, False)

    result = run_request(instance, request, url, stripe_url)
    assert result.success
    with psycopg.connect(url) as conn:
        raw = conn.execute("SELECT name FROM raw.stripe_customers WHERE id = %s", (customer["id"],)).fetchone()
        staged = conn.execute(
            "SELECT customer_name FROM analytics.stg_stripe__customers WHERE customer_id = %s", (customer["id"],)
        ).fetchone()
        landed = conn.execute("SELECT type FROM raw.stripe_events WHERE id = %s", (event["id"],)).fetchone()
    assert raw == staged == ("Webhook Roofing",) and landed == ("customer.updated",)

    second = tick(instance, url, first.cursor)
    assert not second.run_requests
    assert webhook_rows(url)[event["id"]] == (result.run_id, True, 0, None)

    # An insert that committed after a later id was seen (a concurrent API worker) is not skipped.
    late = change(stripe_url, "customers", customer["id"], set={"name": "Late Roofing"})["event"]
    with psycopg.connect(url) as conn:
        conn.execute(
            """INSERT INTO app.webhook_events (webhook_event_id, source, event_id, event_type, payload)
               OVERRIDING SYSTEM VALUE VALUES (0, 'stripe', %s, %s, %s)""",
            (late["id"], late["type"], json.dumps(late)),
        )
    third = tick(instance, url, second.cursor)
    assert [r.tags[webhooks.EVENTS_TAG] for r in third.run_requests] == ["0"]


def test_a_failed_run_is_retried_up_to_the_bound_and_the_event_is_kept(
    fresh_warehouse: str, api_client: TestClient, stripe_url: str, sample_dir: Path
) -> None:
    url, instance = fresh_warehouse, dg.DagsterInstance.ephemeral()
    unreachable = f"http://127.0.0.1:{free_port()}"
    customer = jsonl(sample_dir, "customers")[0]
    event = change(stripe_url, "customers", customer["id"], set={"name": "Never Arrives"})["event"]
    deliver(api_client, event)

    state = tick(instance, url, None)
    run_ids = []
    for attempt in range(1, webhooks.MAX_ATTEMPTS + 1):
        assert len(state.run_requests) == 1, attempt
        result = run_request(instance, state.run_requests[0], url, unreachable)
        assert not result.success
        run_ids.append(result.run_id)
        state = tick(instance, url, state.cursor)
        run_id, processed, attempts, error = webhook_rows(url)[event["id"]]
        assert (run_id, processed, attempts) == (result.run_id, False, attempt)
        assert f"Stripe at {unreachable} is unavailable" in error
    assert not state.run_requests  # gave up after MAX_ATTEMPTS, but the event is still there, unprocessed
    assert len(set(run_ids)) == webhooks.MAX_ATTEMPTS
    assert not tick(instance, url, state.cursor).run_requests


def test_stripe_events_route_to_the_objects_they_carry(sample_dir: Path) -> None:
    by_type = {e["type"]: e for e in jsonl(sample_dir, "events")}
    assert affected_assets("customer.created", by_type["customer.created"]) == [
        ["raw", "stripe_customers"],
        ["raw", "stripe_events"],
    ]
    assert ["raw", "stripe_disputes"] in affected_assets("charge.dispute.created", by_type["charge.dispute.created"])
    assert ["raw", "stripe_balance_transactions"] in affected_assets("charge.refunded", by_type["charge.refunded"])
    assert affected_assets("checkout.session.completed", {"data": {"object": {"object": "checkout.session"}}}) == []
    assert affected_assets("weird", {"data": None}) == []


def test_a_source_without_event_routing_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(webhook_queue.ROUTER_MODULES, "elsewhere", "pipelines.elsewhere.events")
    assert webhook_queue.router_for("elsewhere") is None
    assert webhook_queue.router_for("stripe") is affected_assets
