"""Notion → raw.notion_* end to end: our client over the official notion-client, the local stand-in,
a real Postgres; staging through dbt."""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import psycopg
import pytest

from brainops.sample.notion_blocks import iter_blocks, page_text
from brainops.standins import notion as standin
from brainops.standins.runner import serve_in_thread
from pipelines.loaders.sync_state import read_cursor
from pipelines.notion.client import NotionError
from pipelines.notion.sync import sync_notion
from tests.notion.helpers import admin, client_for, dbt_build_notion, read_jsonl


def table_ids(conn: psycopg.Connection, table: str, key: str) -> set[str]:
    return {r[0] for r in conn.execute(f"SELECT {key} FROM raw.{table}")}


def counts(conn: psycopg.Connection) -> dict[str, int]:
    return {
        t: conn.execute(f"SELECT count(*) FROM raw.{t}").fetchone()[0]
        for t in ("notion_pages", "notion_blocks", "notion_data_sources")
    }


def live_pages(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in pages if not p["in_trash"]]


def test_full_sync_lands_every_page_and_block_and_a_rerun_changes_nothing(
    fresh_warehouse: str, sample_dir: Path, sample_pages: list[dict], notion_url: str
) -> None:
    live = live_pages(sample_pages)
    trashed = [p for p in sample_pages if p["in_trash"] and p["parent"]["type"] == "data_source_id"]
    with psycopg.connect(fresh_warehouse) as conn, client_for(notion_url) as client:
        first = sync_notion(conn, client, batch_pages=4)
        assert first.pages_fetched == len(live) and first.pages_trashed == len(trashed)
        assert table_ids(conn, "notion_pages", "page_id") == {p["id"] for p in live + trashed}
        assert table_ids(conn, "notion_blocks", "block_id") == {
            b["id"] for p in live for b in iter_blocks(p["_blocks"])
        }
        assert table_ids(conn, "notion_data_sources", "data_source_id") == {
            s["id"] for s in read_jsonl(sample_dir / "notion" / "data_sources.jsonl")
        }
        flags = dict(conn.execute("SELECT page_id, in_trash AND content_text IS NULL FROM raw.notion_pages"))
        assert {pid for pid, gone in flags.items() if gone} == {p["id"] for p in trashed}
        texts = dict(conn.execute("SELECT page_id, title || E'\\n' || content_text FROM raw.notion_pages"))
        before = counts(conn)

        again = sync_notion(conn, client)
        assert again.pages_fetched == 0 and again.pages_upserted.written == 0 and again.blocks_upserted.written == 0
        assert again.pages_listed <= 3  # only the pages at the cursor's minute come back
        assert counts(conn) == before
        assert again.cursor_before == first.cursor_after == again.cursor_after

    # Rendering loses no text: every line of the generator's plain rendering is in content_text.
    for page in live:
        for line in page_text(page).splitlines():
            assert line in texts[page["id"]], (page["id"], line)
    for question in read_jsonl(sample_dir / "truth" / "notion_questions.jsonl"):
        assert question["answer_phrase"] in texts[question["page_id"]]


def test_an_edited_page_resyncs_alone_with_its_blocks_replaced(
    fresh_warehouse: str, sample_pages: list[dict], notion_url: str
) -> None:
    page = next(p for p in live_pages(sample_pages) if p["parent"]["type"] == "data_source_id")
    old_blocks = {b["id"] for b in iter_blocks(page["_blocks"])}
    with psycopg.connect(fresh_warehouse) as conn, client_for(notion_url) as client:
        sync_notion(conn, client)
        others_before = conn.execute(
            "SELECT count(*), max(_loaded_at) FROM raw.notion_blocks WHERE page_id <> %s", (page["id"],)
        ).fetchone()
        admin(
            notion_url,
            "PATCH",
            f"/{page['id']}",
            {
                "title": "Ridge vent install (revised)",
                "blocks": [
                    {"kind": "h2", "text": "New section"},
                    {"kind": "ul", "text": "only item", "children": [{"kind": "ul", "text": "nested"}]},
                ],
            },
        )
        result = sync_notion(conn, client)
        title, content, block_count = conn.execute(
            "SELECT title, content_text, block_count FROM raw.notion_pages WHERE page_id = %s", (page["id"],)
        ).fetchone()
        blocks = conn.execute(
            "SELECT block_id, type, depth FROM raw.notion_blocks WHERE page_id = %s ORDER BY ordinal", (page["id"],)
        ).fetchall()
        others_after = conn.execute(
            "SELECT count(*), max(_loaded_at) FROM raw.notion_blocks WHERE page_id <> %s", (page["id"],)
        ).fetchone()
    assert result.pages_fetched == 1 and result.pages_upserted.updated == 1
    assert title == "Ridge vent install (revised)"
    assert content == "## New section\n\n- only item\n  - nested" and block_count == 3
    assert [(t, d) for _, t, d in blocks] == [("heading_2", 0), ("bulleted_list_item", 0), ("bulleted_list_item", 1)]
    assert not old_blocks & {b for b, _, _ in blocks}
    assert others_after == others_before  # no other page's blocks were touched


