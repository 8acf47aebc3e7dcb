"""Stripe → raw.stripe_* with the official SDK against the stand-in and a real Postgres."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs

import psycopg
import pytest

from brainops.standins.runner import free_port
from pipelines.stripe.catalog import OBJECTS
from pipelines.stripe.client import StripeApi, StripeSyncError
from pipelines.stripe.sync import sync_object
from tests.stripe.conftest import TEST_KEY, change, jsonl


def ids(conn: psycopg.Connection, name: str) -> list[str]:
    return [r[0] for r in conn.execute(f"SELECT id FROM raw.stripe_{name}")]


def cursor(conn: psycopg.Connection, name: str) -> dict:
    row = conn.execute("SELECT cursor FROM raw._sync_state WHERE source = 'stripe' AND resource = %s", (name,))
    return json.loads(row.fetchone()[0])


def test_full_sync_lands_every_object_and_a_rerun_changes_nothing(
    fresh_warehouse: str, sample_dir: Path, api: StripeApi
) -> None:
    with psycopg.connect(fresh_warehouse) as conn:
        for name, spec in OBJECTS.items():
            first = sync_object(conn, api, spec)
            assert first.mode == ("full" if spec.mutable else "created"), name
            assert first.upserted.inserted == len(jsonl(sample_dir, name)), name
        counts = {name: len(ids(conn, name)) for name in OBJECTS}
        for name, spec in OBJECTS.items():
            again = sync_object(conn, api, spec)
            assert again.mode == ("events" if spec.mutable else "created"), name
            assert (again.upserted.inserted, again.upserted.updated) == (0, 0), name
            assert again.fetched <= 5, name  # only what shares the cursor's own second (`created[gte]`)
        assert {name: len(ids(conn, name)) for name in OBJECTS} == counts
        for name in OBJECTS:
            assert set(ids(conn, name)) == {o["id"] for o in jsonl(sample_dir, name)}, name
        # The typed keys are what the objects say.
        charge = next(c for c in jsonl(sample_dir, "charges") if c["refunds"]["data"])
        row = conn.execute(
            "SELECT customer_id, balance_transaction_id, amount, amount_refunded, status FROM raw.stripe_charges "
            "WHERE id = %s",
            (charge["id"],),
        ).fetchone()
        assert row == (
            charge["customer"],
            charge["balance_transaction"],
            charge["amount"],
            charge["amount_refunded"],
            charge["status"],
        )


def test_changes_made_in_stripe_arrive_through_their_events(
    fresh_warehouse: str, sample_dir: Path, api: StripeApi, stripe_url: str
) -> None:
    customers, subscriptions = OBJECTS["customers"], OBJECTS["subscriptions"]
    first, second = jsonl(sample_dir, "customers")[:2]
    active = next(s for s in jsonl(sample_dir, "subscriptions") if s["status"] == "active")
    with psycopg.connect(fresh_warehouse) as conn:
        for spec in (customers, subscriptions):
            sync_object(conn, api, spec)
        renamed = change(stripe_url, "customers", first["id"], set={"name": "Renamed Roofing", "email": "a@b.co"})
        created = change(stripe_url, "customers", "cus_NewFromStripe01", set={"name": "Brand New", "email": "new@x.co"})
        deleted = change(stripe_url, "customers", second["id"], delete=True)
        change(
            stripe_url,
            "subscriptions",
            active["id"],
            set={"status": "canceled", "canceled_at": int(time.time())},
            event_type="customer.subscription.deleted",
        )

        result = sync_object(conn, api, customers)
        assert result.mode == "events"
        assert (result.upserted.inserted, result.upserted.updated) == (1, 2)
        found = conn.execute(
            """SELECT id, name, email, deleted_at IS NOT NULL, snapshot_at FROM raw.stripe_customers
               WHERE id = ANY(%s)""",
            ([first["id"], second["id"], "cus_NewFromStripe01"],),
        )
        rows = {r[0]: r[1:] for r in found}
        assert rows[first["id"]][:3] == ("Renamed Roofing", "a@b.co", False)
        assert rows[first["id"]][3].timestamp() == renamed["event"]["created"]
        assert rows["cus_NewFromStripe01"][:3] == ("Brand New", "new@x.co", False)
        assert rows[second["id"]][2] is True  # deleted in Stripe: kept, marked

        sub = sync_object(conn, api, subscriptions)
        assert sub.upserted.updated == 1
        status = conn.execute("SELECT status FROM raw.stripe_subscriptions WHERE id = %s", (active["id"],))
        assert status.fetchone()[0] == "canceled"  # ended, not deleted: still a row, deleted_at unset

        assert sync_object(conn, api, customers).upserted.written == 0  # the same events again change nothing
        # The cursor is the newest customer event seen (the edits above may straddle a second boundary).
        newest = max(e["event"]["created"] for e in (renamed, created, deleted))
        assert cursor(conn, "customers") == {"events_since": newest}


def test_rate_limits_are_waited_out_and_the_walk_resumes_from_the_last_id(
    fresh_warehouse: str, sample_dir: Path, stripe_app, stripe_url: str
) -> None:
    stripe_app.state.faults.rate_limit_every = 4
    stripe_app.state.faults.retry_after = "1"
    api = StripeApi(TEST_KEY, api_base=stripe_url, page_size=10)
    started = time.perf_counter()
    with psycopg.connect(fresh_warehouse) as conn:
        result = sync_object(conn, api, OBJECTS["customers"])
        landed = ids(conn, "customers")
    elapsed = time.perf_counter() - started
    requests = [(status, query) for status, path, query in stripe_app.state.requests
                if path != "/v1/account"]  # who the account is: asked once, before the sync reads its state
    log = [(status, parse_qs(query).get("starting_after", [None])[0]) for status, query in requests]
    limited = [i for i, (status, _) in enumerate(log) if status == 429]
    assert len(limited) >= 2 and api.rate_limited == len(limited)
    assert elapsed >= len(limited) * 1.0  # waited as long as Retry-After said, every time
    for i in limited:
        assert log[i + 1] == (200, log[i][1])  # the very same page again, from the same last id
    pages = [after for status, after in log if status == 200][1:]  # the first is the events high-water mark
    assert len(pages) == len(set(pages)) == result.pages  # no page read twice
    assert len(landed) == len(set(landed)) == len(jsonl(sample_dir, "customers"))


def test_server_errors_are_retried_by_the_sdk(
    fresh_warehouse: str, sample_dir: Path, stripe_app, stripe_url: str
) -> None:
    stripe_app.state.faults.error_every = 3
    api = StripeApi(TEST_KEY, api_base=stripe_url, page_size=20, max_network_retries=2)
    with psycopg.connect(fresh_warehouse) as conn:
        sync_object(conn, api, OBJECTS["payment_intents"])
        assert len(ids(conn, "payment_intents")) == len(jsonl(sample_dir, "payment_intents"))
    assert any(status == 500 for status, _, _ in stripe_app.state.requests)


@pytest.mark.parametrize("name", ["charges", "events"])
def test_a_sync_cut_off_midway_resumes_from_the_saved_id(
    fresh_warehouse: str, sample_dir: Path, stripe_app, stripe_url: str, name: str
) -> None:
    spec, expected = OBJECTS[name], {o["id"] for o in jsonl(sample_dir, name)}
    # No retries at all, neither the SDK's nor ours: the injected 500 cuts the walk off.
    api = StripeApi(TEST_KEY, api_base=stripe_url, page_size=10, max_network_retries=0, max_retries=0)
    stripe_app.state.faults.error_every = 8
    with psycopg.connect(fresh_warehouse) as conn:
        with pytest.raises(StripeSyncError, match=r"unavailable after 1 attempt \(HTTP 500"):
            sync_object(conn, api, spec, batch_rows=20)
        partial = ids(conn, name)
        assert 0 < len(partial) < len(expected)
        saved = cursor(conn, name)
        assert ("full" in saved) if spec.mutable else ("walk" in saved)

        stripe_app.state.faults.error_every = 0
        resumed = sync_object(conn, api, spec)
        landed = ids(conn, name)
    assert resumed.fetched <= len(expected) - len(partial)  # it went on after the saved id
    assert len(landed) == len(set(landed)) == len(expected)
    assert set(landed) == expected


def test_an_unreachable_stripe_fails_readably_and_keeps_earlier_data(fresh_warehouse: str, api: StripeApi) -> None:
    gone = StripeApi(TEST_KEY, api_base=f"http://127.0.0.1:{free_port()}", max_network_retries=1, retry_seconds=1)
    with psycopg.connect(fresh_warehouse) as conn:
        for name in ("customers", "events"):
            sync_object(conn, api, OBJECTS[name])
        before = {name: (len(ids(conn, name)), cursor(conn, name)) for name in ("customers", "events")}
        for name in ("customers", "events"):
            with pytest.raises(StripeSyncError, match=r"Stripe at http://127\.0\.0\.1:\d+ is unavailable after") as exc:
                sync_object(conn, gone, OBJECTS[name])
            assert "Earlier data is untouched" in str(exc.value)
        assert {name: (len(ids(conn, name)), cursor(conn, name)) for name in ("customers", "events")} == before


def test_a_cursor_older_than_stripes_event_retention_lists_in_full_again(
    fresh_warehouse: str, sample_dir: Path, api: StripeApi
) -> None:
    spec = OBJECTS["customers"]
    with psycopg.connect(fresh_warehouse) as conn:
        sync_object(conn, api, spec)
        # Stripe keeps events 30 days; a retention of one second makes the sample's newest event too old.
        again = sync_object(conn, api, spec, max_event_age=timedelta(seconds=1))
        assert again.mode == "full" and "listed in full" in again.note
        assert again.fetched == len(jsonl(sample_dir, "customers")) and again.upserted.inserted == 0
