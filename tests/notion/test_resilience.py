"""Outbound resilience against the stand-in: 429 + Retry-After honoured, 5xx retried, the client-side
limiter measured against Notion's ~3 requests/s, and readable failures that leave loaded data intact."""

from __future__ import annotations

import time
from itertools import pairwise

import psycopg
import pytest

from brainops.standins import notion as standin
from brainops.standins.faults import Faults
from brainops.standins.runner import free_port, serve_in_thread
from pipelines.loaders.sync_state import read_cursor
from pipelines.notion.client import NOTION_RATE, NotionError
from pipelines.notion.sync import sync_notion
from tests.notion.helpers import client_for


def test_429_answers_are_retried_after_exactly_the_retry_after_delay(notion_store) -> None:
    app = standin.create_app(notion_store, faults=Faults(rate_limit_every=2, retry_after="1"))
    with serve_in_thread(app) as url, client_for(url) as client:
        for _ in range(3):
            assert client.me()["type"] == "bot"
        assert client.rate_limited == 2 and client.retries_made == 2
    log = list(app.state.log.entries)
    assert [status for _, _, _, status in log] == [200, 429, 200, 429, 200]
    for (at, *_, status), (next_at, *_) in pairwise(log):
        if status == 429:
            assert 1.0 <= next_at - at < 1.5  # waited as told, not the (much shorter) backoff


def test_the_standin_rate_limit_is_absorbed_by_retries(notion_store, sample_pages, fresh_warehouse: str) -> None:
    # The client's own limiter off: the server's 429s (Retry-After: 1) are what slows the sync down.
    app = standin.create_app(notion_store, rate_limit=standin.RateLimit(rate=10, burst=5))
    with serve_in_thread(app) as url, client_for(url) as client, psycopg.connect(fresh_warehouse) as conn:
        result = sync_notion(conn, client)
        pages = conn.execute("SELECT count(*) FROM raw.notion_pages").fetchone()[0]
    assert result.rate_limited > 0 and result.retries == result.rate_limited
    assert pages == sum(1 for p in sample_pages if not p["in_trash"] or p["parent"]["type"] == "data_source_id")


def test_server_errors_are_retried_even_for_searches_and_queries(notion_store, fresh_warehouse: str) -> None:
    app = standin.create_app(notion_store, faults=Faults(error_every=4))
    with serve_in_thread(app) as url, client_for(url) as client, psycopg.connect(fresh_warehouse) as conn:
        result = sync_notion(conn, client)
    failed = [(method, path) for _, method, path, status in app.state.log.entries if status == 500]
    assert result.retries == len(failed) > 0
    assert any(method == "POST" for method, _ in failed)  # search/query: the SDK alone would not retry these
    assert result.pages_fetched > 0


def test_the_client_keeps_to_three_requests_a_second(notion_store, fresh_warehouse: str) -> None:
    # Notion's own limit on the server (with a burst allowance) and our default limiter on the client.
    app = standin.create_app(notion_store, rate_limit=standin.RateLimit(rate=NOTION_RATE, burst=10))
    with (
        serve_in_thread(app) as url,
        client_for(url, requests_per_second=NOTION_RATE) as client,
        psycopg.connect(fresh_warehouse) as conn,
    ):
        result = sync_notion(conn, client)
    times = [at for at, *_ in app.state.log.entries]
    assert result.rate_limited == 0 and result.requests == len(times) >= 15
    burst = client.limiter.burst
    # In any window, at most the burst plus the rate times the window's length (plus one for the edges).
    for i, start in enumerate(times):
        for j in range(i, len(times)):
            assert j - i + 1 <= burst + NOTION_RATE * (times[j] - start) + 1, (i, j)
    sustained = (len(times) - burst) / (times[-1] - times[0])
    assert sustained <= NOTION_RATE * 1.1
    assert result.limiter_wait_seconds > 0


def test_an_unreachable_notion_fails_readably_and_leaves_earlier_data_intact(
    notion_url: str, fresh_warehouse: str
) -> None:
    with psycopg.connect(fresh_warehouse) as conn:
        with client_for(notion_url) as client:
            sync_notion(conn, client)
        before = conn.execute("SELECT count(*), max(_loaded_at) FROM raw.notion_pages").fetchone()
        blocks = conn.execute("SELECT count(*) FROM raw.notion_blocks").fetchone()[0]
        cursor = read_cursor(conn, "notion", "pages")
        conn.commit()

        dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
        started = time.monotonic()
        with client_for(dead, max_retries=2) as client, pytest.raises(NotionError) as caught:
            sync_notion(conn, client, full_refresh=True)
        assert time.monotonic() - started < 5
        message = str(caught.value)
        assert message.startswith(f"Notion at {dead} is unavailable after 3 attempts (could not connect")
        assert "Earlier data is untouched; re-run the sync when Notion is reachable again." in message
        conn.rollback()
        assert conn.execute("SELECT count(*), max(_loaded_at) FROM raw.notion_pages").fetchone() == before
        assert conn.execute("SELECT count(*) FROM raw.notion_blocks").fetchone()[0] == blocks
        assert read_cursor(conn, "notion", "pages") == cursor


def test_a_wrong_token_is_refused_readably(notion_url: str, fresh_warehouse: str) -> None:
    with (
        psycopg.connect(fresh_warehouse) as conn,
        client_for(notion_url, token="ntn_wrong") as client,
        pytest.raises(NotionError, match=r"^Notion refused the token \(401 unauthorized: API token is invalid\.\)"),
    ):
        sync_notion(conn, client)
    assert client.requests_made == 1  # not retried
