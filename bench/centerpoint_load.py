"""CenterPoint load throughput: the real sync (client → local API → COPY + upsert) against a
row-by-row INSERT baseline of the same records, in the same run.

    .venv/bin/python bench/centerpoint_load.py [--scale 10]

Prints rows/s for: the end-to-end sync of every resource over HTTP; the database load alone with
COPY + upsert; and the database load alone with one INSERT … ON CONFLICT per row (autocommit), the
way a naive loader writes. Uses its own database on the embedded server (or DATABASE_URL's server).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import drop_database, ensure_sample, fresh_database
from bench.common import standin_process as run_standin
from brainops.standins import centerpoint as standin
from pipelines.centerpoint.catalog import RESOURCES
from pipelines.centerpoint.client import CenterPointClient
from pipelines.centerpoint.sync import sync_resource, to_row
from pipelines.loaders.copy_upsert import copy_upsert

BENCH_DB = "brainops_bench"


@contextmanager
def standin_process(sample: Path) -> Iterator[str]:
    """The local CenterPoint API in its own process, as a remote API would be (no shared GIL)."""
    standin.open_store(sample)  # build the index before the clock starts
    with run_standin("centerpoint", sample, "/centerpoint/employees", {"Authorization": "Bearer sample"}) as base:
        yield base


def end_to_end(url: str, sample: Path) -> tuple[int, float]:
    total_rows, started = 0, time.perf_counter()
    with standin_process(sample) as base, psycopg.connect(url) as conn:
        with CenterPointClient(f"{base}/centerpoint/", "sample", page_size=100) as client:
            for name, spec in RESOURCES.items():
                result = sync_resource(conn, client, spec, full_refresh=True)
                total_rows += result.fetched
                print(
                    f"  {name:<14} {result.fetched:>9,} rows {result.seconds:7.1f} s "
                    f"{result.rows_per_second:>9,.0f} rows/s",
                    flush=True,
                )
    return total_rows, time.perf_counter() - started


def rows_of(sample: Path, resource: str) -> list[tuple]:
    spec = RESOURCES[resource]
    with (sample / "centerpoint" / f"{resource}.jsonl").open() as f:
        return [to_row(spec, json.loads(line)) for line in f]


def load_with_copy(url: str, resource: str, rows: list[tuple]) -> float:
    spec = RESOURCES[resource]
    with psycopg.connect(url) as conn:
        conn.execute(f"TRUNCATE raw.{spec.table}")
        conn.commit()
        started = time.perf_counter()
        for i in range(0, len(rows), 5000):
            with conn.transaction():
                copy_upsert(conn, schema="raw", table=spec.table, columns=spec.columns, rows=rows[i : i + 5000])
        return time.perf_counter() - started


def load_row_by_row(url: str, resource: str, rows: list[tuple]) -> float:
    spec = RESOURCES[resource]
    cols = ", ".join(spec.columns)
    marks = ", ".join(["%s"] * len(spec.columns))
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in spec.columns if c != "id")
    statement = f"INSERT INTO raw.{spec.table} ({cols}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET {updates}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"TRUNCATE raw.{spec.table}")
        started = time.perf_counter()
        for row in rows:
            conn.execute(statement, row)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--baseline-resource", default="invoices", choices=list(RESOURCES))
    args = parser.parse_args()

    sample = ensure_sample(args.scale)
    url = fresh_database(BENCH_DB)
    print(f"\nEnd-to-end sync of every CenterPoint resource at scale {args.scale:g} (HTTP + COPY + upsert):")
    rows, seconds = end_to_end(url, sample)
    print(f"  {'all':<14} {rows:>9,} rows {seconds:7.1f} s {rows / seconds:>9,.0f} rows/s")

    resource = args.baseline_resource
    records = rows_of(sample, resource)
    copy_s = load_with_copy(url, resource, records)
    naive_s = load_row_by_row(url, resource, records)
    print(f"\nDatabase load alone, {len(records):,} {resource} (same rows, same table):")
    print(f"  COPY + upsert        {copy_s:7.2f} s {len(records) / copy_s:>9,.0f} rows/s")
    print(f"  row-by-row INSERT    {naive_s:7.2f} s {len(records) / naive_s:>9,.0f} rows/s  (baseline)")
    print(f"  speed-up             {naive_s / copy_s:7.1f}x")
    drop_database(BENCH_DB)


if __name__ == "__main__":
    main()
