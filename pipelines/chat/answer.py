"""Generating an answer from retrieved passages: streamed from Claude or OpenAI through their SDKs when a
key is configured, else extractive (the best passages, cited) with a line saying no model is configured.

The SDKs are synchronous; their streams are read in a worker thread, delta by delta, so the event loop
keeps serving other requests while a model writes.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from pipelines.chat.prompt import Passage, build_prompt, extractive_answer
from pipelines.llm import llm_from_env
from pipelines.llm.base import CallSink, ChatTurn, RecordedClient

MODEL_VARIABLE = "CHAT_LLM_MODEL"
PURPOSE = "chat"
EXTRACTIVE = "extractive"
MAX_ANSWER_TOKENS = 1024
_CITATION = re.compile(r"\[([0-9a-f]{32})\]")


def chat_llm(sink: CallSink) -> RecordedClient | None:
    """The configured model (ANTHROPIC_API_KEY, else OPENAI_API_KEY; CHAT_LLM_MODEL picks the model), or None."""
    return llm_from_env(sink=sink, model_variable=MODEL_VARIABLE)  # type: ignore[return-value]


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


class AnswerStream:
    """One answer: iterate for text deltas; afterwards `text`, `usage` and `cited` describe it."""

    def __init__(self, question: str, passages: list[Passage], history: list[ChatTurn],
                 llm: RecordedClient | None) -> None:
        self.question = question
        self.passages = passages
        self.history = history
        self.llm = llm
        self.text = ""
        self.usage: dict[str, Any] = {"provider": None, "model": EXTRACTIVE, "input_tokens": 0, "output_tokens": 0,
                                      "cost_usd": 0.0}

    async def __aiter__(self) -> AsyncIterator[str]:
        if self.llm is None:
            deltas: AsyncIterator[str] = _in_thread(_words(extractive_answer(self.passages, self.question)))
        else:
            system, turns = build_prompt(self.question, self.passages, self.history)
            stream = self.llm.stream_text(system=system, messages=turns, purpose=PURPOSE, max_tokens=MAX_ANSWER_TOKENS)
            self._stream = stream
            deltas = _in_thread(iter(stream))
        async for delta in deltas:
            self.text += delta
            yield delta
        if self.llm is not None:
            self.usage = self._stream.usage.as_json()

    @property
    def cited(self) -> list[str]:
        """Chunk ids the answer cites that were among the passages (a model may invent ids; those are dropped)."""
        known = {p.chunk_id for p in self.passages}
        return list(dict.fromkeys(cid for cid in _CITATION.findall(self.text) if cid in known))
