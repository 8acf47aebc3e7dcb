"""Sync state belongs to the account it was read from. Each source is synced from one account, then pointed at
another (a stand-in holding a different generated business, as a real account after the sample would be): the
second account loads in full, with a note saying why, and then resumes its own cursor. Official clients, local
servers speaking each API's wire format, a real Postgres."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from brainops.standins import centerpoint as centerpoint_standin
from brainops.standins import notion as notion_standin
from brainops.standins import stripe as stripe_standin
from brainops.standins.runner import serve_in_thread
from pipelines.centerpoint.catalog import RESOURCES
from pipelines.centerpoint.client import CenterPointClient
from pipelines.centerpoint.sync import sync_resource
from pipelines.loaders.sync_state import resume, save_cursor
from pipelines.notion.sync import sync_notion
from pipelines.stripe.catalog import OBJECTS
from pipelines.stripe.client import StripeApi
from pipelines.stripe.sync import sync_object
from tests.notion.helpers import client_for


@pytest.fixture(scope="module")
def other_business(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second, different business: another seed, so other ids and other timestamps."""
    from brainops.sample.generate import generate

    out = tmp_path_factory.mktemp("other-account") / "sample"
    generate(out, scale=0.02, seed=23)
    return out


def ids_in(sample: Path, folder: str, name: str) -> set[str]:
    with (sample / folder / f"{name}.jsonl").open() as f:
        return {json.loads(line)["id"] for line in f}


def test_a_cursor_is_resumed_only_by_its_own_account(fresh_warehouse: str) -> None:
    with psycopg.connect(fresh_warehouse) as conn:
        save_cursor(conn, "stripe", "customers", "c1", 5, account="acct_A")
        assert resume(conn, "stripe", "customers", "acct_A").cursor == "c1"
        other = resume(conn, "stripe", "customers", "acct_B")
        assert other.cursor is None and "acct_A" in other.note and "afresh" in other.note
        # A state saved before accounts were recorded names none: nobody resumes it.
        conn.execute("UPDATE raw._sync_state SET account = NULL WHERE source = 'stripe'")
        assert resume(conn, "stripe", "customers", "acct_A").cursor is None
        # The rows loaded start counting again with the new account.
        save_cursor(conn, "stripe", "customers", "c2", 3, account="acct_B")
        save_cursor(conn, "stripe", "customers", "c3", 4, account="acct_B")
        loaded = conn.execute("SELECT rows_loaded FROM raw._sync_state WHERE source = 'stripe'").fetchone()[0]
        assert loaded == 7


def test_centerpoint_another_account_loads_in_full_then_resumes_its_own_cursor(
    fresh_warehouse: str, sample_dir: Path, other_business: Path
) -> None:
    spec = RESOURCES["companies"]
    first_app = centerpoint_standin.create_app(centerpoint_standin.open_store(sample_dir),
                                               api_key="key-of-the-first-account")
    other_app = centerpoint_standin.create_app(centerpoint_standin.open_store(other_business),
                                               api_key="key-of-another-account")
    with serve_in_thread(first_app) as first_url, serve_in_thread(other_app) as other_url, \
            psycopg.connect(fresh_warehouse) as conn:
        with CenterPointClient(f"{first_url}/centerpoint/", "key-of-the-first-account") as client:
            assert sync_resource(conn, client, spec).cursor_after
        with CenterPointClient(f"{other_url}/centerpoint/", "key-of-another-account") as client:
            switched = sync_resource(conn, client, spec)
            again = sync_resource(conn, client, spec)
        stored = {r[0] for r in conn.execute("SELECT id FROM raw.centerpoint_companies")}
    wanted = ids_in(other_business, "centerpoint", "companies")
    assert switched.cursor_before is None and "starts afresh" in switched.note
    assert switched.fetched == len(wanted) and wanted <= stored
    assert again.note == "" and again.cursor_before == switched.cursor_after and again.upserted.inserted == 0


def test_stripe_another_account_loads_in_full_then_resumes_its_own_cursor(
    fresh_warehouse: str, sample_dir: Path, other_business: Path, tmp_path: Path
) -> None:
    spec = OBJECTS["customers"]
    first_app = stripe_standin.create_app(stripe_standin.open_store(sample_dir, index=tmp_path / "a.sqlite"),
                                          account_id="acct_1FirstAccount00")
    other_app = stripe_standin.create_app(stripe_standin.open_store(other_business, index=tmp_path / "b.sqlite"),
                                          account_id="acct_1OtherAccount00")
    with serve_in_thread(first_app) as first_url, serve_in_thread(other_app) as other_url, \
            psycopg.connect(fresh_warehouse) as conn:
        first = StripeApi("sk_test_first", api_base=first_url, max_network_retries=0)
        assert first.account == "acct_1FirstAccount00"
        assert sync_object(conn, first, spec).cursor_after
        other = StripeApi("sk_test_other", api_base=other_url, max_network_retries=0)
        switched = sync_object(conn, other, spec)
        again = sync_object(conn, other, spec)
        stored = {r[0] for r in conn.execute("SELECT id FROM raw.stripe_customers")}
    wanted = ids_in(other_business, "stripe", "customers")
    assert switched.cursor_before is None and "acct_1FirstAccount00" in switched.note
    assert switched.mode == "full" and wanted <= stored
    assert again.note == "" and again.mode == "events" and again.upserted.inserted == 0


def test_notion_another_workspace_loads_in_full_then_resumes_its_own_cursor(
    fresh_warehouse: str, sample_dir: Path, other_business: Path
) -> None:
    first_app = notion_standin.create_app(notion_standin.open_store(sample_dir), workspace_id="workspace-first")
    other_app = notion_standin.create_app(notion_standin.open_store(other_business), workspace_id="workspace-other")
    with serve_in_thread(first_app) as first_url, serve_in_thread(other_app) as other_url, \
            psycopg.connect(fresh_warehouse) as conn:
        with client_for(first_url) as client:
            assert client.account == "workspace:workspace-first"
            sync_notion(conn, client)
        with client_for(other_url) as client:
            switched = sync_notion(conn, client)
            again = sync_notion(conn, client)
        stored = {r[0] for r in conn.execute("SELECT page_id FROM raw.notion_pages")}
    with (other_business / "notion" / "pages.jsonl").open() as f:
        wanted = {json.loads(line)["id"] for line in f}
    assert switched.cursor_before is None and "workspace-first" in switched.note
    assert wanted <= stored
    assert again.note == "" and again.cursor_before is not None
