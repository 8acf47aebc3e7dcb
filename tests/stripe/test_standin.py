"""The Stripe stand-in speaks Stripe's wire format: the official SDK's typed objects work against it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import stripe

from brainops.standins import stripe as standin
from brainops.standins.runner import free_port, serve_in_thread
from tests.stripe.conftest import TEST_KEY, change, jsonl


def sdk(url: str, key: str = TEST_KEY) -> stripe.StripeClient:
    return stripe.StripeClient(key, base_addresses={"api": url}, max_network_retries=0)


def test_the_sdk_pages_every_customer_newest_first(stripe_url: str, sample_dir: Path) -> None:
    client = sdk(stripe_url)
    page = client.v1.customers.list(params={"limit": 7})
    assert page.object == "list" and len(page.data) == 7 and page.has_more and page.url == "/v1/customers"
    every = list(page.auto_paging_iter())
    expected = sorted(jsonl(sample_dir, "customers"), key=lambda c: (c["created"], c["id"]), reverse=True)
    assert [c.id for c in every] == [c["id"] for c in expected]
    assert client.v1.customers.retrieve(every[3].id).email == expected[3]["email"]


def test_paging_backwards_filters_and_expansion(stripe_url: str, sample_dir: Path) -> None:
    client = sdk(stripe_url)
    newest = client.v1.charges.list(params={"limit": 5}).data
    before = client.v1.charges.list(params={"limit": 2, "ending_before": newest[4].id}).data
    assert [c.id for c in before] == [newest[2].id, newest[3].id]  # the two nearest, still newest first

    charge = jsonl(sample_dir, "charges")[0]
    mine = client.v1.charges.list(params={"customer": charge["customer"], "limit": 100}).data
    assert mine and all(c.customer == charge["customer"] for c in mine)
    window = client.v1.charges.list(params={"created": {"gte": charge["created"], "lte": charge["created"]}}).data
    assert charge["id"] in {c.id for c in window} and all(c.created == charge["created"] for c in window)

    expanded = client.v1.charges.list(params={"limit": 1, "expand": ["data.customer"]}).data[0]
    assert expanded.customer.object == "customer"

    every = jsonl(sample_dir, "subscriptions")
    shown = list(client.v1.subscriptions.list(params={"limit": 100}).auto_paging_iter())
    assert len(shown) == sum(s["status"] != "canceled" for s in every)  # Stripe hides canceled by default
    assert len(list(client.v1.subscriptions.list(params={"status": "all"}).auto_paging_iter())) == len(every)

    events = client.v1.events.list(params={"type": "customer.subscription.*", "limit": 100}).data
    assert events and all(e.type.startswith("customer.subscription.") for e in events)
    picked = client.v1.events.list(params={"types": ["charge.refunded", "charge.dispute.created"], "limit": 100})
    assert {e.type for e in picked.data} <= {"charge.refunded", "charge.dispute.created"}


def test_errors_are_stripe_error_objects(stripe_url: str) -> None:
    client = sdk(stripe_url)
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.customers.retrieve("cus_nope")
    assert missing.value.http_status == 404 and missing.value.code == "resource_missing"
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        client.v1.customers.list(params={"colour": "blue"})  # type: ignore[typeddict-unknown-key]
    assert unknown.value.http_status == 400 and unknown.value.param == "colour"
    with pytest.raises(stripe.InvalidRequestError, match="between 1 and 100"):
        client.v1.customers.list(params={"limit": 101})
    with pytest.raises(stripe.AuthenticationError):
        sdk(stripe_url, "pk_live_not_a_secret_key").v1.customers.list()
    body = httpx.get(f"{stripe_url}/v1/customers").json()
    assert body["error"]["type"] == "invalid_request_error" and "API key" in body["error"]["message"]


def test_a_configured_key_must_match(sample_dir: Path, tmp_path: Path) -> None:
    app = standin.create_app(standin.open_store(sample_dir, index=tmp_path / "i.sqlite"), api_key="sk_test_exact")
    with serve_in_thread(app) as url:
        assert len(sdk(url, "sk_test_exact").v1.products.list().data) > 0
        with pytest.raises(stripe.AuthenticationError):
            sdk(url, "sk_test_other").v1.products.list()


def test_the_admin_route_changes_an_object_and_appends_its_event(stripe_url: str, sample_dir: Path) -> None:
    customer = jsonl(sample_dir, "customers")[0]
    made = change(stripe_url, "customers", customer["id"], set={"name": "Renamed Roofing"})
    assert made["event"]["type"] == "customer.updated"
    assert made["event"]["data"]["previous_attributes"] == {"name": customer["name"]}
    client = sdk(stripe_url)
    assert client.v1.customers.retrieve(customer["id"]).name == "Renamed Roofing"
    newest = client.v1.events.list(params={"limit": 1}).data[0]
    assert newest.id == made["event"]["id"] and newest.data.object["name"] == "Renamed Roofing"

    gone = change(stripe_url, "customers", customer["id"], delete=True)
    assert gone["event"]["type"] == "customer.deleted"
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.customers.retrieve(customer["id"])


def test_injected_rate_limits_carry_retry_after(stripe_app, stripe_url: str) -> None:
    stripe_app.state.faults.rate_limit_every = 1
    stripe_app.state.faults.retry_after = "2"
    response = httpx.get(f"{stripe_url}/v1/customers", headers={"Authorization": f"Bearer {TEST_KEY}"})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2" and response.headers["Stripe-Should-Retry"] == "false"
    assert response.json()["error"]["code"] == "rate_limit"
    with pytest.raises(stripe.RateLimitError):  # stripe-python 16 does not retry these itself
        sdk(stripe_url).v1.customers.list()


def test_the_standin_runs_as_its_own_process(sample_dir: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "brainops.standins", "stripe", "--sample", str(sample_dir), "--port", str(port)]
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                products = sdk(f"http://127.0.0.1:{port}").v1.products.list()
                break
            except stripe.APIConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert {p.id for p in products.data} == {p["id"] for p in jsonl(sample_dir, "products")}
    finally:
        proc.kill()
        proc.wait()
