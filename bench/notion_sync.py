"""Notion sync throughput: the real sync (our client over notion-client → local Notion API in its own
process → COPY + upsert) of the sample knowledge base, full and then incremental.

    .venv/bin/python bench/notion_sync.py [--scale 1] [--requests-per-second 3]

Without --requests-per-second the client is not throttled (what the stand-in can serve); with 3, it
keeps to Notion's documented average, which bounds any live sync (a third of a second per request).
Uses its own database on the embedded server (or DATABASE_URL's server).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ensure_sample, fresh_database
from bench.common import standin_process as run_standin
from brainops.standins import notion as standin
from pipelines.notion.client import NotionClient
from pipelines.notion.sync import NotionSyncResult, sync_notion

BENCH_DB = "brainops_bench_notion"


@contextmanager
def standin_process(sample: Path) -> Iterator[str]:
    """The local Notion API in its own process, as a remote API would be (no shared GIL)."""
    started = time.perf_counter()
    counts = standin.open_store(sample).counts()  # build the index before the clock starts
    print(f"index: {counts} ({time.perf_counter() - started:.1f} s)", flush=True)
    headers = {"Authorization": "Bearer sample", "Notion-Version": "2025-09-03"}
    with run_standin("notion", sample, "/v1/users/me", headers) as base:
        yield base


def report(label: str, r: NotionSyncResult) -> None:
    print(
        f"{label}: {r.seconds:.2f} s, {r.requests} requests ({r.requests / r.seconds:.0f}/s), "
        f"{r.pages_listed} pages listed, {r.pages_fetched} fetched ({r.pages_per_second:.1f} pages/s), "
        f"{r.blocks_fetched} blocks ({r.blocks_per_second:.0f} blocks/s); "
        f"list {r.list_seconds:.2f} s, fetch {r.fetch_seconds:.2f} s, load {r.load_seconds:.2f} s, "
        f"limiter waits {r.limiter_wait_seconds:.1f} s, 429s {r.rate_limited}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests-per-second", type=float, default=0)
    args = parser.parse_args()
    sample = ensure_sample(args.scale)
    url = fresh_database(BENCH_DB)
    with standin_process(sample) as base, psycopg.connect(url) as conn:
        client = NotionClient("sample", base_url=base, requests_per_second=args.requests_per_second or None)
        report("full sync", sync_notion(conn, client))
        report("incremental re-run", sync_notion(conn, client))
        client.close()


if __name__ == "__main__":
    main()
