"""Hybrid search over rag.chunks: reciprocal rank fusion of an HNSW cosine search and a full-text search.

One SQL statement with named parameters (pgvector-python's hybrid search example): each branch takes its
own top `candidates` (filters applied inside the branch, so a filter never empties a branch after the
fact), and a chunk scores sum(1 / (60 + rank)) over the branches that found it. `vector` and `keyword`
modes run one branch alone, for comparison. The vector branch reads one HNSW graph per source (see
pipelines/rag/index.py) and merges them by distance; a source filter reads that source's graph only.

The full-text branch reads the stored tsvector through its GIN index. Chunks that match the whole
`websearch_to_tsquery` (all words, "quoted phrases", -exclusions) rank first, then chunks holding some
of the words, by ts_rank_cd: questions in plain language rarely have every word in the answer, so AND
alone finds little. Only words rare enough to rank every chunk holding them select candidates (see
_QUERY_CTE): OR over common words would rank a large part of the table per query (~70 ms at 20k chunks).

`hnsw.ef_search` is set per query (SET LOCAL, via set_config) and `hnsw.iterative_scan` when filtering
by customer, so a filter that rejects most neighbours still gets its candidates from the graph (for a
customer with few chunks the planner may instead read them by the customer index, exactly).

Every search is made for a reader (brainops/access.py): what the reader may not retrieve is filtered out
inside both branches, before ranking, with the same condition. Applicants retrieve only their own chunks
(read by the owner index); staff read everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

import numpy as np
import psycopg
from psycopg import AsyncConnection, sql

from brainops import access
from pipelines.rag.documents import SOURCES
from pipelines.rag.embedder import Embedder
from pipelines.rag.vectors import to_text

RRF_K = 60
DEFAULT_K = 10
MAX_K = 50
DEFAULT_CANDIDATES = 40
DEFAULT_EF_SEARCH = 100
DEFAULT_KEYWORD_ROWS = 1000
MAX_QUERY_CHARS = 500
# ts_headline marks matched words; the text around them is HTML-escaped first, so the snippet is safe HTML.
HEADLINE_OPTIONS = (
    'StartSel=<mark>, StopSel=</mark>, MaxWords=35, MinWords=15, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
)


class SearchMode(StrEnum):
    hybrid = "hybrid"
    vector = "vector"
    keyword = "keyword"


@dataclass(frozen=True)
class SearchHit:
    chunk_id: str
    source: str
    source_id: str
    title: str | None
    heading_path: str
    url: str | None
    customer_id: str | None
    snippet: str
    score: float
    vector_rank: int | None
    keyword_rank: int | None


class SearchError(ValueError):
    """A query the search cannot run; the message says why, for the caller to show."""


def check_request(query: str, k: int) -> str:
    """The query, stripped; a SearchError for an empty or oversized query or k out of range."""
    text = (query or "").strip()
    if not text:
        raise SearchError("The query is empty: send some words to search for.")
    if len(text) > MAX_QUERY_CHARS:
        raise SearchError(f"The query is {len(text)} characters long; shorten it to {MAX_QUERY_CHARS} or fewer.")
    if not 1 <= k <= MAX_K:
        raise SearchError(f"k must be between 1 and {MAX_K} (got {k}).")
    return text


# The query four ways. `strict` is websearch_to_tsquery (every word, "phrases", -exclusions); `marked` is any
# of its words, for ts_headline. `matched` selects the candidates: the rarest words, as many as fit a budget
# of rows (keyword_rows, estimated from the planner's statistics of rag.chunks.tsv), any of them; or the
# strict query when even the rarest word is too common. `ranked` (the selecting words) orders them with
# ts_rank_cd. Ranking reads every candidate row, so without the budget "what roof ..." would rank half of
# the table (~70 ms at 20k chunks), and common words would outrank the rare ones that say what is asked.
# most_common_elem_freqs holds one frequency per listed word, then the lowest listed frequency, which
# bounds every unlisted (rarer) word.
_QUERY_CTE = sql.SQL(
    """q AS MATERIALIZED (
    SELECT strict, coalesce(every_term, '')::tsquery AS marked, coalesce(rare_term, every_term, '')::tsquery AS ranked,
           CASE WHEN rare_term IS NULL THEN strict ELSE rare_term::tsquery END AS matched
    FROM (SELECT websearch_to_tsquery('english', %(query)s) AS strict) AS s
    CROSS JOIN (
        SELECT string_agg(term, ' | ') AS every_term, string_agg(term, ' | ') FILTER (WHERE fits) AS rare_term
        FROM (SELECT term, sum(est_rows) OVER (ORDER BY est_rows, term) <= %(keyword_rows)s AS fits
              FROM (SELECT '''' || replace(replace(w.lexeme, '\\', '\\\\'), '''', '''''') || '''' AS term,
                           coalesce(coalesce(st.freqs[array_position(st.lexemes, w.lexeme)], st.freqs[st.listed + 1])
                                    * st.reltuples, 0) AS est_rows
                    FROM unnest(to_tsvector('english', %(query)s)) AS w
                    LEFT JOIN (SELECT s.most_common_elems::text::text[] AS lexemes, s.most_common_elem_freqs AS freqs,
                                      cardinality(s.most_common_elems::text::text[]) AS listed, c.reltuples
                               FROM pg_stats AS s CROSS JOIN pg_class AS c
                               WHERE s.schemaname = 'rag' AND s.tablename = 'chunks' AND s.attname = 'tsv'
                                 AND c.oid = 'rag.chunks'::regclass) AS st ON true) AS words) AS budgeted) AS t)"""
)

# One nearest-neighbour scan per source, each on its own graph (model and source are literals, so the
# planner can match the partial index), merged by distance.
_VECTOR_SCAN = sql.SQL(
    """(SELECT chunk_id, embedding <=> %(embedding)s::vector AS distance
      FROM rag.chunks
      WHERE embedding_model = {model} AND source = {source}{filters}
      ORDER BY embedding <=> %(embedding)s::vector
      LIMIT %(candidates)s)"""
)
_VECTOR_CTE = sql.SQL(
    """vector_branch AS (
    SELECT chunk_id, distance, row_number() OVER (ORDER BY distance, chunk_id) AS rank
    FROM ({scans}) AS nearest
    ORDER BY distance, chunk_id
    LIMIT %(candidates)s)"""
)

_KEYWORD_CTE = sql.SQL(
    """keyword_branch AS (
    SELECT chunk_id, text_rank, row_number() OVER (ORDER BY whole DESC, text_rank DESC, chunk_id) AS rank
    FROM (SELECT chunk_id, tsv @@ (SELECT strict FROM q) AS whole,
                 ts_rank_cd(tsv, (SELECT ranked FROM q)) AS text_rank
          FROM rag.chunks
          -- A scalar subquery is a parameter the GIN index can take; a join to q would not be.
          WHERE tsv @@ (SELECT matched FROM q) AND embedding_model = {model}{filters}
          ORDER BY whole DESC, text_rank DESC, chunk_id
          LIMIT %(candidates)s) AS matched)"""
)

# Each mode's ranking; `position` orders the final rows (in keyword mode, chunks matching the whole query
# come first whatever their ts_rank_cd score).
_FUSED = {
    SearchMode.hybrid: sql.SQL(
        """fused AS (
    SELECT chunk_id, score, vector_rank, keyword_rank, row_number() OVER (ORDER BY score DESC, chunk_id) AS position
    FROM (SELECT chunk_id,
                 coalesce(1.0 / (%(rrf_k)s + v.rank), 0) + coalesce(1.0 / (%(rrf_k)s + kw.rank), 0) AS score,
                 v.rank AS vector_rank, kw.rank AS keyword_rank
          FROM vector_branch AS v FULL OUTER JOIN keyword_branch AS kw USING (chunk_id)) AS both_branches
    ORDER BY position
    LIMIT %(k)s)"""
    ),
    SearchMode.vector: sql.SQL(
        """fused AS (
    SELECT chunk_id, 1 - distance AS score, rank AS vector_rank, NULL::bigint AS keyword_rank, rank AS position
    FROM vector_branch ORDER BY rank LIMIT %(k)s)"""
    ),
    SearchMode.keyword: sql.SQL(
        """fused AS (
    SELECT chunk_id, text_rank AS score, NULL::bigint AS vector_rank, rank AS keyword_rank, rank AS position
    FROM keyword_branch ORDER BY rank LIMIT %(k)s)"""
    ),
}

_RESULT = sql.SQL(
    """SELECT c.chunk_id, c.source, c.source_id, c.title, c.heading_path, c.metadata ->> 'url',
       c.metadata ->> 'customer_id',
       ts_headline('english',
                   replace(replace(replace(c.content, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                   q.marked, %(headline)s),
       f.score::float8, f.vector_rank, f.keyword_rank
FROM fused AS f JOIN rag.chunks AS c USING (chunk_id) CROSS JOIN q
ORDER BY f.position"""
)


@lru_cache(maxsize=128)
def search_sql(model: str, mode: SearchMode, source: str | None, by_customer: bool, staff: bool) -> sql.Composed:
    """The statement for one model, mode, set of filters and kind of reader (composed once, then reused)."""
    if source is not None and source not in SOURCES:
        raise SearchError(f"Unknown source {source!r}: use one of {', '.join(SOURCES)}.")
    # The same filters inside every branch: the customer asked for, and what this kind of reader may read.
    filters_sql = sql.Composed([sql.SQL(" AND metadata ->> 'customer_id' = %(customer_id)s" if by_customer else ""),
                                access.chunks_condition(staff=staff)])
    # The model is a literal, not a parameter: the planner must see it to pick the model's partial index.
    model_sql = sql.Literal(model)
    ctes = [_QUERY_CTE]
    if mode in (SearchMode.hybrid, SearchMode.vector):
        scans = [
            _VECTOR_SCAN.format(model=model_sql, source=sql.Literal(name), filters=filters_sql)
            for name in ([source] if source else SOURCES)
        ]
        ctes.append(_VECTOR_CTE.format(scans=sql.SQL("\n      UNION ALL ").join(scans)))
    if mode in (SearchMode.hybrid, SearchMode.keyword):
        by_source_sql = sql.SQL(" AND source = %(source)s" if source else "")
        ctes.append(_KEYWORD_CTE.format(model=model_sql, filters=sql.Composed([by_source_sql, filters_sql])))
    ctes.append(_FUSED[mode])
    return sql.SQL("WITH ") + sql.SQL(",\n").join(ctes) + sql.SQL("\n") + _RESULT


@dataclass(frozen=True)
class SearchRequest:
    query: str
    model: str
    embedding: np.ndarray | None  # the query's vector; not needed in keyword mode
    reader: access.Reader  # whose search: only what they may retrieve is a candidate
    k: int = DEFAULT_K
    source: str | None = None
    customer_id: str | None = None
    mode: SearchMode = SearchMode.hybrid
    candidates: int = DEFAULT_CANDIDATES
    ef_search: int = DEFAULT_EF_SEARCH
    keyword_rows: int = DEFAULT_KEYWORD_ROWS  # rows the selecting words may match, estimated

    def statement(self) -> sql.Composed:
        return search_sql(self.model, SearchMode(self.mode), self.source, self.customer_id is not None,
                          self.reader.is_staff)

    def params(self) -> dict[str, Any]:
        if self.embedding is None and self.mode != SearchMode.keyword:
            raise SearchError(f"A {self.mode} search needs the query's embedding.")
        return {
            "query": check_request(self.query, self.k),
            "embedding": to_text(self.embedding) if self.embedding is not None else None,
            "k": self.k,
            "candidates": max(self.candidates, self.k),
            "rrf_k": RRF_K,
            "source": self.source,
            "customer_id": self.customer_id,
            "headline": HEADLINE_OPTIONS,
            "keyword_rows": self.keyword_rows,
            **access.chunks_params(self.reader),
        }

    def settings(self) -> tuple[str, str]:
        """(hnsw.ef_search, hnsw.iterative_scan) for this query; the graph returns at most ef_search rows."""
        # A source has a graph of its own; a customer or an owner is a filter on the graph, which iterative
        # scans serve.
        filtered = self.customer_id is not None or not self.reader.is_staff
        return str(max(self.ef_search, self.candidates, self.k)), "relaxed_order" if filtered else "off"


_SETTINGS = "SELECT set_config('hnsw.ef_search', %s, true), set_config('hnsw.iterative_scan', %s, true)"


def _hits(rows: list[tuple[Any, ...]]) -> list[SearchHit]:
    return [SearchHit(*row) for row in rows]


def run_search(conn: psycopg.Connection, request: SearchRequest) -> list[SearchHit]:
    """Run one search; set_config(..., true) is SET LOCAL, so the settings end with this transaction."""
    params = request.params()
    with conn.transaction():
        conn.execute(_SETTINGS, request.settings())
        rows = conn.execute(request.statement(), params).fetchall()
    return _hits(rows)


async def run_search_async(conn: AsyncConnection, request: SearchRequest) -> list[SearchHit]:
    params = request.params()
    async with conn.transaction():
        await conn.execute(_SETTINGS, request.settings())
        cur = await conn.execute(request.statement(), params)
        rows = await cur.fetchall()
    return _hits(rows)


def search(
    conn: psycopg.Connection,
    embedder: Embedder,
    query: str,
    *,
    reader: access.Reader,
    k: int = DEFAULT_K,
    source: str | None = None,
    customer_id: str | None = None,
    mode: SearchMode = SearchMode.hybrid,
    candidates: int = DEFAULT_CANDIDATES,
    ef_search: int = DEFAULT_EF_SEARCH,
) -> list[SearchHit]:
    """Embed the query and search (the synchronous path: benchmarks, scripts, chat retrieval)."""
    text = check_request(query, k)
    embedding = None if mode == SearchMode.keyword else embedder.embed_query(text)
    request = SearchRequest(
        query=text,
        model=embedder.model_name,
        embedding=embedding,
        reader=reader,
        k=k,
        source=source,
        customer_id=customer_id,
        mode=mode,
        candidates=candidates,
        ef_search=ef_search,
    )
    return run_search(conn, request)
