"""Hybrid search over the indexed chunks (rag.chunks, built by the rag/chunks asset), for every role: each
caller finds only what the read rules (brainops/access.py) let it read — staff everything, an applicant
its own statements."""

from __future__ import annotations

import time
from dataclasses import asdict
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from brainops.settings import get_settings
from pipelines.rag.documents import SOURCES
from pipelines.rag.search import MAX_K, MAX_QUERY_CHARS, SearchError, SearchMode, SearchRequest, run_search_async
from serving.deps import CurrentCaller, DbDep
from serving.embedding import EmbedderDep

router = APIRouter(prefix="/api/v1/search", tags=["search"])

Source = StrEnum("Source", {name: name for name in SOURCES})


class SearchResult(BaseModel):
    chunk_id: str
    source: str
    source_id: str
    title: str | None
    heading_path: str
    url: str | None
    customer_id: str | None
    snippet: str  # HTML-escaped text with the matched words in <mark>…</mark>
    score: float
    vector_rank: int | None
    keyword_rank: int | None


class SearchResponse(BaseModel):
    query: str
    mode: SearchMode
    embedding_model: str
    took_ms: float
    items: list[SearchResult]


def _unprocessable(reason: str, field: str) -> HTTPException:
    # The same shape as FastAPI's own validation errors, so clients read one format.
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        [{"type": "value_error", "loc": ["query", field], "msg": reason, "input": None}],
    )


@router.get("", response_model=SearchResponse, summary="Search documents and notes")
async def search_chunks(
    conn: DbDep,
    caller: CurrentCaller,
    embedder: EmbedderDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description='Words, "a phrase" or -excluded words.')],
    k: Annotated[int, Query(ge=1, le=MAX_K, description="How many results.")] = 10,
    source: Annotated[Source | None, Query(description="Only chunks of this source.")] = None,
    customer_id: Annotated[str | None, Query(max_length=64, description="Only chunks about this customer.")] = None,
    mode: SearchMode = SearchMode.hybrid,
) -> SearchResponse:
    started = time.perf_counter()
    text = q.strip()
    if not text:
        raise _unprocessable("The query is empty: send some words to search for.", "q")
    settings = get_settings()
    # Embedding is CPU work: off the event loop, so other requests keep being served meanwhile.
    embedding = None if mode == SearchMode.keyword else await run_in_threadpool(embedder.embed_query, text)
    request = SearchRequest(
        query=text,
        model=embedder.model_name,
        embedding=embedding,
        reader=caller.reader,
        k=k,
        source=source.value if source else None,
        customer_id=customer_id,
        mode=mode,
        candidates=settings.search_candidates,
        ef_search=settings.search_ef_search,
    )
    try:
        hits = await run_search_async(conn, request)
    except SearchError as exc:
        raise _unprocessable(str(exc), "q") from exc
    if not hits:
        cur = await conn.execute(
            "SELECT EXISTS (SELECT 1 FROM rag.chunks WHERE embedding_model = %s)", (request.model,)
        )
        if not (await cur.fetchone())[0]:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                f"Nothing is indexed with {request.model} yet: materialize the rag/chunks asset "
                "(`brainops materialize --select rag/chunks`) with the same EMBEDDINGS_PROVIDER as the API.",
            )
    return SearchResponse(
        query=text,
        mode=mode,
        embedding_model=request.model,
        took_ms=round((time.perf_counter() - started) * 1000, 1),
        items=[SearchResult(**asdict(hit)) for hit in hits],
    )
