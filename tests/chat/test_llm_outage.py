"""Chat while the model's provider fails: the answer still comes, extractive and cited, with a line saying the model
was unavailable (5xx after the SDK's retries, a timeout, a refused connection); a model that stops midway keeps
what it wrote and says so. Both providers through their official SDKs against the local stand-ins, both endpoints
(POST /api/v1/chat as server-sent events, POST /v1/chat/completions streamed and not)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import psycopg
import pytest
from fastapi.testclient import TestClient

from brainops.settings import get_settings
from brainops.standins.runner import free_port
from tests.chat.conftest import Standin, ask

CHUNK_ID = re.compile(r"\[([0-9a-f]{32})\]")
TIMEOUT = 0.5  # CHAT_LLM_TIMEOUT_SECONDS for these tests; production waits 15 s
LABEL = {"anthropic": "Anthropic", "openai": "OpenAI"}
FAULTS = ["5xx", "timeout", "refused"]


@pytest.fixture
def short_waits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CHAT_LLM_TIMEOUT_SECONDS", str(TIMEOUT))
    monkeypatch.setenv("CHAT_LLM_MAX_RETRIES", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def break_model(llm: Standin, fault: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The provider fails every try the SDK makes (the first and its one retry)."""
    if fault == "5xx":
        llm.control.fail_next(500, 500)
    elif fault == "timeout":
        llm.control.delay_next(TIMEOUT * 6, times=2)
    else:  # nothing listens where the SDK is pointed
        dead = f"http://127.0.0.1:{free_port()}"
        if llm.provider == "anthropic":
            monkeypatch.setenv("ANTHROPIC_BASE_URL", dead)
        else:
            monkeypatch.setenv("OPENAI_BASE_URL", f"{dead}/v1")


def model_error(fault: str) -> str:
    return {"5xx": "(HTTP 500) after 2 attempts", "timeout": f"did not answer within {TIMEOUT:g} s",
            "refused": "could not be reached"}[fault]


def _question(sample_dir: Path) -> dict[str, Any]:
    return json.loads((sample_dir / "truth" / "notion_questions.jsonl").open().readline())


def _last_call(db: str) -> tuple[str, str]:
    with psycopg.connect(db) as conn:
        return conn.execute("SELECT status, error FROM app.llm_calls WHERE purpose = 'chat' "
                            "ORDER BY llm_call_id DESC LIMIT 1").fetchone()


@pytest.mark.parametrize("fault", FAULTS)
def test_chat_answers_extractively_when_the_model_is_unavailable(
    client: TestClient, headers: dict[str, str], sample_dir: Path, chat_db: str, llm: Standin, short_waits: None,
    monkeypatch: pytest.MonkeyPatch, fault: str,
) -> None:
    question = _question(sample_dir)
    break_model(llm, fault, monkeypatch)
    reply = ask(client, headers, question["question"])
    assert reply["names"][0] == "citations" and reply["names"][-1] == "done"
    assert set(reply["names"][1:-1]) == {"token"}  # no error event: an answer, as usual
    answer = reply["answer"]
    assert answer.startswith(f"The language model ({LABEL[llm.provider]}) is unavailable right now, so here are "
                             "the most relevant passages from the knowledge base:")
    citations = reply["citations"]["citations"]
    assert question["answer_phrase"] in answer and CHUNK_ID.findall(answer)[0] == citations[0]["chunk_id"]
    done = reply["last"][1]
    assert done["cited"] and set(done["cited"]) <= {c["chunk_id"] for c in citations}
    assert done["usage"]["fallback"] == "extractive" and model_error(fault) in done["usage"]["model_error"]
    if fault != "refused":
        assert len(llm.requests) == 2  # CHAT_LLM_MAX_RETRIES=1: the SDK tried twice, then gave up
    status, error = _last_call(chat_db)
    assert status == "error" and model_error(fault) in error  # the failed call is on record
    with psycopg.connect(chat_db) as conn:
        stored = conn.execute("SELECT role, content FROM app.chat_messages WHERE session_id = %s ORDER BY message_id",
                              (done["session_id"],)).fetchall()
    assert stored == [("user", question["question"]), ("assistant", answer)]  # the exchange is kept


def test_a_model_that_stops_midway_keeps_its_words_and_says_so(
    client: TestClient, headers: dict[str, str], sample_dir: Path, chat_db: str, llm: Standin, short_waits: None
) -> None:
    question = _question(sample_dir)
    # Anthropic opens with message_start, content_block_start and ping; OpenAI with the role chunk. Then two
    # pieces of the answer arrive, and the connection drops.
    llm.control.cut_next_stream(5 if llm.provider == "anthropic" else 3)
    reply = ask(client, headers, question["question"])
    assert reply["names"][-1] == "done"
    written, _, note = reply["answer"].partition("\n\n[The language model")
    assert written and not written.startswith("The language model")  # the model's own words come first
    assert note.startswith(f" ({LABEL[llm.provider]}) stopped before finishing, so the answer above is incomplete."
                           " The most relevant passages from the knowledge base:]")
    assert question["answer_phrase"] in note and CHUNK_ID.search(note)
    usage = reply["last"][1]["usage"]
    assert usage["fallback"] == "extractive" and "dropped the connection" in usage["model_error"]
    assert _last_call(chat_db)[0] == "error"


@pytest.fixture
def platform(client: TestClient, keys: dict[str, Any]) -> openai.OpenAI:
    return openai.OpenAI(api_key=keys["alice"].secret, base_url="http://testserver/v1", http_client=client,
                         max_retries=0)


@pytest.mark.parametrize("fault", FAULTS)
def test_the_openai_endpoint_answers_extractively_when_the_model_is_unavailable(
    platform: openai.OpenAI, sample_dir: Path, llm: Standin, short_waits: None, monkeypatch: pytest.MonkeyPatch,
    fault: str,
) -> None:
    question = _question(sample_dir)
    messages = [{"role": "user", "content": question["question"]}]
    head = f"The language model ({LABEL[llm.provider]}) is unavailable right now"

    break_model(llm, fault, monkeypatch)
    completion = platform.chat.completions.create(model="brainops-rag", messages=messages)
    text = completion.choices[0].message.content
    assert text.startswith(head) and question["answer_phrase"] in text
    assert CHUNK_ID.findall(text)[0] == completion.model_extra["citations"][0]["chunk_id"]
    assert completion.choices[0].finish_reason == "stop"

    break_model(llm, fault, monkeypatch)
    chunks = list(platform.chat.completions.create(model="brainops-rag", messages=messages, stream=True))
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert streamed.startswith(head) and question["answer_phrase"] in streamed
    assert chunks[-1].choices[0].finish_reason == "stop"
