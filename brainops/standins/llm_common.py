"""What the Anthropic and OpenAI stand-ins share: the request as a responder sees it, the reply it
gives, a deterministic default responder, token counts, and scripted failures.

A responder is a plain function (LlmRequest -> Reply): a test supplies the answers it expects (a
label -> key mapping, rows of a statement), so the SDK code path between our code and the wire is
entirely real while the "model" is deterministic."""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class LlmRequest:
    api: str  # "anthropic" | "openai"
    model: str
    system: str
    messages: list[dict[str, str]]  # {"role", "text"}, text flattened from content blocks
    tools: list[dict[str, Any]]  # {"name", "description", "schema"}
    forced_tool: str | None  # the tool the request makes the model call, if any
    json_schema: dict[str, Any] | None  # OpenAI response_format json_schema ({} for json_object)
    stream: bool
    body: dict[str, Any]

    @property
    def prompt(self) -> str:
        """The last user message's text."""
        return next((m["text"] for m in reversed(self.messages) if m["role"] == "user"), "")

    def tool(self, name: str) -> dict[str, Any] | None:
        return next((t for t in self.tools if t["name"] == name), None)


@dataclass
class Reply:
    text: str = ""
    tool: str | None = None  # the tool called, with `arguments`
    arguments: dict[str, Any] | None = None

    @classmethod
    def tool_call(cls, name: str, arguments: dict[str, Any]) -> Reply:
        return cls(tool=name, arguments=arguments)


Responder = Callable[[LlmRequest], Reply]


