"""The Notion stand-in over the session's sample (a private copy of its index when a test edits pages)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from brainops.standins import notion as standin
from brainops.standins.notion_store import NotionStore
from brainops.standins.runner import serve_in_thread
from tests.notion.helpers import read_jsonl


@pytest.fixture(scope="session")
def sample_pages(sample_dir: Path) -> list[dict[str, Any]]:
    return read_jsonl(sample_dir / "notion" / "pages.jsonl")


@pytest.fixture
def notion_store(sample_dir: Path, tmp_path: Path) -> NotionStore:
    """The sample's index, copied: admin edits in one test never leak into another."""
    shared = standin.open_store(sample_dir)
    copy = tmp_path / "notion.sqlite"
    shutil.copyfile(shared.db_path, copy)
    return NotionStore(copy)


@pytest.fixture
def notion_app(notion_store: NotionStore):
    return standin.create_app(notion_store)


@pytest.fixture
def notion_url(notion_app) -> Iterator[str]:
    with serve_in_thread(notion_app) as url:
        yield url
