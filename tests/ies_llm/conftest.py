"""Local Anthropic and OpenAI servers speaking the real wire formats, with the official SDKs pointed at
them by the SDKs' own environment variables (configuration, not patching), and responders that answer
what a test expects."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI

from brainops.standins import anthropic as anthropic_standin
from brainops.standins import openai as openai_standin
from brainops.standins.llm_common import Control, LlmRequest, Reply, default_responder
from brainops.standins.runner import serve_in_thread

API_KEY = "sk-standin-test"


@dataclass
class Standin:
    provider: str
    url: str
    app: FastAPI

    @property
    def control(self) -> Control:
        return self.app.state.control

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self.control.requests

    def answer(self, responder: Callable[[LlmRequest], Reply]) -> None:
        self.app.state.responder = responder


@pytest.fixture(params=["anthropic", "openai"])
def llm_standin(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Standin]:
    """Each provider in turn, chosen the way production chooses: by which key is set."""
    yield from _serve(request.param, monkeypatch)


@pytest.fixture
def anthropic_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Standin]:
    yield from _serve("anthropic", monkeypatch)


@pytest.fixture
def openai_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Standin]:
    yield from _serve("openai", monkeypatch)


def _serve(provider: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Standin]:
    for var in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL", "IES_LLM_MODEL",
                "BRAINOPS_WAREHOUSE_URL", "DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    module = anthropic_standin if provider == "anthropic" else openai_standin
    app = module.create_app(api_key=API_KEY)
    with serve_in_thread(app) as url:
        if provider == "anthropic":
            monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
            monkeypatch.setenv("ANTHROPIC_BASE_URL", url)
        else:
            monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
            monkeypatch.setenv("OPENAI_BASE_URL", f"{url}/v1")
        yield Standin(provider, url, app)


def label_requests(standin: Standin) -> list[dict[str, Any]]:
    """The requests of the label stage (with a key set, the second reading makes one more per document)."""
    def forced(body: dict[str, Any]) -> str | None:
        choice = body.get("tool_choice") or {}
        return choice.get("name") or (choice.get("function") or {}).get("name")

    return [body for body in standin.requests if forced(body) == "map_labels"]


def label_calls(calls: list[Any]) -> list[Any]:
    """The recorded calls of the label stage."""
    return [call for call in calls if call.purpose == "ies_label_mapping"]


def labels_in(request: LlmRequest) -> list[dict[str, Any]]:
    """The labels the label stage asked about (the JSON list in its prompt)."""
    return json.loads(request.prompt[request.prompt.index("["):])


def label_responder(keys: dict[str, str | None], *, confidence: float = 0.9) -> Callable[[LlmRequest], Reply]:
    """Maps the labels it is asked about by `keys` (label as printed -> chart key); others get null."""

    def respond(request: LlmRequest) -> Reply:
        if request.forced_tool != "map_labels":
            return default_responder(request)
        mappings = [{"id": item["id"], "canonical": keys.get(item["label"]),
                     "is_total": bool(re.match(r"(?i)total\b", item["label"])), "confidence": confidence}
                    for item in labels_in(request)]
        return Reply.tool_call("map_labels", {"mappings": mappings})

    return respond
