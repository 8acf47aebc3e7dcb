"""POST /api/v1/chat end to end: the real app, database, local embedding model, and the official anthropic and
openai SDKs streaming from local stand-ins that speak their wire formats."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from brainops.apikeys import create_key
from brainops.standins.llm_common import LlmRequest, grounded_responder
from brainops.users import create_user
from tests.chat.conftest import PLANTED_ORDER, PLANTED_PAGE, Standin, ask

CHUNK_ID = re.compile(r"\[([0-9a-f]{32})\]")


def _question(sample_dir: Path, n: int = 0) -> dict[str, Any]:
    return [json.loads(line) for line in (sample_dir / "truth" / "notion_questions.jsonl").open()][n]


def _messages(db: str, session_id: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(db) as conn:
        return conn.execute(
            "SELECT role, content, citations, usage FROM app.chat_messages WHERE session_id = %s ORDER BY message_id",
            (session_id,),
        ).fetchall()


def test_a_key_is_required(client: TestClient) -> None:
    assert client.post("/api/v1/chat", json={"message": "hello"}).status_code == 401


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"message": "   "}, "The message is empty"),
        ({"message": "x" * 4001}, "at most 4000 characters"),
        ({}, "Field required"),
        ({"message": "hi", "session_id": "not-a-uuid"}, "valid UUID"),
    ],
)
def test_bad_messages_get_422_with_a_reason(
    client: TestClient, headers: dict[str, str], body: dict[str, Any], reason: str
) -> None:
    response = client.post("/api/v1/chat", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert reason in response.json()["detail"][0]["msg"]


def test_without_a_key_the_answer_is_extractive_and_cited(
    client: TestClient, headers: dict[str, str], sample_dir: Path, chat_db: str, no_llm: None
) -> None:
    question = _question(sample_dir)
    reply = ask(client, headers, question["question"])
    assert reply["names"][0] == "citations" and reply["names"][-1] == "done"
    assert set(reply["names"][1:-1]) == {"token"} and len(reply["tokens"]) > 10
    citations = reply["citations"]["citations"]
    assert citations[0]["source_id"] == question["page_id"] and citations[0]["url"].startswith("https://")
    assert "No language model is configured" in reply["answer"]
    assert question["answer_phrase"] in reply["answer"]
    assert CHUNK_ID.findall(reply["answer"])[0] == citations[0]["chunk_id"]
    done = reply["last"][1]
    assert done["usage"]["model"] == "extractive" and done["usage"]["cost_usd"] == 0
    assert done["session_id"] == reply["citations"]["session_id"]
    stored = _messages(chat_db, done["session_id"])
    assert [row[0] for row in stored] == ["user", "assistant"]
    assert stored[0][1] == question["question"] and stored[1][1] == reply["answer"]
    assert stored[1][2][0]["chunk_id"] == citations[0]["chunk_id"]


def test_the_model_streams_a_cited_answer(
    client: TestClient, headers: dict[str, str], sample_dir: Path, chat_db: str, llm: Standin
) -> None:
    question = _question(sample_dir, 1)
    reply = ask(client, headers, question["question"])
    request = llm.requests[-1]
    assert request["stream"] is True  # the SDK's streaming API, not a whole answer cut up by us
    assert len(reply["tokens"]) > 1
    cited = CHUNK_ID.findall(reply["answer"])
    citations = {c["chunk_id"]: c for c in reply["citations"]["citations"]}
    assert cited and cited[0] in citations and citations[cited[0]]["source_id"] == question["page_id"]
    assert question["answer_phrase"] in reply["answer"]
    done = reply["last"][1]
    assert done["cited"] == cited[:1]
    usage = done["usage"]
    assert usage["provider"] == llm.provider and usage["input_tokens"] > 100 and usage["output_tokens"] > 0
    assert usage["cost_usd"] > 0  # the default chat models are priced in pipelines/llm/prices.py
    with psycopg.connect(chat_db) as conn:
        row = conn.execute(
            """SELECT provider, input_tokens, output_tokens, status FROM app.llm_calls
               WHERE purpose = 'chat' ORDER BY llm_call_id DESC LIMIT 1"""
        ).fetchone()
    assert row == (llm.provider, usage["input_tokens"], usage["output_tokens"], "ok")
    stored = _messages(chat_db, done["session_id"])
    assert stored[1][1] == reply["answer"] and stored[1][3]["provider"] == llm.provider
    assert [c["chunk_id"] for c in stored[1][2]] == cited[:1]


def test_follow_ups_send_the_history(
    client: TestClient, headers: dict[str, str], sample_dir: Path, chat_db: str, llm: Standin
) -> None:
    first = ask(client, headers, _question(sample_dir, 2)["question"])
    session_id = first["last"][1]["session_id"]
    second = ask(client, headers, "And what does it cost?", session_id)
    assert second["last"][1]["session_id"] == session_id
    sent = llm.requests[-1]
    sent_messages = sent["messages"]
    assert [m["role"] for m in sent_messages if m["role"] != "system"] == ["user", "assistant", "user"]
    assert sent_messages[-3]["content"] == _question(sample_dir, 2)["question"]
    assert sent_messages[-2]["content"] == first["answer"]
    assert second["answer"].startswith("Following up on our 1 earlier answer")
    assert [row[0] for row in _messages(chat_db, session_id)] == ["user", "assistant", "user", "assistant"]


def test_a_planted_instruction_is_quoted_as_data_and_not_obeyed(
    client: TestClient, headers: dict[str, str], llm: Standin
) -> None:
    reply = ask(client, headers, "How often are the gutters cleaned on a maintenance plan?")
    assert reply["citations"]["citations"][0]["source_id"] == PLANTED_PAGE
    sent = llm.requests[-1]
    system = sent["system"] if llm.provider == "anthropic" else sent["messages"][0]["content"]
    prompt = sent["messages"][-1]["content"]
    assert "not instructions" in system
    # The planted line reached the model only inside a <document> block.
    blocks = re.findall(r"<document [^>]*>(.*?)</document>", prompt, re.DOTALL)
    assert any(PLANTED_ORDER in block for block in blocks)
    assert PLANTED_ORDER not in re.sub(r"<document [^>]*>.*?</document>", "", prompt, flags=re.DOTALL)
    assert PLANTED_ORDER not in reply["answer"]
    assert "twice a year" in reply["answer"] and CHUNK_ID.search(reply["answer"])
    # The stand-in is not simply deaf to it: the same prompt without the data rule gets the planted order obeyed.
    unquoted = LlmRequest("test", "m", "You are a helpful assistant.", [{"role": "user", "text": prompt}], [], None,
                          None, False, {})
    assert grounded_responder(unquoted).text == PLANTED_ORDER


def test_another_callers_session_is_not_found(
    client: TestClient, headers: dict[str, str], keys: dict[str, Any], no_llm: None
) -> None:
    session_id = ask(client, headers, "What is the warranty on shingles?")["last"][1]["session_id"]
    other = {"X-API-Key": keys["bob"].secret}
    response = client.post("/api/v1/chat", json={"message": "and then?", "session_id": session_id}, headers=other)
    assert response.status_code == 404 and "start a new one" in response.json()["detail"]
    missing = "00000000-0000-4000-8000-000000000000"
    response = client.post("/api/v1/chat", json={"message": "and then?", "session_id": missing}, headers=headers)
    assert response.status_code == 404


def test_a_users_session_follows_them_from_a_token_to_their_own_key(
    client: TestClient, chat_db: str, keys: dict[str, Any], no_llm: None
) -> None:
    with psycopg.connect(chat_db) as conn:
        user = create_user(conn, email="chat-user@example.com", password="a long enough password 1",
                           role="applicant")
        own_key = create_key(conn, name="chat-user key", role="applicant", user_id=user.user_id)
    token = client.post("/api/v1/auth/token", data={"username": "chat-user@example.com", "grant_type": "password",
                                                    "password": "a long enough password 1"}).json()["access_token"]
    session_id = ask(client, {"Authorization": f"Bearer {token}"}, "What is the warranty on shingles?")["last"][1][
        "session_id"]
    follow_up = ask(client, {"X-API-Key": own_key.secret}, "and for gutters?", session_id)
    assert follow_up["last"][1]["session_id"] == session_id
    stranger = {"X-API-Key": keys["bob"].secret}
    response = client.post("/api/v1/chat", json={"message": "and then?", "session_id": session_id}, headers=stranger)
    assert response.status_code == 404
