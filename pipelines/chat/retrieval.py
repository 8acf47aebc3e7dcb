"""Retrieval for chat: the same hybrid search as /api/v1/search, for the same reader and under the same read
rules (brainops/access.py), then the whole text of the chunks it found (search returns snippets; the model
needs the passages). What the reader may not read is never a candidate, so it is never sent to a model."""

from __future__ import annotations

import asyncio

from psycopg import AsyncConnection, sql

from brainops import access
from pipelines.chat.prompt import Passage
from pipelines.rag.embedder import Embedder
from pipelines.rag.search import (
    DEFAULT_CANDIDATES,
    DEFAULT_EF_SEARCH,
    MAX_QUERY_CHARS,
    SearchRequest,
    run_search_async,
)

DEFAULT_PASSAGES = 5


async def retrieve(
    conn: AsyncConnection,
    embedder: Embedder,
    query: str,
    *,
    reader: access.Reader,
    k: int = DEFAULT_PASSAGES,
    source: str | None = None,
    customer_id: str | None = None,
    candidates: int = DEFAULT_CANDIDATES,
    ef_search: int = DEFAULT_EF_SEARCH,
) -> list[Passage]:
    """The k best passages for the query, best first."""
    text = query.strip()[:MAX_QUERY_CHARS]
    # Embedding is CPU work: off the event loop.
    embedding = await asyncio.to_thread(embedder.embed_query, text)
    request = SearchRequest(
        query=text,
        model=embedder.model_name,
        embedding=embedding,
        reader=reader,
        k=k,
        source=source,
        customer_id=customer_id,
        candidates=candidates,
        ef_search=ef_search,
    )
    hits = await run_search_async(conn, request)
    if not hits:
        return []
    readable, params = access.chunks_filter(reader)  # again here: the rule holds for every statement
    cur = await conn.execute(
        sql.SQL("SELECT chunk_id, content FROM rag.chunks WHERE chunk_id = ANY(%(ids)s){}").format(readable),
        {"ids": [hit.chunk_id for hit in hits], **params},
    )
    contents = dict(await cur.fetchall())
    return [
        Passage(
            chunk_id=hit.chunk_id,
            source=hit.source,
            source_id=hit.source_id,
            title=hit.title,
            heading_path=hit.heading_path,
            url=hit.url,
            content=contents.get(hit.chunk_id, ""),
            score=hit.score,
        )
        for hit in hits
        if hit.chunk_id in contents  # a chunk replaced between the two statements is left out
    ]
