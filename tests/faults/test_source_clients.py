"""Each source's client through an outage, against its local stand-in: every request is retried with exponential
backoff and jitter (as long as Retry-After asks, when it does) until the client's time budget is spent, then one
error names the source, what went wrong for how long, and what to do. A refusal that waiting cannot fix (a wrong
key) fails at once. For Notion, whose Dagster path is CenterPoint's (tests/faults/test_source_outage.py), also the
cursor: untouched by the failed sync, resumed from once Notion is back."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from brainops.standins import centerpoint, notion, stripe
from brainops.standins.faults import Faults
from brainops.standins.jsonl_store import JsonlStore
from brainops.standins.notion_store import NotionStore
from brainops.standins.runner import free_port, serve_in_thread
from pipelines.centerpoint.client import CenterPointClient, CenterPointError, CenterPointUnavailable
from pipelines.loaders.sync_state import read_cursor
from pipelines.notion.client import NotionClient, NotionError, NotionUnavailable
from pipelines.notion.sync import sync_notion
from pipelines.stripe.client import StripeApi, StripeSyncError, StripeUnavailable

BUDGET = 1.0  # seconds; production's SOURCE_RETRY_SECONDS is 300


@dataclass
class Source:
    name: str  # as the error names it
    serve: Callable[[Path, Path, Faults], Any]  # (sample dir, a scratch dir, faults) -> the stand-in app
    call: Callable[[str, str], Any]  # (base URL, key) -> one request through the client
    error: type[Exception]
    unavailable: type[Exception]


def _centerpoint_app(sample_dir: Path, scratch: Path, faults: Faults) -> Any:
    files = {"companies": sample_dir / "centerpoint" / "companies.jsonl"}
    store = JsonlStore.build(scratch / "centerpoint.sqlite", files, lambda r: r["attributes"]["updatedAt"])
    return centerpoint.create_app(store, api_key="sample", faults=faults)


def _centerpoint_call(url: str, key: str) -> Any:
    with CenterPointClient(f"{url}/centerpoint/", key, retry_seconds=BUDGET, max_retries=None,
                           backoff_base=0.05) as client:
        return client.get("companies")


def _stripe_call(url: str, key: str) -> Any:
    api = StripeApi(key, api_base=url, retry_seconds=BUDGET, max_retries=None, max_network_retries=0,
                    backoff_base=0.05)
    return api.get("/v1/customers", {"limit": 1})


def _notion_call(url: str, key: str) -> Any:
    with NotionClient(key, base_url=url, requests_per_second=None, retry_seconds=BUDGET, max_retries=None,
                      backoff_base=0.05) as client:
        return client.me()


SOURCES = {
    "centerpoint": Source("CenterPoint", _centerpoint_app, _centerpoint_call, CenterPointError,
                          CenterPointUnavailable),
    "stripe": Source("Stripe", lambda d, _, f: stripe.create_app(stripe.open_store(d), faults=f), _stripe_call,
                     StripeSyncError, StripeUnavailable),
    "notion": Source("Notion", lambda d, _, f: notion.create_app(notion.open_store(d), token="sample", faults=f),
                     _notion_call, NotionError, NotionUnavailable),
}
GOOD_KEY = {"centerpoint": "sample", "stripe": "sk_test_outage", "notion": "sample"}
WRONG_KEY = {"centerpoint": "wrong", "stripe": "sk_live_wrong", "notion": "wrong"}


@contextmanager
def standin(source: Source, sample_dir: Path, scratch: Path, faults: Faults) -> Iterator[str]:
    with serve_in_thread(source.serve(sample_dir, scratch, faults)) as url:
        yield url


@pytest.mark.parametrize("name", SOURCES)
def test_a_503_with_retry_after_is_retried_as_told_until_the_budget_is_spent(
    name: str, sample_dir: Path, tmp_path: Path
) -> None:
    source, faults = SOURCES[name], Faults(outage=503, outage_retry_after="0.2")
    with standin(source, sample_dir, tmp_path, faults) as url:
        started = time.monotonic()
        with pytest.raises(source.unavailable) as caught:
            source.call(url, GOOD_KEY[name])
        spent = time.monotonic() - started
    # Waited 0.2 s (plus up to 10 %) between tries, and stopped before a try would start past the budget.
    assert 3 <= faults.count <= 1 + BUDGET / 0.2, faults.count
    assert 0.2 * (faults.count - 1) <= spent <= BUDGET + 2
    message = str(caught.value)
    assert f"{source.name} at {url}" in message and f"unavailable after {faults.count} attempts" in message
    assert "503" in message and "re-run" in message


@pytest.mark.parametrize("name", SOURCES)
def test_a_source_that_refuses_connections_is_retried_with_backoff_until_the_budget(name: str) -> None:
    source, url = SOURCES[name], f"http://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(source.unavailable) as caught:
        source.call(url, GOOD_KEY[name])
    spent = time.monotonic() - started
    assert spent <= BUDGET + 2  # given up at the budget: an outage costs bounded time, not forever
    message = str(caught.value)
    assert message.startswith(f"{source.name} at {url}") and "could not connect" in message and "re-run" in message
    attempts = int(message.split("unavailable after ")[1].split(" attempt")[0])
    assert attempts >= 3  # retried, with waits growing from 0.05 s: never a hot loop of hundreds


@pytest.mark.parametrize("name", SOURCES)
def test_a_wrong_key_fails_at_once_without_retries(name: str, sample_dir: Path, tmp_path: Path) -> None:
    source, faults = SOURCES[name], Faults()
    with standin(source, sample_dir, tmp_path, faults) as url:
        with pytest.raises(source.error) as caught:
            source.call(url, WRONG_KEY[name])
    assert not isinstance(caught.value, source.unavailable)  # nothing to wait out: the step fails for good
    assert "refused" in str(caught.value)


def test_a_notion_outage_keeps_the_cursor_and_the_next_sync_resumes_from_it(
    sample_dir: Path, tmp_path: Path, fresh_warehouse: str
) -> None:
    copy = tmp_path / "notion.sqlite"
    shutil.copyfile(notion.open_store(sample_dir).db_path, copy)
    faults = Faults()
    with serve_in_thread(notion.create_app(NotionStore(copy), token="sample", faults=faults)) as url, \
            psycopg.connect(fresh_warehouse) as conn:

        def client() -> NotionClient:
            return NotionClient("sample", base_url=url, requests_per_second=None, retry_seconds=BUDGET,
                                max_retries=None, backoff_base=0.05)

        with client() as c:
            sync_notion(conn, c)
        cursor = read_cursor(conn, "notion", "pages")
        pages = conn.execute("SELECT count(*), max(_loaded_at) FROM raw.notion_pages").fetchone()
        conn.commit()

        faults.outage = 503
        with client() as c, pytest.raises(NotionUnavailable, match="Earlier data is untouched"):
            sync_notion(conn, c)
        conn.rollback()
        assert read_cursor(conn, "notion", "pages") == cursor
        assert conn.execute("SELECT count(*), max(_loaded_at) FROM raw.notion_pages").fetchone() == pages

        faults.outage = 0
        page_id = conn.execute("SELECT page_id FROM raw.notion_pages WHERE NOT in_trash LIMIT 1").fetchone()[0]
        httpx.patch(f"{url}/_admin/pages/{page_id}", json={"title": "Back online"}).raise_for_status()
        with client() as c:
            result = sync_notion(conn, c)
        assert result.cursor_before == cursor and result.pages_fetched == 1  # resumed: only the edited page
        assert conn.execute("SELECT title FROM raw.notion_pages WHERE page_id = %s", (page_id,)).fetchone() == (
            "Back online",)
        assert conn.execute("SELECT count(*) = count(DISTINCT page_id) FROM raw.notion_pages").fetchone() == (True,)
