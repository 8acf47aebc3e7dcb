"""The provider-neutral face of an LLM: one structured call (a tool whose input schema constrains the
answer), timed, priced and recorded whatever its outcome; failures become LlmError with a sentence a
person can act on."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from pipelines.llm.prices import cost_usd


@dataclass(frozen=True)
class Tool:
    """A function the model must call; its arguments are the structured answer."""

    name: str
    description: str
    input_schema: dict[str, Any]  # JSON Schema (object); strict-mode friendly: every property required


@dataclass
class LlmCall:
    """One row of app.llm_calls."""

    provider: str
    model: str
    purpose: str
    document_id: str | None
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None
    latency_ms: int
    status: str  # ok | error
    error: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "created_at": self.created_at.isoformat()}


CallSink = Callable[[LlmCall], None]


class LlmError(RuntimeError):
    """An LLM call that gave no usable answer; the message says why and what to do."""


class LlmClient(Protocol):
    provider: str  # anthropic | openai
    model: str

    def call_tool(self, *, system: str, prompt: str, tool: Tool, purpose: str, document_id: str | None = None,
                  max_tokens: int = 4096, images: list[bytes] | None = None) -> dict[str, Any]:
        """The tool's input as the model filled it in, validated against tool.input_schema. `images`: PNG
        pictures sent before the prompt (page images of a scan), for a client whose `takes_images` is true."""
        ...


@dataclass
class Answer:
    """What a provider's SDK gave back, before validation."""

    arguments: dict[str, Any] | None
    input_tokens: int | None
    output_tokens: int | None
    refusal: str | None = None  # why the model did not call the tool, in its words


class RecordedClient:
    """Timing, pricing, validation and recording around a provider's `_send`; subclasses talk to an SDK."""

    provider = "llm"
    label = "The LLM"  # how error messages name the service
    key_variable = ""
    takes_images = False  # the provider's models read images sent with the prompt

    def __init__(self, *, model: str, sink: CallSink | None = None, max_retries: int = 3,
                 timeout: float = 120.0) -> None:
        from pipelines.llm.recording import stderr_sink

        self.model = model
        self.sink = sink or stderr_sink
        self.max_retries = max_retries
        self.timeout = timeout  # seconds the SDK waits to connect and for each read

    @property
    def name(self) -> str:
        return f"llm:{self.provider}:{self.model}"

    def _send(self, *, system: str, prompt: str, tool: Tool, max_tokens: int, images: list[bytes]) -> Answer:
        raise NotImplementedError

    def call_tool(self, *, system: str, prompt: str, tool: Tool, purpose: str, document_id: str | None = None,
                  max_tokens: int = 4096, images: list[bytes] | None = None) -> dict[str, Any]:
        started = time.perf_counter()
        answer: Answer | None = None
        try:
            answer = self._send(system=system, prompt=prompt, tool=tool, max_tokens=max_tokens,
                                images=list(images or []) if self.takes_images else [])
            arguments = self._checked(answer, tool)
        except LlmError as exc:
            self._record(purpose, document_id, started, answer, "error", str(exc))
            raise
        except Exception as exc:  # the SDKs raise their own hierarchies; all end here as one readable sentence
            message = self.describe(exc)
            self._record(purpose, document_id, started, answer, "error", message)
            raise LlmError(message) from exc
        self._record(purpose, document_id, started, answer, "ok", None)
        return arguments

    def _checked(self, answer: Answer, tool: Tool) -> dict[str, Any]:
        if answer.arguments is None:
            why = f": {answer.refusal[:200]}" if answer.refusal else ""
            raise LlmError(f"{self.label} ({self.model}) answered without calling the {tool.name} tool{why}.")
        from jsonschema import Draft202012Validator  # here: a run that never calls an LLM does not import it

        errors = sorted(Draft202012Validator(tool.input_schema).iter_errors(answer.arguments), key=str)
        if errors:
            where = "/".join(str(p) for p in errors[0].absolute_path) or "(root)"
            raise LlmError(f"{self.label} ({self.model}) filled in the {tool.name} tool against its schema "
                           f"({where}: {errors[0].message[:160]}); the answer was not used.")
        return answer.arguments

    def describe(self, exc: Exception, *, midway: bool = False) -> str:
        """An SDK exception as a sentence that says what to do. `midway`: a streamed answer had begun (no retry
        then: the SDKs retry requests, not streams)."""
        status = getattr(exc, "status_code", None)
        detail = str(getattr(exc, "message", None) or exc)[:200]
        name = type(exc).__name__
        if midway and status is None and any(word in name for word in ("Timeout", "Connection", "Protocol")):
            what = f"stalled for over {self.timeout:g} s" if "Timeout" in name else "dropped the connection"
            return f"{self.label} {what} midway through the answer ({name}: {detail}); try again later."
        tries = f"after {self.max_retries + 1} attempts" if self.max_retries else "at once"
        if status == 429:
            return (f"{self.label} rate-limited the request (HTTP 429) {tries}; wait a minute and extract again, "
                    "or raise the account's rate limit.")
        if status == 529:
            return f"{self.label} is overloaded (HTTP 529) {tries}; extract again later."
        if status in (401, 403):
            return f"{self.label} refused the API key (HTTP {status}); check {self.key_variable}."
        if status == 404:
            return (f"{self.label} does not know the model {self.model!r} (HTTP 404); set IES_LLM_MODEL to one "
                    "it serves.")
        if status is not None and status >= 500:
            return f"{self.label} failed (HTTP {status}) {tries}: {detail}; extract again later."
        if status is not None:
            return f"{self.label} refused the request (HTTP {status}): {detail}."
        if "Timeout" in type(exc).__name__:
            return (f"{self.label} did not answer within {self.timeout:g} s {tries} ({type(exc).__name__}); try "
                    "again later, or allow longer (LLM_TIMEOUT_SECONDS, CHAT_LLM_TIMEOUT_SECONDS for chat).")
        if "Connection" in type(exc).__name__:
            return (f"{self.label} could not be reached ({type(exc).__name__}: {detail}); check the network or "
                    "the base URL.")
        if "Protocol" in type(exc).__name__:  # e.g. the connection dropped in the middle of a streamed answer
            return f"{self.label} dropped the connection ({type(exc).__name__}: {detail}); try again later."
        return f"{self.label} call failed ({type(exc).__name__}: {detail})."

    # --- streaming text (chat) -------------------------------------------------------------------------

    def _stream(self, *, system: str, messages: list[ChatTurn], max_tokens: int, usage: StreamUsage) -> Iterator[str]:
        """Text deltas from the provider's streaming API; fills in `usage` as the provider reports it."""
        raise NotImplementedError

    def stream_text(self, *, system: str, messages: list[ChatTurn], purpose: str, max_tokens: int = 1024,
                    document_id: str | None = None) -> TextStream:
        """The answer as it is generated: iterate the returned stream for text deltas; once it is exhausted its
        `usage` holds tokens and cost. The call is recorded when the stream ends, whatever its outcome."""
        return TextStream(self, system=system, messages=messages, purpose=purpose, max_tokens=max_tokens,
                          document_id=document_id)

    def _record(self, purpose: str, document_id: str | None, started: float, answer: Answer | None, status: str,
                error: str | None) -> None:
        tokens_in = answer.input_tokens if answer else None
        tokens_out = answer.output_tokens if answer else None
        call = LlmCall(self.provider, self.model, purpose, document_id, tokens_in, tokens_out,
                       cost_usd(self.provider, self.model, tokens_in, tokens_out),
                       round((time.perf_counter() - started) * 1000), status, error)
        self.sink(call)


