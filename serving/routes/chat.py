"""POST /api/v1/chat: a question answered from the indexed knowledge, as server-sent events.

Events, in order: `citations` (the session id and the retrieved passages: chunk ids, titles, urls), then
`token` events (`{"text": ...}`) as the answer is written, then `done` (session id, the chunk ids the
answer cited, usage: tokens and cost). When the model fails, the answer still comes: extractive, or cut
short, with a line saying so (pipelines/chat/answer.py; `usage.model_error` says why).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request, status
from psycopg import AsyncConnection
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse

from brainops import access
from brainops.settings import get_settings
from pipelines.chat.answer import AnswerStream, chat_llm
from pipelines.chat.prompt import MAX_MESSAGE_CHARS, Passage, check_message, retrieval_query
from pipelines.chat.retrieval import retrieve
from pipelines.chat.sessions import Exchange, SessionNotFound, load_history, save_exchange
from pipelines.llm.base import ChatTurn, LlmCall
from pipelines.rag.embedder import Embedder
from pipelines.rag.search import MAX_QUERY_CHARS
from serving.deps import CurrentCaller, DbDep
from serving.embedding import EmbedderDep

router = APIRouter(prefix="/api/v1/chat", tags=["chat"])


class ChatRequest(BaseModel):
    message: Annotated[str, Field(max_length=MAX_MESSAGE_CHARS, description="The question.")]
    session_id: uuid.UUID | None = Field(None, description="Continue this session (from an earlier `done` event).")


def unprocessable(reason: str, field: str) -> HTTPException:
    # FastAPI's own validation shape, so clients read one format.
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        [{"type": "value_error", "loc": ["body", field], "msg": reason, "input": None}],
    )


async def passages_for(
    conn: AsyncConnection, embedder: Embedder, question: str, history: list[ChatTurn], *, reader: access.Reader
) -> list[Passage]:
    """The passages the reader may read that best answer the question (brainops/access.py decides which)."""
    settings = get_settings()
    query = retrieval_query(question, history, max_chars=MAX_QUERY_CHARS)
    return await retrieve(conn, embedder, query, reader=reader, candidates=settings.search_candidates,
                          ef_search=settings.search_ef_search)


def _event(name: str, data: dict[str, Any]) -> dict[str, str]:
    return {"event": name, "data": json.dumps(data)}


@router.post("", summary="Ask a question (answer streamed as server-sent events)", response_class=EventSourceResponse)
async def chat(
    body: ChatRequest, request: Request, conn: DbDep, caller: CurrentCaller, embedder: EmbedderDep
) -> EventSourceResponse:
    try:
        question = check_message(body.message)
    except ValueError as exc:
        raise unprocessable(str(exc), "message") from exc
    history: list[ChatTurn] = []
    if body.session_id is not None:
        try:
            history = await load_history(conn, body.session_id, owner_api_key_id=caller.api_key_id,
                                         owner_user_id=caller.user_id)
        except SessionNotFound as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    session_id = body.session_id or uuid.uuid4()
    passages = await passages_for(conn, embedder, question, history, reader=caller.reader)
    pool = request.app.state.pool

    async def events() -> AsyncIterator[dict[str, str]]:
        # The request's connection goes back to the pool when the handler returns; the stream takes its own.
        yield _event("citations", {"session_id": str(session_id), "citations": [p.citation() for p in passages]})
        calls: list[LlmCall] = []
        answer = AnswerStream(question, passages, history, chat_llm(calls.append))
        # A model failure does not end the stream: the answer falls back to the passages (AnswerStream).
        async for delta in answer:
            yield _event("token", {"text": delta})
        cited = answer.cited
        citations = [p.citation() for p in passages if p.chunk_id in cited] or [p.citation() for p in passages]
        exchange = Exchange(session_id, question, answer.text, citations, answer.usage)
        async with pool.connection() as c:
            await save_exchange(c, exchange, owner_api_key_id=caller.api_key_id, calls=calls,
                                owner_user_id=caller.user_id)
        yield _event("done", {"session_id": str(session_id), "cited": cited, "usage": answer.usage})

    return EventSourceResponse(events())
