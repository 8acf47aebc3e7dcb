"""POST /v1/chat/completions through the official `openai` client pointed at the app (its HTTP client is the
app's TestClient, an httpx.Client over the ASGI transport), with and without a model behind the platform."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import openai
import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.chat.conftest import Standin

CHUNK_ID = re.compile(r"\[([0-9a-f]{32})\]")


@pytest.fixture
def platform(client: TestClient, keys: dict[str, Any]) -> openai.OpenAI:
    # base_url given explicitly: OPENAI_BASE_URL may point at the stand-in behind the platform.
    return openai.OpenAI(api_key=keys["alice"].secret, base_url="http://testserver/v1", http_client=client,
                         max_retries=0)


def _question(sample_dir: Path) -> dict[str, Any]:
    return json.loads((sample_dir / "truth" / "notion_questions.jsonl").open().readline())


def test_models_lists_the_platform_model(platform: openai.OpenAI) -> None:
    assert [m.id for m in platform.models.list()] == ["brainops-rag"]


def test_a_wrong_key_is_refused(client: TestClient) -> None:
    bad = openai.OpenAI(api_key="nope", base_url="http://testserver/v1", http_client=client, max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.chat.completions.create(model="brainops-rag", messages=[{"role": "user", "content": "hi"}])


def test_an_empty_question_is_refused(platform: openai.OpenAI) -> None:
    with pytest.raises(openai.UnprocessableEntityError, match="The message is empty"):
        platform.chat.completions.create(model="brainops-rag", messages=[{"role": "user", "content": "  "}])


def test_non_streaming_without_a_model_is_extractive(platform: openai.OpenAI, sample_dir: Path, no_llm: None) -> None:
    question = _question(sample_dir)
    completion = platform.chat.completions.create(
        model="brainops-rag", messages=[{"role": "user", "content": question["question"]}]
    )
    text = completion.choices[0].message.content
    assert "No language model is configured" in text and question["answer_phrase"] in text
    citations = completion.model_extra["citations"]
    assert citations[0]["source_id"] == question["page_id"]
    assert CHUNK_ID.findall(text)[0] == citations[0]["chunk_id"]
    assert completion.usage.total_tokens == 0


def test_streaming_with_a_model_behind(
    platform: openai.OpenAI, sample_dir: Path, chat_db: str, llm: Standin
) -> None:
    question = _question(sample_dir)
    stream = platform.chat.completions.create(
        model="brainops-rag",
        messages=[
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Hello"},
            {"role": "assistant", "content": "Hi, ask me about the knowledge base."},
            {"role": "user", "content": question["question"]},
        ],
        stream=True,
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert len(chunks) > 3 and question["answer_phrase"] in text and CHUNK_ID.search(text)
    assert chunks[0].model_extra["citations"][0]["source_id"] == question["page_id"]
    assert chunks[-1].choices[0].finish_reason == "stop" and chunks[-1].usage.prompt_tokens > 100
    # The history reached the model; the client's system message did not replace ours.
    sent = llm.requests[-1]
    roles = [m["role"] for m in sent["messages"]]
    assert roles[-3:] == ["user", "assistant", "user"] and "You are terse." not in json.dumps(sent)
    with psycopg.connect(chat_db) as conn:
        count = conn.execute("SELECT count(*) FROM app.llm_calls WHERE purpose = 'chat' AND status = 'ok'").fetchone()
    assert count[0] >= 1


def test_non_streaming_with_a_model_behind(platform: openai.OpenAI, sample_dir: Path, llm: Standin) -> None:
    question = _question(sample_dir)
    completion = platform.chat.completions.create(
        model="brainops-rag", messages=[{"role": "user", "content": question["question"]}]
    )
    assert question["answer_phrase"] in completion.choices[0].message.content
    assert completion.usage.prompt_tokens > 100 and completion.usage.completion_tokens > 0