def test_a_trashed_page_leaves_staging_with_its_sub_pages_and_a_new_page_arrives(
    fresh_warehouse: str, sample_pages: list[dict], notion_url: str, tmp_path: Path
) -> None:
    page = next(p for p in live_pages(sample_pages) if p["parent"]["type"] == "data_source_id")
    sub = admin(
        notion_url,
        "POST",
        "",
        {"title": "Crew notes", "parent_page_id": page["id"], "blocks": [{"kind": "p", "text": "Tarp the ridge."}]},
    )
    # Autocommit: an open read would hold locks on the staging views that dbt replaces.
    with psycopg.connect(fresh_warehouse, autocommit=True) as conn, client_for(notion_url) as client:
        sync_notion(conn, client)
        built = dbt_build_notion(fresh_warehouse, tmp_path)
        assert built.returncode == 0, built.stdout[-3000:]
        staged = table_ids(conn, "notion_pages", "page_id")
        assert {page["id"], sub["id"]} <= staged
        assert conn.execute(
            "SELECT count(*) FROM analytics.stg_notion__pages WHERE page_id = ANY(%s)", ([page["id"], sub["id"]],)
        ).fetchone() == (2,)

        admin(notion_url, "PATCH", f"/{page['id']}", {"in_trash": True})
        new = admin(
            notion_url,
            "POST",
            "",
            {
                "title": "Hail claim photo checklist",
                "data_source_id": page["parent"]["data_source_id"],
                "blocks": [{"kind": "todo", "text": "Collateral damage on gutters", "meta": {"checked": False}}],
            },
        )
        result = sync_notion(conn, client)
        rows = {
            r[0]: r[1:]
            for r in conn.execute(
                """SELECT page_id, in_trash, deleted_at IS NOT NULL, content_text FROM raw.notion_pages
                   WHERE page_id = ANY(%s)""",
                ([page["id"], sub["id"], new["id"]],),
            )
        }
        staged_pages = {r[0] for r in conn.execute("SELECT page_id FROM analytics.stg_notion__pages")}
        staged_block_pages = {r[0] for r in conn.execute("SELECT DISTINCT page_id FROM analytics.stg_notion__blocks")}
        raw_block_pages = {r[0] for r in conn.execute("SELECT DISTINCT page_id FROM raw.notion_blocks")}
        built = dbt_build_notion(fresh_warehouse, tmp_path)
    assert built.returncode == 0, built.stdout[-3000:]  # keys, relationships: still sound after the trash
    assert result.pages_trashed == 1 and result.pages_deleted == 1 and result.pages_fetched == 1
    assert rows[page["id"]] == (True, False, None)  # flagged, its text and blocks gone
    assert rows[sub["id"]] == (False, True, None)  # under a trashed page: Notion trashed it too
    assert rows[new["id"]] == (False, False, "- [ ] Collateral damage on gutters")
    assert page["id"] not in staged_pages and sub["id"] not in staged_pages and new["id"] in staged_pages
    assert not {page["id"], sub["id"]} & (staged_block_pages | raw_block_pages)
    assert new["id"] in staged_block_pages


def test_a_full_refresh_marks_pages_notion_no_longer_returns_as_deleted(
    fresh_warehouse: str, sample_pages: list[dict], notion_url: str
) -> None:
    page = live_pages(sample_pages)[-1]
    with psycopg.connect(fresh_warehouse) as conn, client_for(notion_url) as client:
        sync_notion(conn, client)
        admin(notion_url, "DELETE", f"/{page['id']}")
        incremental = sync_notion(conn, client)
        assert incremental.pages_deleted == 0  # an incremental run cannot see a page that is simply gone
        refresh = sync_notion(conn, client, full_refresh=True)
        deleted, blocks = conn.execute(
            """SELECT deleted_at IS NOT NULL, (SELECT count(*) FROM raw.notion_blocks WHERE page_id = %(id)s)
               FROM raw.notion_pages WHERE page_id = %(id)s""",
            {"id": page["id"]},
        ).fetchone()
    assert refresh.pages_deleted == 1 and refresh.pages_fetched == len(live_pages(sample_pages)) - 1
    assert deleted and blocks == 0


def test_a_sync_cut_off_midway_resumes_without_duplicates_or_loss(
    fresh_warehouse: str, sample_pages: list[dict], notion_store
) -> None:
    expected = {p["id"] for p in sample_pages if not p["in_trash"] or p["parent"]["type"] == "data_source_id"}
    app = standin.create_app(notion_store)
    with psycopg.connect(fresh_warehouse) as conn:
        server = ExitStack()
        url = server.enter_context(serve_in_thread(app))
        client = client_for(url, max_retries=1)

        def stop_after_first_batch(result, total) -> None:
            server.close()  # Notion goes away after the first committed batch

        with pytest.raises(NotionError, match="unavailable after 2 attempts"):
            sync_notion(conn, client, batch_pages=3, progress=stop_after_first_batch)
        client.close()
        partial = table_ids(conn, "notion_pages", "page_id")
        cursor = read_cursor(conn, "notion", "pages")
        assert 0 < len(partial) < len(expected) and cursor is not None

        with serve_in_thread(app) as url, client_for(url) as client:
            resumed = sync_notion(conn, client, batch_pages=3)
        ids = [r[0] for r in conn.execute("SELECT page_id FROM raw.notion_pages")]
    assert resumed.cursor_before == cursor  # it resumed from the saved cursor, not from scratch
    assert resumed.pages_listed < len(expected)
    assert len(ids) == len(set(ids)) and set(ids) == expected


def test_the_sync_keeps_page_json_as_the_api_returned_it(
    fresh_warehouse: str, sample_pages: list[dict], notion_url: str
) -> None:
    page = live_pages(sample_pages)[1]
    with psycopg.connect(fresh_warehouse) as conn, client_for(notion_url) as client:
        sync_notion(conn, client)
        stored = conn.execute("SELECT page FROM raw.notion_pages WHERE page_id = %s", (page["id"],)).fetchone()[0]
        block = conn.execute(
            "SELECT block FROM raw.notion_blocks WHERE block_id = %s", (page["_blocks"][0]["id"],)
        ).fetchone()[0]
    assert stored == {k: v for k, v in page.items() if k != "_blocks"}
    assert block == {k: v for k, v in page["_blocks"][0].items() if k != "_children"}
    assert json.dumps(stored)  # plain JSON, no request ids or our own keys
