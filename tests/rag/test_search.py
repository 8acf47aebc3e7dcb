"""Hybrid search SQL against a real Postgres + pgvector: filters inside both branches, snippets, modes."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from brainops.access import STAFF_TOOL
from pipelines.rag.documents import CENTERPOINT_OPPORTUNITY, NOTION, Document
from pipelines.rag.index import index_documents, index_name
from pipelines.rag.search import SearchError, SearchMode, SearchRequest, run_search, search
from tests.rag.conftest import HashingEmbedder

EMBEDDER = HashingEmbedder()
# Many Notion chunks about leaks and flashing, which outrank the one customer note in both branches.
PAGES = [
    Document(
        NOTION,
        f"page-{n}",
        f"Leak Repair Playbook {n}",
        f"## Flashing leak {n}\n\nA roof leak at the chimney flashing: reseal the flashing, check the leak again.",
        markdown=True,
    )
    for n in range(12)
]
NOTES = [
    Document(
        CENTERPOINT_OPPORTUNITY,
        "4000001",
        "Opportunity 4000001: Clark - Repair",
        "Homeowner reports a slow leak near the skylight flashing after hail.",
        customer_id="10001",
    ),
    Document(
        CENTERPOINT_OPPORTUNITY,
        "4000002",
        "Opportunity 4000002: Ortiz - Gutters",
        "Gutters <6 inch> & downspouts replaced; no leak reported.",
        customer_id="10002",
    ),
]


@pytest.fixture(scope="module")
def conn(pg_server: str) -> Iterator[psycopg.Connection]:
    from tests.conftest import _create_database, _drop_database

    url = _create_database(pg_server, "brainops_test_rag_search")
    with psycopg.connect(url) as c:
        index_documents(c, PAGES + NOTES, EMBEDDER, sources=[NOTION, CENTERPOINT_OPPORTUNITY])
        yield c
    _drop_database(pg_server, "brainops_test_rag_search")


def request(query: str, **kwargs) -> SearchRequest:
    return SearchRequest(query=query, model=EMBEDDER.model_name, embedding=EMBEDDER.embed_query(query),
                         reader=STAFF_TOOL, **kwargs)


def test_hybrid_results_come_from_both_branches(conn: psycopg.Connection) -> None:
    hits = run_search(conn, request("chimney flashing leak", k=5))
    assert len(hits) == 5
    assert all(h.vector_rank and h.keyword_rank for h in hits)
    assert hits == sorted(hits, key=lambda h: -h.score)
    assert all(h.score == pytest.approx(1 / (60 + h.vector_rank) + 1 / (60 + h.keyword_rank)) for h in hits)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [({"customer_id": "10001"}, {"4000001"}), ({"source": CENTERPOINT_OPPORTUNITY}, {"4000001", "4000002"})],
)
def test_filters_apply_inside_both_branches(conn: psycopg.Connection, filters: dict, expected: set[str]) -> None:
    # With 3 candidates per branch, an unfiltered branch would hold only Notion chunks; filtering afterwards
    # would leave nothing. Filtered inside, each branch still finds the note.
    unfiltered = run_search(conn, request("flashing leak", k=3, candidates=3))
    assert {h.source for h in unfiltered} == {NOTION}
    hits = run_search(conn, request("flashing leak", k=3, candidates=3, **filters))
    assert {h.source_id for h in hits} == expected
    found = next(h for h in hits if h.source_id == "4000001")
    assert found.vector_rank == 1 and found.keyword_rank == 1
    assert found.customer_id == "10001" and found.title.startswith("Opportunity 4000001")


def test_snippets_mark_matched_words_and_escape_html(conn: psycopg.Connection) -> None:
    hits = run_search(conn, request("skylight hail", k=1))
    assert "<mark>skylight</mark>" in hits[0].snippet and "<mark>hail</mark>" in hits[0].snippet
    gutter = run_search(conn, request("downspouts", k=1, customer_id="10002"))[0]
    assert "<mark>downspouts</mark>" in gutter.snippet
    assert "&lt;6 inch&gt; &amp;" in gutter.snippet and "<6" not in gutter.snippet


def test_vector_and_keyword_modes_run_one_branch(conn: psycopg.Connection) -> None:
    vector = run_search(conn, request("skylight hail", k=3, mode=SearchMode.vector))
    assert all(h.keyword_rank is None and h.vector_rank for h in vector)
    assert vector[0].source_id == "4000001" and 0 < vector[0].score <= 1
    keyword = run_search(
        conn, SearchRequest(query="skylight", model=EMBEDDER.model_name, embedding=None, reader=STAFF_TOOL,
                            mode=SearchMode.keyword)
    )
    assert [h.source_id for h in keyword] == ["4000001"] and keyword[0].vector_rank is None


def test_whole_query_matches_rank_before_partial_ones(conn: psycopg.Connection) -> None:
    hits = run_search(conn, request('"slow leak" skylight', k=3, mode=SearchMode.keyword))
    assert hits[0].source_id == "4000001"
    excluded = run_search(conn, request("leak -skylight", k=20, mode=SearchMode.keyword))
    assert excluded[0].source_id != "4000001"


def test_common_words_alone_do_not_select_candidates(conn: psycopg.Connection) -> None:
    """Only the rarest words that fit the row budget (planner statistics) select candidates."""
    everything = run_search(conn, request("leak skylight", k=20, mode=SearchMode.keyword))
    assert len(everything) == 14, "every chunk has 'leak' or 'skylight'"
    rare_only = run_search(conn, request("leak skylight gutters", k=20, mode=SearchMode.keyword, keyword_rows=5))
    assert sorted(h.source_id for h in rare_only) == ["4000001", "4000002"]
    # When every word is common, the whole query (all words) selects.
    all_common = run_search(conn, request("leak flashing", k=20, mode=SearchMode.keyword, keyword_rows=5))
    assert 0 < len(all_common) < 14 and all("leak" in h.snippet.lower() for h in all_common)


def test_odd_queries_do_not_break_the_statement(conn: psycopg.Connection) -> None:
    for query in ("the of and", "it's 'quoted' \\ back", "a & b | !c <-> d", "%(query)s {model}", "ümlaut 🚀"):
        run_search(conn, request(query, k=3))
    assert run_search(conn, request("the of and", k=3, mode=SearchMode.keyword)) == []


def test_ef_search_and_iterative_scan_are_set_locally(conn: psycopg.Connection) -> None:
    conn.commit()
    conn.execute("SELECT 1")  # inside a transaction of ours, to look at the settings before it ends
    run_search(conn, request("leak", ef_search=123, customer_id="10001"))
    settings = conn.execute("SELECT current_setting('hnsw.ef_search'), current_setting('hnsw.iterative_scan')")
    assert settings.fetchone() == ("123", "relaxed_order")
    conn.rollback()  # SET LOCAL: gone with the transaction
    assert conn.execute("SELECT current_setting('hnsw.ef_search')").fetchone()[0] == "40"
    conn.rollback()
    assert request("x", ef_search=10, candidates=40).settings() == ("40", "off")


def test_the_vector_branch_can_use_the_models_hnsw_index(conn: psycopg.Connection) -> None:
    r = request("leak")
    # On a table this small a sort is cheaper than the graph; forbid it to see that the graph is usable.
    conn.execute("SET LOCAL enable_sort = off")
    conn.execute("SET LOCAL enable_seqscan = off")
    plan = "\n".join(row[0] for row in conn.execute(psycopg.sql.SQL("EXPLAIN ") + r.statement(), r.params()))
    conn.rollback()
    assert index_name(EMBEDDER.model_name, NOTION) in plan
    assert index_name(EMBEDDER.model_name, CENTERPOINT_OPPORTUNITY) in plan


def test_bad_requests_are_refused_with_a_reason(conn: psycopg.Connection) -> None:
    with pytest.raises(SearchError, match="empty"):
        search(conn, EMBEDDER, reader=STAFF_TOOL, query="   ")
    with pytest.raises(SearchError, match="500 or fewer"):
        search(conn, EMBEDDER, reader=STAFF_TOOL, query="x" * 501)
    with pytest.raises(SearchError, match="between 1 and 50"):
        search(conn, EMBEDDER, reader=STAFF_TOOL, query="leak", k=51)
    with pytest.raises(SearchError, match="Unknown source 'slack'"):
        search(conn, EMBEDDER, reader=STAFF_TOOL, query="leak", source="slack")
    with pytest.raises(SearchError, match="needs the query's embedding"):
        run_search(conn, SearchRequest(query="leak", model="m", embedding=None, reader=STAFF_TOOL))
