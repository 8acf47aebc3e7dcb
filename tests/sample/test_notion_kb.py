"""The sample Notion knowledge base: deterministic, API-shaped (checked against the recorded
responses in shared/fixtures/notion) and answerable (every truth question's phrase is on its page)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from brainops.paths import PROJECT_ROOT
from brainops.sample.notion_blocks import iter_blocks, page_text
from brainops.sample.notion_kb import generate_notion

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "notion"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kb")
    counts = generate_notion(out, scale=0.25, seed=11, as_of=AS_OF)
    assert counts["notion/pages"] == 50
    return out


@pytest.fixture(scope="module")
def pages(kb: Path) -> list[dict]:
    return read_jsonl(kb / "notion" / "pages.jsonl")


def recorded_objects() -> list[dict]:
    """Every JSON object in the recorded response bodies."""
    found = []
    for cassette in sorted(FIXTURES.glob("test_*.yaml")):
        for interaction in yaml.safe_load(cassette.read_text())["interactions"]:
            body = interaction["response"]["body"]["string"]
            try:
                data = json.loads(body)
            except ValueError:
                continue
            found.extend(data["results"] if data.get("object") == "list" else [data])
    return found


def test_same_seed_same_bytes_other_seed_other_content(tmp_path: Path, kb: Path) -> None:
    again = tmp_path / "again"
    generate_notion(again, scale=0.25, seed=11, as_of=AS_OF)
    for name in ("notion/pages.jsonl", "notion/data_sources.jsonl", "truth/notion_questions.jsonl"):
        assert (again / name).read_bytes() == (kb / name).read_bytes(), name
    other = tmp_path / "other"
    generate_notion(other, scale=0.25, seed=12, as_of=AS_OF)
    assert (other / "notion/pages.jsonl").read_bytes() != (kb / "notion/pages.jsonl").read_bytes()


def test_about_200_pages_at_scale_1_and_counts_match_files(tmp_path: Path) -> None:
    counts = generate_notion(tmp_path, scale=1, seed=3, as_of=AS_OF)
    pages = read_jsonl(tmp_path / "notion" / "pages.jsonl")
    assert counts["notion/pages"] == len(pages) == 200
    assert counts["notion/blocks"] == sum(len(list(iter_blocks(p["_blocks"]))) for p in pages)
    assert counts["notion/data_sources"] == 3
    questions = read_jsonl(tmp_path / "truth" / "notion_questions.jsonl")
    assert len(questions) >= 60
    assert 1 <= sum(p["archived"] for p in pages) <= 10


def test_ids_are_unique(pages: list[dict], kb: Path) -> None:
    page_ids = [p["id"] for p in pages]
    assert len(page_ids) == len(set(page_ids))
    blocks = [b for p in pages for b in iter_blocks(p["_blocks"])]
    block_ids = [b["id"] for b in blocks]
    assert len(block_ids) == len(set(block_ids))
    sources = read_jsonl(kb / "notion" / "data_sources.jsonl")
    databases = {s["parent"]["database_id"] for s in sources}
    # A child_page block is the page itself, a child_database block the database: Notion shares their ids.
    shared = {b["id"] for b in blocks if b["type"] in ("child_page", "child_database")}
    assert set(block_ids) & set(page_ids) <= shared
    assert {b["id"] for b in blocks if b["type"] == "child_page"} <= set(page_ids)
    assert {b["id"] for b in blocks if b["type"] == "child_database"} == databases


def test_page_and_data_source_shapes_match_the_recordings(pages: list[dict], kb: Path) -> None:
    recorded = recorded_objects()
    rec_page = next(o for o in recorded if o["object"] == "page")
    page_keys = set(rec_page) - {"request_id"}
    for page in pages:
        assert set(page) - {"_blocks"} == page_keys
        assert page["url"].startswith("https://www.notion.so/")
        title = next(p for p in page["properties"].values() if p["type"] == "title")
        assert set(title) == set(rec_page["properties"]["title"])
        for item in title["title"]:
            assert set(item) == set(rec_page["properties"]["title"]["title"][0])
            assert set(item["annotations"]) == set(rec_page["properties"]["title"]["title"][0]["annotations"])
    rec_source = next(o for o in recorded if o["object"] == "data_source")
    sources = read_jsonl(kb / "notion" / "data_sources.jsonl")
    assert 2 <= len(sources) <= 3
    for source in sources:
        assert set(source) == set(rec_source) - {"request_id"}
        assert set(source["properties"]["Name"]) == set(rec_source["properties"]["Name"])
        assert source["parent"]["type"] == "database_id"
    source_ids = {s["id"] for s in sources}
    in_sources = [p for p in pages if p["parent"]["type"] == "data_source_id"]
    assert in_sources and all(p["parent"]["data_source_id"] in source_ids for p in in_sources)


def test_block_shapes_match_the_recordings(pages: list[dict]) -> None:
    recorded = {o["type"]: o for o in recorded_objects() if o["object"] == "block"}
    assert {"paragraph", "child_page"} <= set(recorded)
    envelope = set(recorded["paragraph"]) - {"request_id"}
    blocks = [b for p in pages for b in iter_blocks(p["_blocks"])]
    seen = {b["type"] for b in blocks}
    assert {"heading_1", "heading_2", "heading_3", "paragraph", "bulleted_list_item", "numbered_list_item",
            "to_do", "toggle", "callout", "quote", "code", "divider", "table", "table_row"} <= seen
    for block in blocks:
        kind = block["type"]
        assert set(block) - {"_children", kind} == envelope - {"paragraph"}, kind
        if kind in recorded:
            assert set(block[kind]) == set(recorded[kind][kind]), kind
        for item in block[kind].get("rich_text", []):
            assert set(item) == set(recorded["paragraph"]["paragraph"]["rich_text"][0])
        # `_children` is there exactly when the API would have children to list (child pages are pages).
        assert ("_children" in block) == (block["has_children"] and kind != "child_page")
        for child in block.get("_children", []):
            assert child["parent"] == {"type": "block_id", "block_id": block["id"]}
    for page in pages:
        for block in page["_blocks"]:
            assert block["parent"] == {"type": "page_id", "page_id": page["id"]}
    nested_lists = [b for b in blocks if b["type"].endswith("list_item") and b.get("_children")]
    assert nested_lists
    assert all(b["type"] == "table_row" for t in blocks if t["type"] == "table" for b in t["_children"])


def test_times_are_notion_shaped_and_before_as_of(pages: list[dict]) -> None:
    for page in pages:
        for key in ("created_time", "last_edited_time"):
            assert page[key].endswith(":00.000Z")
            assert datetime.fromisoformat(page[key]) <= AS_OF
        assert page["created_time"] <= page["last_edited_time"]


def test_every_answer_phrase_is_on_its_page(pages: list[dict], kb: Path) -> None:
    by_id = {p["id"]: p for p in pages}
    questions = read_jsonl(kb / "truth" / "notion_questions.jsonl")
    assert len(questions) >= 30
    for q in questions:
        assert set(q) == {"question", "page_id", "answer_phrase"}
        page = by_id[q["page_id"]]
        assert not page["archived"]
        assert q["answer_phrase"] in page_text(page), q
    titles = [page_text(p).splitlines()[0] for p in pages]
    assert len(titles) == len(set(titles))
