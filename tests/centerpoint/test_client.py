"""The CenterPoint client against the local stand-in speaking the same wire format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brainops.standins import centerpoint as standin
from brainops.standins.jsonl_store import JsonlStore
from brainops.standins.runner import serve_in_thread
from pipelines.centerpoint.client import CenterPointClient, CenterPointError


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> JsonlStore:
    folder: Path = tmp_path_factory.mktemp("cp")
    path = folder / "companies.jsonl"
    with path.open("w") as f:
        for i in range(1, 251):
            updated = f"2025-01-{1 + i % 28:02d}T10:00:00Z"
            f.write(
                json.dumps({"id": str(i), "type": "companies", "attributes": {"name": f"Co {i}", "updatedAt": updated}})
            )
            f.write("\n")
    return JsonlStore.build(folder / "index.sqlite", {"companies": path}, lambda r: r["attributes"]["updatedAt"])


def client_for(url: str, **kwargs) -> CenterPointClient:
    kwargs.setdefault("backoff_base", 0.01)
    return CenterPointClient(f"{url}/centerpoint/", kwargs.pop("api_key", "sample"), page_size=40, **kwargs)


def test_pages_cover_every_record_once_in_update_order(store: JsonlStore) -> None:
    with serve_in_thread(standin.create_app(store)) as url, client_for(url) as client:
        pages = list(client.pages("companies"))
    records = [r for p in pages for r in p.records]
    assert len(pages) == 7 and pages[0].total == 250
    assert sorted(int(r["id"]) for r in records) == list(range(1, 251))
    stamps = [r["attributes"]["updatedAt"] for r in records]
    assert stamps == sorted(stamps)


def test_updated_since_filter_returns_only_later_changes(store: JsonlStore) -> None:
    with serve_in_thread(standin.create_app(store)) as url, client_for(url) as client:
        records = [r for p in client.pages("companies", updated_since="2025-01-27T10:00:00Z") for r in p.records]
    assert records and all(r["attributes"]["updatedAt"] >= "2025-01-27T10:00:00Z" for r in records)
    assert len(records) == sum(1 for i in range(1, 251) if 1 + i % 28 >= 27)


def test_rate_limits_and_server_errors_are_retried(store: JsonlStore) -> None:
    faults = standin.Faults(rate_limit_every=3, error_every=5, retry_after="0")
    with serve_in_thread(standin.create_app(store, faults=faults)) as url, client_for(url) as client:
        records = [r for p in client.pages("companies") for r in p.records]
        retries = client.retries_made
    assert len(records) == 250
    assert retries >= 3


def test_retry_after_is_honoured(store: JsonlStore) -> None:
    import time

    faults = standin.Faults(rate_limit_every=2, retry_after="1")
    with serve_in_thread(standin.create_app(store, faults=faults)) as url, client_for(url) as client:
        client.get("companies")  # request 1 passes
        started = time.perf_counter()
        client.get("companies")  # request 2 is a 429 asking for 1 s; request 3 passes
        assert time.perf_counter() - started >= 1.0


def test_a_wrong_key_gets_a_clear_error(store: JsonlStore) -> None:
    with serve_in_thread(standin.create_app(store)) as url, client_for(url, api_key="wrong") as client:
        with pytest.raises(CenterPointError, match="CENTERPOINT_API_KEY"):
            client.get("companies")


def test_an_unreachable_api_fails_with_a_readable_message() -> None:
    from brainops.standins.runner import free_port

    with client_for(f"http://127.0.0.1:{free_port()}", max_retries=2) as client:
        with pytest.raises(CenterPointError, match="unavailable after 3 attempts"):
            client.get("companies")