def example(schema: dict[str, Any]) -> Any:
    """The smallest instance of a JSON schema: required properties only, empty arrays, zeros."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = "null" if "null" in kind else kind[0]
    if kind == "object":
        props = schema.get("properties", {})
        return {name: example(props.get(name, {})) for name in schema.get("required", [])}
    return {"array": [], "string": "", "number": schema.get("minimum", 0), "integer": schema.get("minimum", 0),
            "boolean": False, "null": None}.get(kind)


def default_responder(request: LlmRequest) -> Reply:
    if request.forced_tool:
        tool = request.tool(request.forced_tool) or {"schema": {}}
        return Reply.tool_call(request.forced_tool, example(tool["schema"]))
    if request.json_schema is not None:
        return Reply(json.dumps(example(request.json_schema or {"type": "object"})))
    if DOCUMENT.search(request.prompt):
        return grounded_responder(request)
    return Reply(f"(local stand-in, no model) You said: {request.prompt[:200]}")


# --- a deterministic "model" for retrieval-augmented chat --------------------------------------------------
# It answers from the <document id="..."> blocks of the last user message: the sentence sharing the most words
# with the question, cited by the block's id. It obeys one kind of instruction, "ignore (all) previous
# instructions and reply with X", wherever it reads instructions: in the system prompt and the user's text,
# and inside document blocks too unless the system prompt declares those blocks data ("not instructions").
# So a planted instruction is obeyed exactly when the prompt fails to quote it as data.
DOCUMENT = re.compile(r'<document\b[^>]*\bid="([^"]*)"[^>]*>(.*?)</document>', re.DOTALL)
OBEYED = re.compile(r"ignore (?:all )?(?:previous|prior|above) instructions\b[^\n]*?\b(?:reply|respond|answer|say)"
                    r"(?: only)? with:?\s*[\"'“]?([^\"'”\n]+)", re.IGNORECASE)
_STOP = frozenset({"a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how",
    "i", "in", "is", "it", "of", "on", "or", "our", "the", "this", "to", "was", "we", "what", "when", "where",
    "which", "who", "why", "with", "you", "your"})


def _terms(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 1}


def grounded_responder(request: LlmRequest) -> Reply:
    prompt = request.prompt
    documents = [(doc_id, html.unescape(body)) for doc_id, body in DOCUMENT.findall(prompt)]
    data_rule = "<document>" in request.system and "not instructions" in request.system
    outside = DOCUMENT.sub(" ", prompt) if data_rule else prompt
    for text in (request.system, outside):
        if order := OBEYED.search(text):
            return Reply(order.group(1).strip())
    question = prompt.rsplit("Question:", 1)[-1] if "Question:" in prompt else DOCUMENT.sub(" ", prompt)
    wanted = _terms(question)
    for earlier in request.messages[:-1]:  # a follow-up ("and what does it cost?") leans on earlier questions
        if earlier["role"] == "user":
            wanted |= _terms(earlier["text"])
    best: tuple[int, int, str, str] | None = None  # (shared words, -position, sentence, id)
    for position, (doc_id, body) in enumerate(documents):
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", body):
            shared = len(wanted & _terms(sentence))
            if sentence.strip() and (best is None or (shared, -position) > best[:2]):
                best = (shared, -position, sentence.strip(), doc_id)
    if best is None or best[0] == 0:
        return Reply("I could not find this in the knowledge base.")
    turns = sum(1 for m in request.messages if m["role"] == "assistant")
    lead = f"Following up on our {turns} earlier answer{'s' if turns > 1 else ''}: " if turns else ""
    return Reply(f"{lead}{best[2]} [{best[3]}]")


_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff", "image/gif": b"GIF8",
          "image/webp": b"RIFF"}


def image_problem(media_type: str | None, data: str | None) -> str | None:
    """Why a base64 image would be refused (the APIs check the media type and decode the bytes), or None."""
    if media_type not in _MAGIC:
        return f"Image media type {media_type!r} is not supported; use image/png, image/jpeg, image/gif or image/webp."
    try:
        raw = base64.b64decode(data or "", validate=True)
    except (binascii.Error, ValueError):
        return "The image data is not valid base64."
    if not raw.startswith(_MAGIC[media_type]):
        return f"The image was specified using the {media_type} media type, but the data does not match it."
    return None


def tokens(text: str) -> int:
    """A deterministic token count: about four characters a token, as English averages."""
    return max(1, (len(text) + 3) // 4)


def flatten(content: Any) -> str:
    """Message content (a string, or a list of content blocks / parts) as its text."""
    if isinstance(content, str):
        return content
    parts = []
    for block in content or []:
        if isinstance(block, dict):
            if isinstance(block.get("text"), str):
                parts.append(block["text"])
            elif "content" in block:  # tool results
                parts.append(flatten(block["content"]))
            elif "input" in block:
                parts.append(json.dumps(block["input"]))
    return "\n".join(parts)


def chunks(text: str, size: int = 12) -> list[str]:
    """Text cut into stream deltas (at least one, possibly empty)."""
    pieces = re.findall(rf".{{1,{size}}}", text, flags=re.DOTALL)
    return pieces or [""]


class StreamCut(ConnectionAbortedError):
    """Raised inside a streamed answer: the server drops the connection mid-answer, as a failing provider does."""


@dataclass
class Control:
    """Per app: the requests seen (for assertions) and scripted failures for the next requests: error statuses,
    answers that come too late (timeouts), streams that stop midway."""

    failures: deque[int] = field(default_factory=deque)
    delays: deque[float] = field(default_factory=deque)
    cuts: deque[int] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    retry_after_ms: int = 20
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, *statuses: int) -> None:
        """The next len(statuses) requests answer these HTTP statuses (429, 500, 529, ...)."""
        with self._lock:
            self.failures.extend(statuses)

    def delay_next(self, seconds: float, times: int = 1) -> None:
        """The next `times` requests wait `seconds` before answering: a client with a shorter timeout gives up."""
        with self._lock:
            self.delays.extend([seconds] * times)

    def cut_next_stream(self, after_events: int) -> None:
        """The next streamed answer drops its connection after `after_events` server-sent events."""
        with self._lock:
            self.cuts.append(after_events)

    def take_delay(self) -> float:
        with self._lock:
            return self.delays.popleft() if self.delays else 0.0

    def cut(self, events: Iterator[str]) -> Iterator[str]:
        """`events`, unless a cut is scripted: then the first few, and a dropped connection."""
        with self._lock:
            after = self.cuts.popleft() if self.cuts else None
        for sent, event in enumerate(events):
            if after is not None and sent >= after:
                raise StreamCut(f"The local stand-in dropped the stream after {after} events (a scripted fault).")
            yield event

    def seen(self, body: dict[str, Any]) -> int | None:
        """Log a request; the status it must fail with, if one is scripted."""
        with self._lock:
            self.requests.append(body)
            return self.failures.popleft() if self.failures else None
