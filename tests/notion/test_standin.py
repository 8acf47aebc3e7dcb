"""The Notion stand-in speaks Notion's wire format: the official notion-client, used directly, pages
through it, and its errors are Notion's error objects."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import httpx
import pytest
from notion_client import APIErrorCode, APIResponseError, Client, collect_paginated_api

from brainops.sample.notion_blocks import iter_blocks
from brainops.standins import notion as standin
from brainops.standins.runner import free_port, serve_in_thread

HEADERS = {"Authorization": "Bearer sample", "Notion-Version": "2025-09-03"}


@pytest.fixture
def sdk(notion_url: str):
    client = Client(auth="sample", base_url=notion_url)
    yield client
    client.close()


def live(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in pages if not p["in_trash"]]


def test_search_pages_every_live_page_newest_edit_first(sdk: Client, sample_pages: list[dict]) -> None:
    found = collect_paginated_api(
        sdk.search,
        filter={"property": "object", "value": "page"},
        sort={"direction": "descending", "timestamp": "last_edited_time"},
        page_size=3,
    )
    ids = [p["id"] for p in found]
    assert len(ids) == len(set(ids))
    assert set(ids) == {p["id"] for p in live(sample_pages)}
    stamps = [p["last_edited_time"] for p in found]
    assert stamps == sorted(stamps, reverse=True)
    assert all("_blocks" not in p and p["object"] == "page" for p in found)


def test_search_for_data_sources_and_by_title(sdk: Client, sample_dir, sample_pages: list[dict]) -> None:
    sources = sdk.search(filter={"property": "object", "value": "data_source"})
    assert sources["type"] == "page_or_data_source" and sources["has_more"] is False
    assert {s["object"] for s in sources["results"]} == {"data_source"}
    assert len(sources["results"]) == 3
    title = sample_pages[1]["properties"]["Name"]["title"][0]["plain_text"]
    hits = sdk.search(query=title.upper())["results"]
    assert sample_pages[1]["id"] in {h["id"] for h in hits}


def test_data_source_query_filters_on_last_edited_time(sdk: Client, sample_pages: list[dict]) -> None:
    source_id = sample_pages[1]["parent"]["data_source_id"]
    in_source = [p for p in live(sample_pages) if p["parent"].get("data_source_id") == source_id]
    cutoff = sorted(p["last_edited_time"] for p in in_source)[len(in_source) // 2]
    found = collect_paginated_api(
        sdk.data_sources.query,
        data_source_id=source_id,
        filter={"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": cutoff}},
        sorts=[{"timestamp": "last_edited_time", "direction": "ascending"}],
        page_size=2,
    )
    assert {p["id"] for p in found} == {p["id"] for p in in_source if p["last_edited_time"] >= cutoff}
    stamps = [p["last_edited_time"] for p in found]
    assert stamps == sorted(stamps)


def test_data_source_query_in_trash_lists_only_trashed_pages(sdk: Client, sample_pages: list[dict]) -> None:
    trashed = [p for p in sample_pages if p["in_trash"] and p["parent"]["type"] == "data_source_id"]
    assert trashed, "the sample trashes about 2% of its pages"
    source_id = trashed[0]["parent"]["data_source_id"]
    found = sdk.data_sources.query(data_source_id=source_id, in_trash=True)["results"]
    assert {p["id"] for p in found} == {p["id"] for p in trashed if p["parent"]["data_source_id"] == source_id}
    assert all(p["in_trash"] for p in found)


def test_block_children_page_through_in_order_without_our_keys(sdk: Client, sample_pages: list[dict]) -> None:
    page = max(sample_pages, key=lambda p: len(p["_blocks"]))
    top = collect_paginated_api(sdk.blocks.children.list, block_id=page["id"], page_size=2)
    assert [b["id"] for b in top] == [b["id"] for b in page["_blocks"]]
    parent = next(b for b in iter_blocks(page["_blocks"]) if b.get("_children"))
    children = collect_paginated_api(sdk.blocks.children.list, block_id=parent["id"].replace("-", ""), page_size=1)
    assert [b["id"] for b in children] == [b["id"] for b in parent["_children"]]
    assert all("_children" not in b and "_blocks" not in b for b in top + children)
    expected = {k: v for k, v in page["_blocks"][0].items() if k != "_children"}
    assert top[0] == expected


def test_page_and_data_source_retrieve(sdk: Client, sample_pages: list[dict]) -> None:
    page = sample_pages[1]
    got = sdk.pages.retrieve(page_id=page["id"])
    assert {k: v for k, v in got.items() if k != "request_id"} == {k: v for k, v in page.items() if k != "_blocks"}
    source = sdk.data_sources.retrieve(data_source_id=page["parent"]["data_source_id"])
    assert source["object"] == "data_source" and source["id"] == page["parent"]["data_source_id"]
    me = sdk.users.me()
    assert me["type"] == "bot" and me["object"] == "user"


def error_of(call) -> APIResponseError:
    with pytest.raises(APIResponseError) as caught:
        call()
    return caught.value


def test_errors_are_notion_error_objects(notion_url: str, sdk: Client) -> None:
    wrong = Client(auth="not-the-token", base_url=notion_url, retry=False)
    unauthorized = error_of(wrong.users.me)
    assert (unauthorized.status, unauthorized.code) == (401, APIErrorCode.Unauthorized)
    assert str(unauthorized) == "API token is invalid."

    missing = error_of(lambda: sdk.pages.retrieve(page_id="4d8a2f6e-0000-4000-8000-000000000000"))
    assert (missing.status, missing.code) == (404, APIErrorCode.ObjectNotFound)
    assert "shared with your integration" in str(missing)

    too_big = error_of(lambda: sdk.search(page_size=101))
    assert (too_big.status, too_big.code) == (400, APIErrorCode.ValidationError)

    bad_filter = error_of(lambda: sdk.search(filter={"property": "object", "value": "database"}))
    assert bad_filter.code == APIErrorCode.ValidationError and '"database"' in str(bad_filter)

    bad_id = error_of(lambda: sdk.blocks.children.list(block_id="not-a-uuid"))
    assert bad_id.code == APIErrorCode.ValidationError

    bad_cursor = error_of(lambda: sdk.search(start_cursor="4d8a2f6e-0000-4000-8000-000000000000"))
    assert bad_cursor.code == APIErrorCode.ValidationError

    body = httpx.post(f"{notion_url}/v1/search", headers=HEADERS, content=b"{not json").json()
    assert body["object"] == "error" and body["code"] == "invalid_json"
    unknown = httpx.get(f"{notion_url}/v1/nowhere", headers=HEADERS).json()
    assert (unknown["status"], unknown["code"], unknown["message"]) == (
        400,
        "invalid_request_url",
        "Invalid request URL.",
    )
    no_version = httpx.get(f"{notion_url}/v1/users/me", headers={"Authorization": "Bearer sample"})
    assert no_version.status_code == 400 and no_version.json()["code"] == "missing_version"


def test_the_rate_limit_answers_429_with_retry_after(notion_store) -> None:
    app = standin.create_app(notion_store, rate_limit=standin.RateLimit(rate=1, burst=3))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, headers=HEADERS) as http:
        statuses = [http.get("/v1/users/me") for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    limited = statuses[-1]
    assert limited.headers["Retry-After"] == "1"
    assert limited.json()["code"] == "rate_limited" and limited.json()["object"] == "error"


def test_the_admin_route_edits_a_page_and_bumps_its_time(notion_url: str, sdk: Client, sample_pages) -> None:
    page = live(sample_pages)[2]
    response = httpx.patch(f"{notion_url}/_admin/pages/{page['id']}", json={"title": "Renamed", "blocks": []})
    assert response.status_code == 200
    got = sdk.pages.retrieve(page_id=page["id"])
    assert got["last_edited_time"] > page["last_edited_time"]
    assert got["properties"]["Name"]["title"][0]["plain_text"] == "Renamed"
    assert sdk.blocks.children.list(block_id=page["id"])["results"] == []
    newest = sdk.search(filter={"property": "object", "value": "page"}, page_size=1)["results"][0]
    assert newest["id"] == page["id"]


def test_the_standin_runs_as_its_own_process(sample_dir) -> None:
    standin.open_store(sample_dir)  # the index is built once, before the server starts
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "brainops.standins", "notion", "--sample", str(sample_dir), "--port", str(port)]
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/v1/users/me", headers=HEADERS)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert response.status_code == 200 and response.json()["type"] == "bot"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
