"""Finding 1 of the attack review: chat leaked what search and the IES routes refuse.

Before: chat retrieval searched all of rag.chunks with no filter by caller, and chat is open to every role.
Applicant B asked `POST /api/v1/chat` for the net operating income of A's entity and got A's figures, file
name and document id as citations (B's GET /api/v1/ies/<that id> is a 404); /v1/chat/completions leaked the
same way, applicants received Notion pages and CenterPoint job notes (staff content), and with a model
configured those passages went to the model.

Now every chunk carries who may read it, and search and both chat endpoints filter inside both retrieval
branches for the caller (brainops/access.py). Checked here for every role and source, through search, chat
and the OpenAI-compatible endpoint (streamed and not), with a model stand-in that records what it was sent:
nothing a caller may not read is returned, cited, or sent to a model. The analyst's rows are the control:
the same probes do reach every source for staff, so the test can see a leak when there is one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.types.json import Jsonb

from brainops.apikeys import create_key
from brainops.settings import get_settings
from brainops.users import create_user
from pipelines.ies import uploads
from pipelines.ies import warehouse as ies_warehouse
from pipelines.ies.extract import extract_bytes
from pipelines.rag.documents import READERS, SOURCES
from pipelines.rag.embedder import LocalEmbedder
from pipelines.rag.index import index_documents
from serving.app import create_app
from tests.chat.conftest import _serve, sse_events
from tests.ies_llm.conftest import Standin
from tests.rag.conftest import insert_notion_page

PASSWORD = "correct horse battery staple"


def statement(entity: str, rent: int, repairs: int) -> bytes:
    return (f"{entity}\nIncome Statement,FY2025\nRental income,{rent}\nTotal income,{rent}\n"
            f"Repairs and maintenance,{repairs}\nTotal operating expenses,{repairs}\n"
            f"Net operating income,{rent - repairs}\n").encode()


# One distinctive probe per piece of content; what each one's text holds that must not leak.
@dataclass(frozen=True)
class Content:
    name: str  # 'notion', 'centerpoint', 'ies_a', 'ies_b', 'ies_sample'
    question: str
    marker: str  # a string only this content's text holds (not its question, which the caller sends itself)


CONTENTS = (
    Content("notion", "What is the internal margin floor for the Zephyrine pricing policy?", "owner's approval"),
    Content("centerpoint", "What did the crew note about the Quartermain skylight job?", "Ophelia"),
    Content("ies_a", "What is the net operating income of Marigold Court Apartments?", "412,345"),
    Content("ies_b", "What is the net operating income of Birchwood Terrace Lofts?", "687,111"),
    Content("ies_sample", "What is the net operating income of Cedarpoint Storage Yard?", "283,222"),
)
# What each kind of caller may read.
VISIBLE = {
    "applicant_a": {"ies_a"},
    "applicant_b": {"ies_b"},
    "analyst": {c.name for c in CONTENTS},
    "admin": {c.name for c in CONTENTS},
}


@dataclass
class World:
    url: str
    client: TestClient
    headers: dict[str, dict[str, str]]  # who -> auth headers
    source_of: dict[str, str]  # rag source_id -> content name


def _content_of(source: str, source_id: str, documents: dict[str, str]) -> str:
    if source == "ies":
        return documents[source_id]
    return "notion" if source == "notion" else "centerpoint"


@pytest.fixture(scope="module")
def world(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from tests.conftest import _create_database, _drop_database

    name = "brainops_test_retrieval_access"
    url = _create_database(pg_server, name)
    store = uploads.UploadStore(tmp_path_factory.mktemp("uploads"))
    with psycopg.connect(url) as conn:
        user_a = create_user(conn, email="a@applicant.test", password=PASSWORD, role="applicant")
        key_a = create_key(conn, name="a's key", role="applicant", user_id=user_a.user_id)
        key_b = create_key(conn, name="b", role="applicant")
        analyst = create_key(conn, name="analyst", role="analyst")
        admin = create_key(conn, name="admin", role="admin")
        principal_a = conn.execute("SELECT api_key_id FROM app.api_keys WHERE user_id = %s AND kind = 'user'",
                                   (user_a.user_id,)).fetchone()[0]
        # Staff content: a Notion page and a CenterPoint job note naming a customer.
        insert_notion_page(conn, "7a1c0000-0000-4000-8000-00000000a001", "Zephyrine pricing policy",
                           "# Margins\n\nThe internal margin floor for the Zephyrine pricing policy is 31 percent; "
                           "never quote below it without the owner's approval.")
        conn.execute(
            """INSERT INTO raw.centerpoint_opportunities (id, billed_company_id, updated_at, attributes)
               VALUES ('opp-1', 'cust-9', %s, %s)""",
            (datetime(2026, 3, 1, tzinfo=UTC), Jsonb({
                "name": "Quartermain residence", "notes": "Customer Ophelia Quartermain: the crew noted the "
                "skylight flashing on the Quartermain job was cracked and replaced it."})))
        # Statements: A's (uploaded by A's key), B's, and one nobody owns (the sample / landing dir).
        documents: dict[str, str] = {}
        for content, owner, sender, data in (
            ("ies_a", principal_a, key_a.api_key_id, statement("Marigold Court Apartments", 512_345, 100_000)),
            ("ies_b", key_b.api_key_id, key_b.api_key_id, statement("Birchwood Terrace Lofts", 777_111, 90_000)),
            ("ies_sample", None, None, statement("Cedarpoint Storage Yard", 333_222, 50_000)),
        ):
            stored = store.put_bytes(data, kind="csv")
            recorded = uploads.record_upload(conn, stored, source_file=f"{content}.csv",
                                             received_via="api" if owner else "sample", api_key_id=sender,
                                             owner_id=owner)
            doc = recorded.upload.document_id
            result = extract_bytes(data, f"{content}.csv", llm=None, document_id=doc)
            assert result["status"] in ("extracted", "needs_review"), result["error"]
            ies_warehouse.write_result(conn, result, upload_id=recorded.upload.upload_id, seconds=0.1)
            documents[doc] = content
        conn.commit()
        embedder = LocalEmbedder(threads=1)
        embedder.load()
        every = [doc for source in SOURCES for doc in READERS[source](conn)]
        index_documents(conn, every, embedder, sources=list(SOURCES))
        rows = conn.execute("SELECT source, source_id, visibility, owner_id FROM rag.chunks").fetchall()
    source_of = {source_id: _content_of(source, source_id, documents) for source, source_id, _v, _o in rows}
    assert set(source_of.values()) == {c.name for c in CONTENTS}  # every piece of content is indexed
    with TestClient(create_app(url)) as client:
        token_a = client.post("/api/v1/auth/token", data={"username": "a@applicant.test",
                                                           "password": PASSWORD}).json()["access_token"]
        headers = {
            "applicant_a": {"X-API-Key": key_a.secret},
            "applicant_a_token": {"Authorization": f"Bearer {token_a}"},
            "applicant_b": {"X-API-Key": key_b.secret},
            "analyst": {"X-API-Key": analyst.secret},
            "admin": {"X-API-Key": admin.secret},
        }
        yield World(url, client, headers, source_of)
    _drop_database(pg_server, name)


def _visible(who: str) -> set[str]:
    return VISIBLE["applicant_a" if who == "applicant_a_token" else who]


WHO = ("applicant_a", "applicant_a_token", "applicant_b", "analyst", "admin")


@pytest.mark.parametrize("who", WHO)
def test_search_finds_only_what_the_caller_may_read(world: World, who: str) -> None:
    reached: set[str] = set()
    for content in CONTENTS:
        for mode in ("hybrid", "keyword", "vector"):
            response = world.client.get("/api/v1/search", params={"q": content.question, "k": 20, "mode": mode},
                                        headers=world.headers[who])
            assert response.status_code == 200, response.text
            for item in response.json()["items"]:
                reached.add(world.source_of[item["source_id"]])
                assert item["source"] != "ies" or world.source_of[item["source_id"]] in _visible(who)
        # Each source filter too: a filter never opens what the rules close.
        for source in SOURCES:
            response = world.client.get("/api/v1/search", params={"q": content.question, "source": source},
                                        headers=world.headers[who])
            reached |= {world.source_of[i["source_id"]] for i in response.json()["items"]}
    assert reached == _visible(who)


def _chat(world: World, who: str, question: str) -> tuple[set[str], str]:
    """Contents cited by POST /api/v1/chat, and the answer text."""
    response = world.client.post("/api/v1/chat", json={"message": question}, headers=world.headers[who])
    assert response.status_code == 200, response.text
    events = sse_events(response.text)
    assert events[-1][0] == "done", events[-1]
    cited = {world.source_of[c["source_id"]] for name, data in events if name == "citations"
             for c in data["citations"]}
    answer = "".join(data["text"] for name, data in events if name == "token")
    return cited, answer


def _completions(world: World, who: str, question: str, *, stream: bool) -> tuple[set[str], str]:
    response = world.client.post("/v1/chat/completions", headers=world.headers[who], json={
        "model": "brainops-rag", "stream": stream, "messages": [{"role": "user", "content": question}]})
    assert response.status_code == 200, response.text
    if stream:
        chunks = [json.loads(line[5:]) for line in response.text.splitlines()
                  if line.startswith("data:") and line.strip() != "data: [DONE]"]
        citations = [c for chunk in chunks for c in chunk.get("citations", [])]
        answer = "".join(chunk["choices"][0]["delta"].get("content") or "" for chunk in chunks if chunk.get("choices"))
    else:
        body = response.json()
        citations, answer = body["citations"], body["choices"][0]["message"]["content"]
    return {world.source_of[c["source_id"]] for c in citations}, answer


def _markers_sent(standin: Standin) -> set[str]:
    sent = json.dumps(standin.requests)
    return {c.name for c in CONTENTS if c.marker in sent}


@pytest.fixture(params=["anthropic", "openai"])
def model(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Standin]:
    """A language model stand-in behind the official SDK, recording every request it is sent."""
    get_settings.cache_clear()
    yield from _serve(request.param, monkeypatch)
    get_settings.cache_clear()


@pytest.mark.parametrize("who", WHO)
def test_chat_cites_and_sends_a_model_only_what_the_caller_may_read(world: World, who: str, model: Standin) -> None:
    reached: set[str] = set()
    for content in CONTENTS:
        for ask in ("chat", "completions", "completions-stream"):
            model.requests.clear()
            if ask == "chat":
                cited, answer = _chat(world, who, content.question)
            else:
                cited, answer = _completions(world, who, content.question, stream=ask == "completions-stream")
            sent = _markers_sent(model)
            assert model.requests, "the model was asked"
            assert cited <= _visible(who), (ask, content.name, cited)
            assert sent <= _visible(who), (ask, content.name, sent)  # nothing else went to the model
            assert not any(c.marker in answer for c in CONTENTS if c.name not in _visible(who))
            reached |= cited | sent
    assert reached == _visible(who)


@pytest.mark.parametrize("who", ("applicant_a", "applicant_b"))
def test_without_a_model_the_extractive_answer_keeps_to_the_same_rules(
        world: World, who: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    for content in CONTENTS:
        cited, answer = _chat(world, who, content.question)
        assert cited <= _visible(who)
        assert not any(c.marker in answer for c in CONTENTS if c.name not in _visible(who))


def test_the_ies_routes_and_retrieval_agree(world: World) -> None:
    """What GET /api/v1/ies/{id} refuses a caller (404), no retrieval path gives it: one rule, one place."""
    with psycopg.connect(world.url) as conn:
        docs = conn.execute("SELECT DISTINCT source_id FROM rag.chunks WHERE source = 'ies'").fetchall()
    for who in WHO:
        for (doc,) in docs:
            readable = world.client.get(f"/api/v1/ies/{doc}", headers=world.headers[who]).status_code == 200
            assert readable == (world.source_of[doc] in _visible(who)), (who, world.source_of[doc])


def test_chunks_carry_their_readers(world: World) -> None:
    with psycopg.connect(world.url) as conn:
        rows = conn.execute("""SELECT c.source, c.visibility, c.owner_id IS NOT DISTINCT FROM u.owner_id
                               FROM rag.chunks c LEFT JOIN app.uploads u ON u.document_id = c.source_id""").fetchall()
    assert {(source, visibility, same) for source, visibility, same in rows} == {
        ("notion", "staff", True), ("centerpoint_opportunity", "staff", True), ("ies", "owner", True)}


def test_a_document_changing_hands_moves_its_chunks_without_re_embedding(world: World, tmp_path: Path) -> None:
    """Readers are part of what indexing keeps current: an owner set later is applied in place."""
    with psycopg.connect(world.url) as conn:
        before = conn.execute("SELECT chunk_id, embedding::text FROM rag.chunks WHERE source = 'ies'").fetchall()
        sample_doc = next(doc for doc, name in world.source_of.items() if name == "ies_sample")
        b_principal = conn.execute("SELECT owner_id FROM app.uploads WHERE source_file = 'ies_b.csv'").fetchone()[0]
        conn.execute("UPDATE app.uploads SET owner_id = %s WHERE document_id = %s", (b_principal, sample_doc))
        embedder = LocalEmbedder(threads=1)
        result = index_documents(conn, list(READERS["ies"](conn)), embedder, sources=["ies"])
        assert result.embedded == 0 and result.moved > 0
        owners = conn.execute("SELECT DISTINCT owner_id FROM rag.chunks WHERE source_id = %s", (sample_doc,)).fetchall()
        assert owners == [(b_principal,)]
        after = conn.execute("SELECT chunk_id, embedding::text FROM rag.chunks WHERE source = 'ies'").fetchall()
        assert sorted(after) == sorted(before)
        conn.execute("UPDATE app.uploads SET owner_id = NULL WHERE document_id = %s", (sample_doc,))
        index_documents(conn, list(READERS["ies"](conn)), embedder, sources=["ies"])
        conn.commit()
