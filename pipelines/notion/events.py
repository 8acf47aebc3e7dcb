"""Which assets a Notion webhook event makes stale (called by the generic webhook sensor).

Event types are Notion's (https://developers.notion.com/reference/webhooks-events-delivery):
`page.*` (created, content_updated, properties_updated, moved, deleted, undeleted, locked, unlocked),
`data_source.*` and `database.*` (created, content_updated, schema_updated, moved, deleted, undeleted),
`comment.*`, `file_upload.*`. We land pages, their blocks and data sources, not comments or uploads.
"""

from __future__ import annotations

from typing import Any

PAGES = ["raw", "notion_pages"]
BLOCKS = ["raw", "notion_blocks"]
DATA_SOURCES = ["raw", "notion_data_sources"]

# Events that change only a data source's own object (title, schema, place); its pages are unchanged.
SCHEMA_ONLY = {"schema_updated", "moved", "created"}


def affected_assets(event_type: str, payload: dict[str, Any]) -> list[list[str]]:
    """Asset key paths to re-materialize for one event; empty when nothing we land changed.

    The payload is not needed to decide (the sync finds what changed by itself); it is accepted so
    every source's mapping has the same signature."""
    entity, _, action = event_type.partition(".")
    if entity == "page":
        return [PAGES, BLOCKS]  # any page event, lock changes included: the page object changed
    if entity in ("data_source", "database"):
        if action in SCHEMA_ONLY:
            return [DATA_SOURCES]
        # content_updated: its pages changed; deleted/undeleted: its pages left or came back.
        return [DATA_SOURCES, PAGES, BLOCKS]
    return []
