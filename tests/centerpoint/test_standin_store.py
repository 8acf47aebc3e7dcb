"""The stand-in's page index: sequential pages continue by key, random pages still fall back to OFFSET."""

from __future__ import annotations

import json
from pathlib import Path

from brainops.standins.jsonl_store import JsonlStore


def build(tmp_path: Path, n: int) -> JsonlStore:
    path = tmp_path / "things.jsonl"
    path.write_text(
        "".join(json.dumps({"id": f"{i:05d}", "at": f"2025-01-01T00:{i % 60:02d}:00Z"}) + "\n" for i in range(n))
    )
    return JsonlStore.build(tmp_path / "idx.sqlite", {"things": path}, lambda r: r["at"])


def ids(docs: list[str]) -> list[str]:
    return [json.loads(d)["id"] for d in docs]


def test_sequential_and_random_access_pages_agree(tmp_path: Path) -> None:
    store = build(tmp_path, 1000)
    sequential = [ids(store.page("things", limit=70, offset=o)) for o in range(0, 1000, 70)]
    cold = JsonlStore(store.db_path)
    random_order = {o: ids(cold.page("things", limit=70, offset=o)) for o in reversed(range(0, 1000, 70))}
    assert sequential == [random_order[o] for o in range(0, 1000, 70)]
    flat = [i for page in sequential for i in page]
    assert len(flat) == len(set(flat)) == 1000


def test_an_edit_invalidates_remembered_page_ends(tmp_path: Path) -> None:
    store = build(tmp_path, 200)
    first = ids(store.page("things", limit=50, offset=0))
    store.put("things", first[0], "2030-01-01T00:00:00Z", json.dumps({"id": first[0], "at": "2030-01-01T00:00:00Z"}))
    pages = [ids(store.page("things", limit=50, offset=o)) for o in range(0, 200, 50)]
    flat = [i for page in pages for i in page]
    assert len(flat) == len(set(flat)) == 200 and flat[-1] == first[0]
