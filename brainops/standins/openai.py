"""A local OpenAI API, for tests and sample mode: the official `openai` SDK talks to it with
OPENAI_BASE_URL pointing at `<url>/v1`.

Speaks what the SDK relies on:
- `POST /v1/chat/completions` with a bearer key: `messages` (system/developer/user/assistant/tool, string
  or content parts), `tools` (function tools, `strict`), `tool_choice` (`auto`, `none`, `required`, or
  a named function), `response_format` (`json_schema`, `json_object`); the answer is a `chat.completion`
  with the assistant message (`content`, or `tool_calls` with JSON `arguments`), `finish_reason`
  (`stop`, `tool_calls`) and `usage`.
- `stream: true`: `chat.completion.chunk` events (role, content or tool-call argument deltas, the finish
  reason; a usage chunk when `stream_options.include_usage`), then `data: [DONE]`.
- `POST /v1/embeddings`: deterministic vectors (hashed words and trigrams, L2-normalised: the same text
  always gives the same vector, and texts sharing words lie close), `dimensions`, and the SDK's default
  `encoding_format: base64` (float32 little-endian) as well as `float`.
- Errors as OpenAI sends them (`{"error": {"message", "type", "param", "code"}}`): 400, 401
  invalid_api_key, and scripted 429 rate_limit_exceeded (with retry-after and retry-after-ms) and 500;
  scripted slow answers (timeouts) and streams that drop midway (Control in llm_common.py).
What it answers comes from a responder (brainops/standins/llm_common.py).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
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

EMBEDDING_DIMENSIONS = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072,
                        "text-embedding-ada-002": 1536}
_ERRORS = {429: ("Rate limit reached for requests (local stand-in).", "requests", "rate_limit_exceeded"),
           500: ("The server had an error while processing your request (injected by the local stand-in).",
                 "server_error", None),
           503: ("The engine is currently overloaded (injected by the local stand-in).", "server_error", None)}

Embedder = Callable[[list[str], int], np.ndarray]  # texts, dimensions -> (n, dimensions) rows of norm 1


def hashed_embeddings(texts: list[str], dimensions: int) -> np.ndarray:
    """Feature hashing of words and character trigrams, signed, L2-normalised."""
    out = np.zeros((len(texts), dimensions), dtype=np.float32)
    for row, text in enumerate(texts):
        words = re.findall(r"[a-z0-9]+", text.lower())
        grams = [w for w in words] + [f"#{w[i:i + 3]}" for w in words for i in range(max(1, len(w) - 2))]
        for gram in grams:
            digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % dimensions
            out[row, index] += 1.0 if digest[4] & 1 else -1.0
        norm = np.linalg.norm(out[row])
        if norm:
            out[row] /= norm
        else:
            out[row, 0] = 1.0
    return out


def create_app(responder: Responder | None = None, *, api_key: str | None = None,
               embedder: Embedder = hashed_embeddings) -> FastAPI:
    """`api_key`: the only key accepted; None accepts any non-empty key."""
    app = FastAPI(title="OpenAI API (local stand-in)", docs_url=None, redoc_url=None)
    app.state.control = control = Control()
    app.state.responder = responder or default_responder
    ids = itertools.count(1)

    def error(status: int, message: str, kind: str, code: str | None = None, param: str | None = None,
              headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse({"error": {"message": message, "type": kind, "param": param, "code": code}}, status,
                            headers=headers)

    async def admitted(request: Request) -> tuple[dict[str, Any] | None, Response | None]:
        key = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not key:
            return None, error(401, "You didn't provide an API key. You need to provide your API key in an "
                                    "Authorization header using Bearer auth.", "invalid_request_error")
        if api_key is not None and key != api_key:
            return None, error(401, f"Incorrect API key provided: {key[:3]}***{key[-4:]}.",
                               "invalid_request_error", "invalid_api_key")
        try:
            body = await request.json()
        except ValueError:
            return None, error(400, "We could not parse the JSON body of your request.", "invalid_request_error")
        status = control.seen(body)
        if delay := control.take_delay():
            await asyncio.sleep(delay)  # a scripted slow answer: the client's timeout decides
        if status:
            message, kind, code = _ERRORS.get(status, ("Injected failure.", "server_error", None))
            headers = {"retry-after": "1", "retry-after-ms": str(control.retry_after_ms)} if status == 429 else {}
            return None, error(status, message, kind, code, headers=headers)
        return body, None

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Response:
        body, refused = await admitted(request)
        if refused:
            return refused
        problem = _invalid(body)
        if problem:
            return error(400, problem[1], "invalid_request_error", param=problem[0])
        parsed = _parse(body)
        reply = app.state.responder(parsed)
        completion = _completion(f"chatcmpl-standin{next(ids):06d}", parsed, reply)
        if parsed.stream:
            usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return StreamingResponse(control.cut(_chunks(completion, usage)), media_type="text/event-stream")
        return JSONResponse(completion)

    @app.post("/v1/embeddings")
    async def embeddings(request: Request) -> Response:
        body, refused = await admitted(request)
        if refused:
            return refused
        texts = _embedding_inputs(body.get("input"))
        model = body.get("model")
        if texts is None or not isinstance(model, str):
            return error(400, "'input' must be a string, an array of strings or of token arrays, with a 'model'.",
                         "invalid_request_error", param="input")
        dimensions = body.get("dimensions") or EMBEDDING_DIMENSIONS.get(model, 1536)
        vectors = embedder(texts, int(dimensions))
        as_base64 = body.get("encoding_format") == "base64"
        data = [{"object": "embedding", "index": i,
                 "embedding": base64.b64encode(v.astype("<f4").tobytes()).decode() if as_base64 else v.tolist()}
                for i, v in enumerate(vectors)]
        used = sum(count_tokens(t) for t in texts)
        return JSONResponse({"object": "list", "data": data, "model": model,
                             "usage": {"prompt_tokens": used, "total_tokens": used}})

    return app


def _embedding_inputs(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value:
        if all(isinstance(v, str) for v in value):
            return value
        if all(isinstance(v, int) for v in value):
            return [" ".join(map(str, value))]
        if all(isinstance(v, list) for v in value):
            return [" ".join(map(str, v)) for v in value]
    return None


def _invalid(body: dict[str, Any]) -> tuple[str, str] | None:
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model", "you must provide a model parameter"
    if not isinstance(body.get("messages"), list) or not body["messages"]:
        return "messages", "[] is too short - 'messages'"
    for m, message in enumerate(body["messages"]):
        for part in message.get("content") if isinstance(message.get("content"), list) else []:
            if isinstance(part, dict) and part.get("type") == "image_url":
                url = str((part.get("image_url") or {}).get("url") or "")
                head, _, data = url.partition(",")
                if not (head.startswith("data:") and head.endswith(";base64")):
                    return f"messages[{m}].content", "only data: URLs with base64 images are served locally"
                if problem := image_problem(head[5:].removesuffix(";base64"), data):
                    return f"messages[{m}].content", problem
    names = [(t.get("function") or {}).get("name") for t in body.get("tools") or []]
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and (choice.get("function") or {}).get("name") not in names:
        return "tool_choice", "tool_choice names a function that is not in tools"
    return None


def _parse(body: dict[str, Any]) -> LlmRequest:
    tools = [{"name": t["function"]["name"], "description": t["function"].get("description", ""),
              "schema": t["function"].get("parameters", {})} for t in body.get("tools") or [] if "function" in t]
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        forced = choice["function"]["name"]
    elif choice == "required" and tools:
        forced = tools[0]["name"]
    else:
        forced = None
    fmt = body.get("response_format") or {}
    schema = (fmt.get("json_schema") or {}).get("schema", {}) if fmt.get("type") == "json_schema" else (
        {} if fmt.get("type") == "json_object" else None)
    messages = [{"role": m.get("role", "user"), "text": flatten(m.get("content"))} for m in body["messages"]]
    system = "\n".join(m["text"] for m in messages if m["role"] in ("system", "developer"))
    return LlmRequest(api="openai", model=body["model"], system=system,
                      messages=[m for m in messages if m["role"] not in ("system", "developer")], tools=tools,
                      forced_tool=forced, json_schema=schema, stream=bool(body.get("stream")), body=body)


def _completion(completion_id: str, request: LlmRequest, reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None, "refusal": None,
                               "annotations": []}
    if reply.tool:
        message["tool_calls"] = [{"id": f"call_{completion_id.removeprefix('chatcmpl-')}", "type": "function",
                                  "function": {"name": reply.tool, "arguments": json.dumps(reply.arguments or {})}}]
    elif not reply.text:
        message["content"] = ""
    prompt = "".join(m["text"] for m in request.messages) + request.system + json.dumps(request.body.get("tools") or [])
    answer = reply.text + (json.dumps(reply.arguments) if reply.tool else "")
    used_in, used_out = count_tokens(prompt), count_tokens(answer)
    return {"id": completion_id, "object": "chat.completion", "created": int(time.time()), "model": request.model,
            "system_fingerprint": "fp_standin", "service_tier": "default",
            "choices": [{"index": 0, "message": message, "logprobs": None,
                         "finish_reason": "tool_calls" if reply.tool else "stop"}],
            "usage": {"prompt_tokens": used_in, "completion_tokens": used_out, "total_tokens": used_in + used_out}}


def _chunks(completion: dict[str, Any], include_usage: bool) -> Iterator[str]:
    """The completion as OpenAI streams it."""
    head = {key: completion[key] for key in ("id", "created", "model", "system_fingerprint")}
    extra = {"usage": None} if include_usage else {}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        data = {**head, "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(data)}\n\n"

    choice = completion["choices"][0]
    message = choice["message"]
    yield chunk({"role": "assistant", "content": "", "refusal": None})
    if message.get("tool_calls"):
        for index, call in enumerate(message["tool_calls"]):
            yield chunk({"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                                         "function": {"name": call["function"]["name"], "arguments": ""}}]})
            for piece in chunks(call["function"]["arguments"], 24):
                yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    else:
        for piece in chunks(message.get("content") or ""):
            yield chunk({"content": piece})
    yield chunk({}, choice["finish_reason"])
    if include_usage:
        data = {**head, "object": "chat.completion.chunk", "choices": [], "usage": completion["usage"]}
        yield f"data: {json.dumps(data)}\n\n"
    yield "data: [DONE]\n\n"
