"""Our client paths against Notion's real recorded answers (shared/fixtures/notion), replayed to the
official notion-client: pagination, data source queries, page and data source shapes, and the real
400/401 error bodies turned into readable errors."""

from __future__ import annotations

import json

import pytest

from pipelines.notion.blocks import block_rows, fetch_tree
from pipelines.notion.client import NotionClient, NotionError
from pipelines.notion.records import data_source_row, page_row
from pipelines.notion.render import render_blocks
from tests.notion.recordings import Interaction, Replay, cassette, recorded_answer, replay

PAGE_WITH_FIVE_PARAGRAPHS = "393abc1e-edcd-814b-aee5-cf69471e5a43"
RECORDED_DATA_SOURCE = "393abc1e-edcd-81a2-8d0b-000bae7f15dc"


def client_for(recording: Replay, **kwargs) -> NotionClient:
    kwargs.setdefault("requests_per_second", None)
    return NotionClient("secret_test_token", transport=recording.transport(), **kwargs)


def test_block_children_follow_the_recorded_cursor_to_the_end() -> None:
    recording = replay("test_iterate_paginated_api.yaml", only="/children")
    with client_for(recording, page_size=2) as client:
        tree = fetch_tree(client, PAGE_WITH_FIVE_PARAGRAPHS)
        assert client.requests_made == 3
    assert [node.block["paragraph"]["rich_text"][0]["plain_text"] for node in tree] == [
        f"paragraph {i}" for i in range(5)
    ]
    assert render_blocks(tree) == "\n\n".join(f"paragraph {i}" for i in range(5))
    rows = list(block_rows(PAGE_WITH_FIVE_PARAGRAPHS, tree))
    assert [(r[3], r[4], r[5], r[6], r[7]) for r in rows] == [
        (i, i, 0, "paragraph", f"paragraph {i}") for i in range(5)
    ]
    # What the SDK sent: the cursor from each answer, the page size, the version and the token.
    first, second, third = recording.requests
    assert "start_cursor" not in first.url.params and first.url.params["page_size"] == "2"
    assert second.url.params["start_cursor"] == "393abc1e-edcd-817b-900d-c75ec8d2f272"
    assert third.url.params["start_cursor"] == "393abc1e-edcd-81d2-b73d-feaa29f12025"
    assert first.headers["Notion-Version"] == "2025-09-03"
    assert first.headers["Authorization"] == "Bearer secret_test_token"


def test_a_recorded_page_becomes_a_raw_row() -> None:
    recording = replay("test_pages_retrieve.yaml", only="/v1/pages/393abc1e-edcd-81f5")
    recording.interactions = [i for i in recording.interactions if i.method == "GET"]
    with client_for(recording) as client:
        page = client.retrieve_page("393abc1e-edcd-81f5-ae94-ec2d55fe98ed")
    full = page_row(page, content_text="", block_count=0, blocks_synced_at=None)
    row = dict(zip(["page_id", "parent_type", "parent_page_id", "parent_data_source_id"], full[:4], strict=True))
    assert row == {
        "page_id": "393abc1e-edcd-81f5-ae94-ec2d55fe98ed",
        "parent_type": "page_id",
        "parent_page_id": "393abc1e-edcd-80f3-813b-e205934558c6",
        "parent_data_source_id": None,
    }
    assert full[6] == "Test 2026-07-04 11:08:14.736683"  # title
    assert full[9] == "2026-07-04T09:08:00.000Z" and full[10] is False and full[11] is False
    assert "request_id" not in json.loads(full[-1])


def test_a_recorded_data_source_query_and_retrieve() -> None:
    recording = replay("test_data_sources_query.yaml", only=f"/v1/data_sources/{RECORDED_DATA_SOURCE}/query")
    # The recording creates the data source rather than retrieving it: serve that (same) object to our GET.
    created = next(i for i in cassette("test_data_sources_query.yaml") if i.path == "/v1/data_sources")
    recording.interactions.append(
        Interaction(
            "GET", f"/v1/data_sources/{RECORDED_DATA_SOURCE}", {}, created.status, created.body, created.headers
        )
    )
    with client_for(recording) as client:
        pages = list(client.query_data_source(RECORDED_DATA_SOURCE, edited_on_or_after="2026-07-04T09:00:00.000Z"))
        source = client.retrieve_data_source(RECORDED_DATA_SOURCE)
    assert pages == []
    assert recording.bodies()[0] == {
        "sorts": [{"timestamp": "last_edited_time", "direction": "ascending"}],
        "filter": {"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": "2026-07-04T09:00:00.000Z"}},
        "page_size": 100,
    }
    row = data_source_row(source)
    assert row[0] == RECORDED_DATA_SOURCE
    assert row[1] == "daf41515-aa5f-4d14-97a8-9193425ec491"  # its database
    assert row[3].startswith("Test Data Source")


def test_a_recorded_search() -> None:
    recording = replay("test_search.yaml", only="/v1/search")
    with client_for(recording) as client:
        assert list(client.search("page")) == []
    assert recording.bodies()[0] == {
        "filter": {"property": "object", "value": "page"},
        "sort": {"direction": "descending", "timestamp": "last_edited_time"},
        "page_size": 100,
    }


def served_for(path: str, answer: Interaction) -> Replay:
    """The recorded error answer, served to the request our client makes."""
    return Replay([Interaction("GET", path, {}, answer.status, answer.body, answer.headers)])


def test_the_recorded_401_is_a_readable_error_without_retries() -> None:
    recording = served_for("/v1/users/me", recorded_answer("test_api_response_error.yaml", status=401))
    with client_for(recording) as client, pytest.raises(NotionError) as caught:
        client.me()
    message = str(caught.value)
    assert message.startswith("Notion refused the token (401 unauthorized: API token is invalid.) for users/me.")
    assert "NOTION_TOKEN" in message
    assert len(recording.requests) == 1


def test_the_recorded_400_is_a_readable_error_without_retries() -> None:
    page_id = "393abc1e-edcd-81f5-ae94-ec2d55fe98ed"
    recording = served_for(f"/v1/pages/{page_id}", recorded_answer("test_api_response_error.yaml", status=400))
    with client_for(recording) as client, pytest.raises(NotionError) as caught:
        client.retrieve_page(page_id)
    assert str(caught.value).startswith(
        f"Notion rejected the request for pages/{page_id} (400 invalid_request_url: Invalid request URL.)."
    )
    assert len(recording.requests) == 1
