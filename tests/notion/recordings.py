"""Replay the real Notion recordings (vcrpy cassettes in shared/fixtures/notion) to notion-client, through
httpx's MockTransport: the SDK's own transport layer, so everything above it is the code we ship."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import yaml

from brainops.paths import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "notion"


@dataclass
class Interaction:
    method: str
    path: str
    query: dict[str, str]
    status: int
    body: str
    headers: dict[str, str]
    used: bool = False


@dataclass
class Replay:
    """Answers each request with the first unused recorded interaction of the same method, path and query."""

    interactions: list[Interaction]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        query = dict(parse_qsl(request.url.query.decode()))
        for it in self.interactions:
            if not it.used and it.method == request.method and it.path == request.url.path and it.query == query:
                it.used = True
                return httpx.Response(it.status, text=it.body, headers=it.headers)
        raise AssertionError(f"no recorded answer for {request.method} {request.url}")

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def bodies(self) -> list[dict]:
        return [json.loads(r.content) if r.content else {} for r in self.requests]


def cassette(name: str) -> list[Interaction]:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"{path} is not beside the project")
    found = []
    for item in yaml.safe_load(path.read_text())["interactions"]:
        request, response = item["request"], item["response"]
        url = urlsplit(request["uri"])
        headers = {k: v[0] for k, v in (response.get("headers") or {}).items() if k.lower() == "content-type"}
        found.append(
            Interaction(
                method=request["method"],
                path=url.path,
                query=dict(parse_qsl(url.query)),
                status=response["status"]["code"],
                body=response["body"]["string"],
                headers=headers,
            )
        )
    return found


def replay(name: str, *, only: str | None = None) -> Replay:
    """A replay of one cassette; `only` keeps the interactions whose path contains it."""
    interactions = cassette(name)
    if only:
        interactions = [i for i in interactions if only in i.path]
    return Replay(interactions)


def recorded_answer(name: str, *, status: int) -> Interaction:
    """The first recorded answer with this status."""
    return next(i for i in cassette(name) if i.status == status)
