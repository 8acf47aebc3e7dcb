"""Open JSON Lines files, one per stream ("stripe/charges" -> <out>/stripe/charges.jsonl), appended
to as records are made, with a count per stream for the manifest."""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import TracebackType
from typing import IO, Any


def dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True)


class JsonlWriter:
    def __init__(self, out_dir: Path, streams: list[str]) -> None:
        self.out_dir = out_dir
        self.counts = dict.fromkeys(streams, 0)
        self._files: dict[str, IO[str]] = {}
        for stream in streams:
            path = out_dir / f"{stream}.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            self._files[stream] = path.open("w", encoding="utf-8", buffering=1 << 20)

    def write(self, stream: str, obj: dict[str, Any]) -> None:
        self._files[stream].write(dumps(obj) + "\n")
        self.counts[stream] += 1

    def close(self) -> None:
        for f in self._files.values():
            f.close()

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def write_json_atomically(path: Path, obj: Any) -> None:
    """Write to a temporary file beside `path`, then rename: readers see all of it or nothing."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
