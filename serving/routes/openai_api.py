"""An OpenAI-compatible chat endpoint over the same retrieval, so any OpenAI client or chat UI can talk to the
platform: base URL `<api>/v1`, our API key as the bearer key, model `brainops-rag`.

`POST /v1/chat/completions` (streaming and not) answers the last user message from the retrieved passages,
with the earlier user/assistant messages as history (the client keeps the conversation; nothing is stored
but the LLM calls). The client's own system messages are not passed on: the platform's system prompt
keeps retrieved text as quoted data. The passages are in a `citations` field beside `choices` (an extra
field OpenAI clients keep). `GET /v1/models` lists the one model, as chat UIs ask for it first.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from pipelines.chat.answer import AnswerStream, chat_llm
from pipelines.chat.prompt import check_message
from pipelines.chat.sessions import record_calls
from pipelines.llm.base import ChatTurn, LlmCall
from serving.deps import CurrentCaller, DbDep
from serving.embedding import EmbedderDep
from serving.routes.chat import passages_for

MODEL = "brainops-rag"

router = APIRouter(prefix="/v1", tags=["openai-compatible"])


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):  # content parts: the text ones
            return "\n".join(part.get("text", "") for part in self.content if part.get("type") == "text")
        return self.content or ""


class CompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens, ...: accepted, not used
    model: str = MODEL
    messages: list[Message] = Field(min_length=1)
    stream: bool = False


@router.get("/models", summary="The models this endpoint serves")
async def models(_caller: CurrentCaller) -> dict[str, Any]:
    return {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": "brainops"}]}


def _invalid(reason: str) -> JSONResponse:
    # OpenAI's error shape, so OpenAI clients show the reason.
    return JSONResponse({"error": {"message": reason, "type": "invalid_request_error", "param": "messages",
                                   "code": None}}, status_code=422)


def _openai_usage(usage: dict[str, Any]) -> dict[str, int]:
    prompt, completion = usage.get("input_tokens") or 0, usage.get("output_tokens") or 0
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


@router.post("/chat/completions", summary="OpenAI-compatible chat over the knowledge base")
async def chat_completions(
    body: CompletionRequest, request: Request, conn: DbDep, caller: CurrentCaller, embedder: EmbedderDep
) -> Response:
    if body.messages[-1].role != "user":
        return _invalid("The last message must be the user's question.")
    try:
        question = check_message(body.messages[-1].text())
    except ValueError as exc:
        return _invalid(str(exc))
    history = [ChatTurn(m.role, m.text()) for m in body.messages[:-1] if m.role in ("user", "assistant") and m.text()]
    passages = await passages_for(conn, embedder, question, history, reader=caller.reader)
    citations = [p.citation() for p in passages]
    calls: list[LlmCall] = []
    answer = AnswerStream(question, passages, history, chat_llm(calls.append))
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    pool = request.app.state.pool

    # A model failure still answers: from the passages, saying so (AnswerStream).
    if not body.stream:
        async for _ in answer:
            pass
        await record_calls(conn, calls)
        return JSONResponse({
            "id": completion_id, "object": "chat.completion", "created": created, "model": body.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.text, "refusal": None},
                         "logprobs": None, "finish_reason": "stop"}],
            "usage": _openai_usage(answer.usage), "citations": citations,
        })

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        data = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": body.model,
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(data)}\n\n"

    async def chunks() -> AsyncIterator[str]:
        yield chunk({"role": "assistant", "content": ""}, citations=citations)
        async for delta in answer:
            yield chunk({"content": delta})
        async with pool.connection() as c:
            await record_calls(c, calls)
        yield chunk({}, "stop", usage=_openai_usage(answer.usage))
        yield "data: [DONE]\n\n"

    return StreamingResponse(chunks(), media_type="text/event-stream")
