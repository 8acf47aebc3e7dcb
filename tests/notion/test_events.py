"""Which assets a Notion webhook event makes stale: keys the definitions really have."""

from __future__ import annotations

import dagster as dg
import pytest

from pipelines.definitions import defs
from pipelines.notion.events import affected_assets

PAGES, BLOCKS, DATA_SOURCES = ["raw", "notion_pages"], ["raw", "notion_blocks"], ["raw", "notion_data_sources"]


@pytest.mark.parametrize(
    ("event_type", "expected"),
    [
        ("page.created", [PAGES, BLOCKS]),
        ("page.content_updated", [PAGES, BLOCKS]),
        ("page.properties_updated", [PAGES, BLOCKS]),
        ("page.moved", [PAGES, BLOCKS]),
        ("page.deleted", [PAGES, BLOCKS]),
        ("page.undeleted", [PAGES, BLOCKS]),
        ("page.locked", [PAGES, BLOCKS]),
        ("data_source.schema_updated", [DATA_SOURCES]),
        ("data_source.created", [DATA_SOURCES]),
        ("data_source.content_updated", [DATA_SOURCES, PAGES, BLOCKS]),
        ("data_source.deleted", [DATA_SOURCES, PAGES, BLOCKS]),
        ("database.moved", [DATA_SOURCES]),
        ("database.content_updated", [DATA_SOURCES, PAGES, BLOCKS]),
        ("comment.created", []),
        ("file_upload.completed", []),
        ("something.new", []),
    ],
)
def test_event_types_map_to_assets(event_type: str, expected: list[list[str]]) -> None:
    payload = {"type": event_type, "entity": {"id": "153104cd-477e-809d-8dc4-ff2d96ae3090", "type": "page"}}
    assert affected_assets(event_type, payload) == expected


def test_every_key_returned_is_an_asset_of_the_code_location() -> None:
    keys = defs.resolve_asset_graph().get_all_asset_keys()
    for path in (PAGES, BLOCKS, DATA_SOURCES):
        assert dg.AssetKey(path) in keys
