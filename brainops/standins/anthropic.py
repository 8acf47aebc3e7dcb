"""A local Anthropic Messages API, for tests and sample mode: the official `anthropic` SDK talks to it
with ANTHROPIC_BASE_URL pointing here.

Speaks what the SDK relies on:
- `POST /v1/messages` with `x-api-key` (or a bearer token) and `anthropic-version`; `system`, `messages`
  (string or content blocks), `tools` and `tool_choice` (`tool`, `any`, `auto`, `none`); the answer is a
  `message` with `text` and `tool_use` content blocks, `stop_reason` (`end_turn`, `tool_use`) and
  `usage` (input/output tokens, counted deterministically).
- `stream: true`: server-sent events `message_start`, `content_block_start`, `ping`, `content_block_delta`
  (`text_delta`, `input_json_delta`), `content_block_stop`, `message_delta` (stop reason, output tokens),
  `message_stop`.
- Errors as Anthropic sends them (`{"type": "error", "error": {"type", "message"}}`): 400
  invalid_request_error, 401 authentication_error, and scripted 429 rate_limit_error (with retry-after
  and retry-after-ms), 500 api_error and 529 overloaded_error; scripted slow answers (timeouts) and streams
  that drop midway (Control in llm_common.py).
What it answers comes from a responder (brainops/standins/llm_common.py); by default the smallest
instance of a forced tool's schema, or an echo.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from brainops.standins.llm_common import (
    Control,
    LlmRequest,
    Reply,
    Responder,
    chunks,
    default_responder,
    flatten,
    image_problem,
)
from brainops.standins.llm_common import tokens as count_tokens

_ERRORS = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error",
           429: "rate_limit_error", 500: "api_error", 529: "overloaded_error"}
_MESSAGES = {429: "Number of request tokens has exceeded your per-minute rate limit (local stand-in).",
             500: "Internal server error (injected by the local stand-in).",
             529: "Overloaded (injected by the local stand-in)."}


def create_app(responder: Responder | None = None, *, api_key: str | None = None) -> FastAPI:
    """`api_key`: the only key accepted; None accepts any non-empty key."""
    app = FastAPI(title="Anthropic API (local stand-in)", docs_url=None, redoc_url=None)
    app.state.control = control = Control()
    app.state.responder = responder or default_responder
    ids = itertools.count(1)

    def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
        body = {"type": "error", "error": {"type": _ERRORS.get(status, "api_error"), "message": message},
                "request_id": f"req_standin_{next(ids):06d}"}
        return JSONResponse(body, status, headers=headers)

    @app.post("/v1/messages")
    async def messages(request: Request) -> Response:
        key = request.headers.get("x-api-key") or request.headers.get("authorization", "").removeprefix("Bearer ")
        if not key.strip():
            return error(401, "x-api-key header is required")
        if api_key is not None and key.strip() != api_key:
            return error(401, "invalid x-api-key")
        try:
            body = await request.json()
        except ValueError:
            return error(400, "The request body is not valid JSON.")
        status = control.seen(body)
        if delay := control.take_delay():
            await asyncio.sleep(delay)  # a scripted slow answer: the client's timeout decides
        if status:
            headers = {"retry-after": "1", "retry-after-ms": str(control.retry_after_ms)} if status == 429 else {}
            return error(status, _MESSAGES.get(status, "Injected failure."), headers)
        problem = _invalid(body)
        if problem:
            return error(400, problem)
        parsed = _parse(body)
        reply = app.state.responder(parsed)
        message = _message(f"msg_standin_{next(ids):06d}", parsed, reply)
        if parsed.stream:
            return StreamingResponse(control.cut(_events(message)), media_type="text/event-stream")
        return JSONResponse(message, headers={"request-id": f"req_standin_{next(ids):06d}"})

    return app


def _invalid(body: dict[str, Any]) -> str | None:
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model: Field required"
    if not isinstance(body.get("max_tokens"), int) or body["max_tokens"] < 1:
        return "max_tokens: Field required (a positive integer)"
    if not isinstance(body.get("messages"), list) or not body["messages"]:
        return "messages: at least one message is required"
    for m, message in enumerate(body["messages"]):
        for b, block in enumerate(message.get("content") if isinstance(message.get("content"), list) else []):
            if isinstance(block, dict) and block.get("type") == "image":
                source = block.get("source") or {}
                if source.get("type") != "base64":
                    return f"messages.{m}.content.{b}.image.source: only base64 images are served locally"
                if problem := image_problem(source.get("media_type"), source.get("data")):
                    return f"messages.{m}.content.{b}.image.source: {problem}"
    names = [t.get("name") for t in body.get("tools") or []]
    choice = body.get("tool_choice") or {}
    if choice.get("type") == "tool" and choice.get("name") not in names:
        return f"tool_choice names the tool {choice.get('name')!r}, which is not in tools"
    return None


def _parse(body: dict[str, Any]) -> LlmRequest:
    tools = [{"name": t["name"], "description": t.get("description", ""), "schema": t.get("input_schema", {})}
             for t in body.get("tools") or []]
    choice = body.get("tool_choice") or {"type": "auto"}
    forced = choice.get("name") if choice.get("type") == "tool" else (
        tools[0]["name"] if choice.get("type") == "any" and tools else None)
    return LlmRequest(
        api="anthropic", model=body["model"], system=flatten(body.get("system") or ""),
        messages=[{"role": m.get("role", "user"), "text": flatten(m.get("content"))} for m in body["messages"]],
        tools=tools, forced_tool=forced, json_schema=None, stream=bool(body.get("stream")), body=body)


def _message(message_id: str, request: LlmRequest, reply: Reply) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if reply.text:
        content.append({"type": "text", "text": reply.text})
    if reply.tool:
        content.append({"type": "tool_use", "id": f"toolu_{message_id.removeprefix('msg_')}", "name": reply.tool,
                        "input": reply.arguments or {}})
    if not content:
        content.append({"type": "text", "text": ""})
    prompt = request.system + "".join(m["text"] for m in request.messages) + json.dumps(request.body.get("tools") or [])
    answer = reply.text + (json.dumps(reply.arguments) if reply.tool else "")
    return {"id": message_id, "type": "message", "role": "assistant", "model": request.model, "content": content,
            "stop_reason": "tool_use" if reply.tool else "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": count_tokens(prompt), "output_tokens": count_tokens(answer)}}


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


def _events(message: dict[str, Any]) -> Iterator[str]:
    """The message as Anthropic streams it."""
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "stop_sequence": None,
             "usage": {"input_tokens": usage["input_tokens"], "output_tokens": 1}}
    yield _sse("message_start", {"type": "message_start", "message": start})
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            yield _sse("content_block_start", {"type": "content_block_start", "index": index,
                                               "content_block": {"type": "text", "text": ""}})
            if index == 0:
                yield _sse("ping", {"type": "ping"})
            for piece in chunks(block["text"]):
                yield _sse("content_block_delta", {"type": "content_block_delta", "index": index,
                                                   "delta": {"type": "text_delta", "text": piece}})
        else:
            yield _sse("content_block_start", {"type": "content_block_start", "index": index, "content_block": {
                "type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}})
            for piece in chunks(json.dumps(block["input"]), 24):
                yield _sse("content_block_delta", {"type": "content_block_delta", "index": index,
                                                   "delta": {"type": "input_json_delta", "partial_json": piece}})
        yield _sse("content_block_stop", {"type": "content_block_stop", "index": index})
    yield _sse("message_delta", {"type": "message_delta", "delta": {"stop_reason": message["stop_reason"],
                                                                    "stop_sequence": None},
                                 "usage": {"output_tokens": usage["output_tokens"]}})
    yield _sse("message_stop", {"type": "message_stop"})