@dataclass(frozen=True)
class ChatTurn:
    """One message of a conversation sent to a model."""

    role: str  # user | assistant
    content: str


@dataclass
class StreamUsage:
    """What a streamed answer used, as the provider reported it; cost from pipelines/llm/prices.py."""

    provider: str
    model: str
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost_usd: float | None = None
    latency_ms: int | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class TextStream:
    """Iterates a provider's text deltas once; records the call (app.llm_calls) when the stream ends or fails.
    SDK errors become LlmError with a readable sentence, as call_tool's do."""

    def __init__(self, client: RecordedClient, *, system: str, messages: list[ChatTurn], purpose: str,
                 max_tokens: int, document_id: str | None) -> None:
        self.client = client
        self.usage = StreamUsage(client.provider, client.model)
        self._args = {"system": system, "messages": messages, "max_tokens": max_tokens}
        self._purpose = purpose
        self._document_id = document_id

    def __iter__(self) -> Iterator[str]:
        started = time.perf_counter()
        produced = False
        try:
            for delta in self.client._stream(**self._args, usage=self.usage):
                produced = True
                yield delta
        except Exception as exc:
            message = str(exc) if isinstance(exc, LlmError) else self.client.describe(exc, midway=produced)
            self._finish(started, "error", message)
            raise LlmError(message) from exc
        self._finish(started, "ok", None)

    def _finish(self, started: float, status: str, error: str | None) -> None:
        usage = self.usage
        usage.cost_usd = cost_usd(usage.provider, usage.model, usage.input_tokens, usage.output_tokens)
        usage.latency_ms = round((time.perf_counter() - started) * 1000)
        self.client.sink(LlmCall(usage.provider, usage.model, self._purpose, self._document_id, usage.input_tokens,
                                 usage.output_tokens, usage.cost_usd, usage.latency_ms, status, error))
