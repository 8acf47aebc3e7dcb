"""Incremental indexing into rag.chunks against a real Postgres + pgvector (with a stand-in embedder)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import psycopg
import pytest

from pipelines.rag.documents import CENTERPOINT_OPPORTUNITY, NOTION, READERS, Document, notion_pages
from pipelines.rag.index import hnsw_indexes, index_documents, index_name
from tests.rag.conftest import HashingEmbedder, insert_notion_page

SOURCES = [NOTION]

WARRANTY = """Summary of the Golden Pledge warranty for Castle Rock.

## Coverage

Manufacturing defects are covered for 25 years, non-prorated.

## Registration

Register within 90 days of completion or the job falls back to the standard warranty.

## Transfer

One transfer is allowed when the home sells; no fee.
"""

SAFETY = """## Fall protection

Fall protection is required at 6 feet. Pueblo safety coordinator: Andre Iverson.

## Stop-work rules

Sustained wind at or above 30 mph: get off the roof.
"""


@pytest.fixture
def db(fresh_warehouse: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(fresh_warehouse) as conn:
        insert_notion_page(conn, "page-warranty", "Warranty Terms (Castle Rock)", WARRANTY)
        insert_notion_page(conn, "page-safety", "Safety Procedure (Pueblo)", SAFETY)
        conn.commit()
        yield conn


def run(conn: psycopg.Connection, embedder: HashingEmbedder):
    return index_documents(conn, notion_pages(conn), embedder, sources=SOURCES)


def chunk_rows(conn: psycopg.Connection) -> dict[str, tuple]:
    rows = conn.execute("SELECT chunk_id, source_id, chunk_index, content FROM rag.chunks").fetchall()
    conn.commit()
    return {r[0]: r[1:] for r in rows}


def test_first_run_loads_everything_and_builds_the_index(db: psycopg.Connection) -> None:
    embedder = HashingEmbedder()
    result = run(db, embedder)
    assert (result.documents, result.chunks, result.new, result.deleted) == (2, 6, 6, 0)
    assert result.embedded == 6 and result.index_built
    assert hnsw_indexes(db) == {(embedder.model_name, NOTION): index_name(embedder.model_name, NOTION)}
    row = db.execute(
        """SELECT heading_path, title, metadata, tsv @@ websearch_to_tsquery('english', 'registration')
           FROM rag.chunks WHERE content LIKE 'Register%'"""
    ).fetchone()
    assert row[0] == "Registration" and row[1] == "Warranty Terms (Castle Rock)"
    assert row[2]["url"].startswith("https://www.notion.so/") and row[2]["document_id"] == "notion:page-warranty"
    assert row[3], "the stored tsvector covers the heading path"


def test_reindexing_unchanged_documents_changes_nothing(db: psycopg.Connection) -> None:
    run(db, HashingEmbedder())
    before = chunk_rows(db)
    embedder = HashingEmbedder()
    result = run(db, embedder)
    assert (result.new, result.unchanged, result.deleted, result.moved, result.embedded) == (0, 6, 0, 0, 0)
    assert not result.index_built and embedder.embedded == []
    assert chunk_rows(db) == before


def test_an_edited_page_reembeds_only_its_changed_chunks(db: psycopg.Connection) -> None:
    run(db, HashingEmbedder())
    before = chunk_rows(db)
    edited = WARRANTY.replace("within 90 days", "within 60 days")
    insert_notion_page(db, "page-warranty", "Warranty Terms (Castle Rock)", edited)
    db.commit()

    embedder = HashingEmbedder()
    result = run(db, embedder)
    assert (result.new, result.deleted, result.unchanged, result.embedded) == (1, 1, 5, 1)
    assert len(embedder.embedded) == 1 and "within 60 days" in embedder.embedded[0]
    after = chunk_rows(db)
    assert len(after) == 6
    assert len(set(after) - set(before)) == 1
    assert not any("90 days" in content for _, _, content in after.values())


def test_a_deleted_or_trashed_page_loses_its_chunks(db: psycopg.Connection) -> None:
    run(db, HashingEmbedder())
    db.execute("UPDATE raw.notion_pages SET deleted_at = now() WHERE page_id = 'page-safety'")
    db.commit()
    result = run(db, HashingEmbedder())
    assert (result.deleted, result.chunks) == (2, 4)
    assert {source_id for source_id, _, _ in chunk_rows(db).values()} == {"page-warranty"}

    insert_notion_page(db, "page-warranty", "Warranty Terms (Castle Rock)", WARRANTY, in_trash=True)
    db.commit()
    assert run(db, HashingEmbedder()).deleted == 4
    assert chunk_rows(db) == {}


def test_a_new_section_shifts_positions_without_reembedding(db: psycopg.Connection) -> None:
    run(db, HashingEmbedder())
    insert_notion_page(
        db, "page-safety", "Safety Procedure (Pueblo)", "## Ladders\n\nTie off every ladder.\n\n" + SAFETY
    )
    db.commit()
    embedder = HashingEmbedder()
    result = run(db, embedder)
    assert (result.new, result.deleted, result.moved, result.embedded) == (1, 0, 2, 1)
    indexes = sorted(idx for source_id, idx, _ in chunk_rows(db).values() if source_id == "page-safety")
    assert indexes == [0, 1, 2]


def test_identical_notes_are_embedded_once(db: psycopg.Connection) -> None:
    with db.cursor() as cur:
        for n in (1, 2, 3):
            cur.execute(
                """INSERT INTO raw.centerpoint_opportunities (id, billed_company_id, updated_at, attributes)
                   VALUES (%s, '10001', now(), %s)""",
                (f"400000{n}", '{"name": "Roof Replacement", "notes": "Replace all pipe boots."}'),
            )
    db.commit()
    embedder = HashingEmbedder()
    docs = list(READERS[CENTERPOINT_OPPORTUNITY](db))
    result = index_documents(db, docs, embedder, sources=[CENTERPOINT_OPPORTUNITY])
    # A note's title (record id, customer) is not embedded, so the templated text is embedded once.
    assert (result.new, result.embedded) == (3, 1)
    assert embedder.embedded == ["Replace all pipe boots."]
    rows = db.execute("SELECT title, metadata ->> 'customer_id' FROM rag.chunks ORDER BY title").fetchall()
    assert rows[0] == ("Opportunity 4000001: Roof Replacement", "10001")

    # The same text under another document reuses the stored vector instead of embedding again.
    again = HashingEmbedder()
    copies = [dataclasses.replace(doc, source_id=doc.source_id + "-copy") for doc in docs]
    result = index_documents(db, docs + copies, again, sources=[CENTERPOINT_OPPORTUNITY])
    assert (result.new, result.reused, result.embedded) == (3, 3, 0)

    # A renamed job keeps its vector; its title is updated in place.
    db.execute(
        """UPDATE raw.centerpoint_opportunities SET attributes = attributes || '{"name": "Gutters"}'
           WHERE id = '4000001'"""
    )
    db.commit()
    docs = list(READERS[CENTERPOINT_OPPORTUNITY](db))
    result = index_documents(db, docs + copies, HashingEmbedder(), sources=[CENTERPOINT_OPPORTUNITY])
    assert (result.new, result.moved, result.embedded) == (0, 1, 0)
    title = db.execute("SELECT title FROM rag.chunks WHERE source_id = '4000001'").fetchone()[0]
    assert title == "Opportunity 4000001: Gutters"
    assert db.execute("SELECT count(*) FROM rag.chunks WHERE tsv @@ to_tsquery('english', 'gutters')").fetchone()[0]


def test_a_model_switch_builds_a_separate_index_and_retires_the_old_one(db: psycopg.Connection) -> None:
    old, new = HashingEmbedder("test/hashing-v1"), HashingEmbedder("test/hashing-v2")
    run(db, old)
    result = run(db, new)
    assert result.index_built and result.new == 6 and result.embedded == 6
    assert result.dropped_models == ["test/hashing-v1"]
    assert hnsw_indexes(db) == {("test/hashing-v2", NOTION): index_name("test/hashing-v2", NOTION)}
    models = db.execute("SELECT DISTINCT embedding_model FROM rag.chunks").fetchall()
    assert models == [("test/hashing-v2",)]
    assert index_name("test/hashing-v1", NOTION) != index_name("test/hashing-v2", NOTION)
    definition = db.execute(
        "SELECT indexdef FROM pg_indexes WHERE indexname = %s", (index_name("test/hashing-v2", NOTION),)
    ).fetchone()[0]
    assert "hnsw" in definition and "vector_cosine_ops" in definition
    assert "embedding_model = 'test/hashing-v2'" in definition and "source = 'notion'" in definition
    assert "m='16'" in definition and "ef_construction='64'" in definition


def test_keeping_the_old_model_leaves_both_indexes(db: psycopg.Connection) -> None:
    run(db, HashingEmbedder("test/hashing-v1"))
    index_documents(db, notion_pages(db), HashingEmbedder("test/hashing-v2"), sources=SOURCES, drop_other_models=False)
    assert set(hnsw_indexes(db)) == {("test/hashing-v1", NOTION), ("test/hashing-v2", NOTION)}
    counts = dict(db.execute("SELECT embedding_model, count(*) FROM rag.chunks GROUP BY 1").fetchall())
    assert counts == {"test/hashing-v1": 6, "test/hashing-v2": 6}


def test_each_source_gets_its_own_graph_built_once(db: psycopg.Connection) -> None:
    embedder = HashingEmbedder()
    run(db, embedder)
    note = Document(CENTERPOINT_OPPORTUNITY, "4000001", "Opportunity 4000001", "Leak at the skylight.", customer_id="1")
    sources = [NOTION, CENTERPOINT_OPPORTUNITY]
    result = index_documents(db, [*notion_pages(db), note], embedder, sources=sources)
    assert result.indexes_built == [CENTERPOINT_OPPORTUNITY], "the Notion graph stays as it is"
    assert set(hnsw_indexes(db)) == {(embedder.model_name, NOTION), (embedder.model_name, CENTERPOINT_OPPORTUNITY)}
    assert index_documents(db, [*notion_pages(db), note], embedder, sources=sources).indexes_built == []


def test_documents_outside_the_sources_are_refused(db: psycopg.Connection) -> None:
    docs = list(notion_pages(db))
    with pytest.raises(ValueError, match="not listed in `sources`"):
        index_documents(db, docs, HashingEmbedder(), sources=[CENTERPOINT_OPPORTUNITY])
