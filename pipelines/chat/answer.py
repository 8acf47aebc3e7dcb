"""Generating an answer from retrieved passages: streamed from Claude or OpenAI through their SDKs when a
key is configured, else extractive (the best passages, cited) with a line saying no model is configured.

When the model fails (5xx or 429 after the SDK's retries, a timeout, a refused or dropped connection), the answer
still comes, and says what happened: failing before its first word, the answer is extractive with a line saying
the model was unavailable; failing midway, what it wrote stays, followed by a line saying it stopped and the
passages it was drawing on. The failed call is recorded (app.llm_calls) and named in `usage["model_error"]`.
CHAT_LLM_TIMEOUT_SECONDS and CHAT_LLM_MAX_RETRIES bound how long that takes.

The SDKs are synchronous; their streams are read in a worker thread, delta by delta, so the event loop
keeps serving other requests while a model writes.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from pipelines.chat.prompt import Passage, build_prompt, extractive_answer, passage_lines
from pipelines.llm import llm_from_env
from pipelines.llm.base import CallSink, ChatTurn, LlmError, RecordedClient

MODEL_VARIABLE = "CHAT_LLM_MODEL"
PURPOSE = "chat"
EXTRACTIVE = "extractive"
MAX_ANSWER_TOKENS = 1024
_CITATION = re.compile(r"\[([0-9a-f]{32})\]")

log = logging.getLogger(__name__)


def chat_llm(sink: CallSink) -> RecordedClient | None:
    """The configured model (ANTHROPIC_API_KEY, else OPENAI_API_KEY; CHAT_LLM_MODEL picks the model), or None.
    Chat waits less for it than extraction does: CHAT_LLM_TIMEOUT_SECONDS, CHAT_LLM_MAX_RETRIES."""
    from brainops.settings import get_settings

    settings = get_settings()
    return llm_from_env(sink=sink, model_variable=MODEL_VARIABLE,  # type: ignore[return-value]
                        timeout=settings.chat_llm_timeout_seconds, max_retries=settings.chat_llm_max_retries)


async def _in_thread(iterator: Iterator[str]) -> AsyncIterator[str]:
    done = object()
    while True:
        item = await asyncio.to_thread(next, iterator, done)
        if item is done:
            return
        yield item  # type: ignore[misc]


def _words(text: str) -> Iterator[str]:
    """Extractive text cut into word-sized deltas, so clients render it as they render a model's."""
    yield from re.findall(r"\S+\s*|\s+", text)


def unavailable_answer(passages: list[Passage], question: str, label: str) -> str:
    """The answer when the model failed before writing anything."""
    return extractive_answer(passages, question, why=f"The language model ({label}) is unavailable right now")


def interrupted_note(passages: list[Passage], question: str, label: str) -> str:
    """What follows a partial answer when the model stopped midway."""
    head = f"\n\n[The language model ({label}) stopped before finishing, so the answer above is incomplete."
    if not passages:
        return head + "]"
    return "\n".join([f"{head} The most relevant passages from the knowledge base:]", "",
                      *passage_lines(passages, question)])


class AnswerStream:
    """One answer: iterate for text deltas; afterwards `text`, `usage` and `cited` describe it."""

    def __init__(self, question: str, passages: list[Passage], history: list[ChatTurn],
                 llm: RecordedClient | None) -> None:
        self.question = question
        self.passages = passages
        self.history = history
        self.llm = llm
        self.text = ""
        self.model_error: str | None = None  # why the model's answer was replaced or cut short
        self.usage: dict[str, Any] = {"provider": None, "model": EXTRACTIVE, "input_tokens": 0, "output_tokens": 0,
                                      "cost_usd": 0.0}

    async def __aiter__(self) -> AsyncIterator[str]:
        if self.llm is None:
            async for delta in self._say(extractive_answer(self.passages, self.question)):
                yield delta
            return
        system, turns = build_prompt(self.question, self.passages, self.history)
        stream = None
        try:
            stream = self.llm.stream_text(system=system, messages=turns, purpose=PURPOSE,
                                          max_tokens=MAX_ANSWER_TOKENS)
            async for delta in _in_thread(iter(stream)):
                self.text += delta
                yield delta
        except LlmError as exc:
            # Recorded already (app.llm_calls); the reader still gets an answer, and is told what happened.
            self.model_error = str(exc)
            log.warning("Chat model failed %s: %s", "midway" if self.text else "before answering", exc)
            label = self.llm.label
            fallback = (interrupted_note(self.passages, self.question, label) if self.text
                        else unavailable_answer(self.passages, self.question, label))
            async for delta in self._say(fallback):
                yield delta
            spent = stream.usage.as_json() if stream is not None else self.usage
            self.usage = {**spent, "fallback": EXTRACTIVE, "model_error": self.model_error}
            return
        self.usage = stream.usage.as_json()  # type: ignore[union-attr]

    async def _say(self, text: str) -> AsyncIterator[str]:
        async for delta in _in_thread(_words(text)):
            self.text += delta
            yield delta

    @property
    def cited(self) -> list[str]:
        """Chunk ids the answer cites that were among the passages (a model may invent ids; those are dropped)."""
        known = {p.chunk_id for p in self.passages}
        return list(dict.fromkeys(cid for cid in _CITATION.findall(self.text) if cid in known))
