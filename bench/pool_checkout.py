"""What checking pooled connections on checkout costs: the API's check (serving/db.py check_if_suspect, a poll
of the socket) against no check (the baseline) and psycopg_pool's round-trip check, in the same run.

    .venv/bin/python bench/pool_checkout.py [--rounds 7] [--n 4000]

Each round runs `n` checkouts + `SELECT 1` per check, interleaved, on the embedded warehouse (`brainops db
start` first); prints the median and the best round in microseconds per checkout. Bounded by --rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from psycopg_pool import AsyncConnectionPool

from brainops.warehouse.connection import warehouse_url
from serving.db import check_if_suspect

CHECKS = {"no check (baseline)": None, "poll (the API's)": check_if_suspect,
          "round trip (check_connection)": AsyncConnectionPool.check_connection}


async def per_checkout_us(url: str, check, n: int) -> float:
    async with AsyncConnectionPool(url, min_size=1, max_size=2, kwargs={"autocommit": True}, check=check) as pool:
        for _ in range(200):  # warm up
            async with pool.connection() as conn:
                await conn.execute("SELECT 1")
        started = time.perf_counter()
        for _ in range(n):
            async with pool.connection() as conn:
                await conn.execute("SELECT 1")
        return (time.perf_counter() - started) / n * 1e6


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--n", type=int, default=4000)
    args = parser.parse_args()
    url = warehouse_url()
    results: dict[str, list[float]] = {name: [] for name in CHECKS}
    for _ in range(args.rounds):
        for name, check in CHECKS.items():
            results[name].append(await per_checkout_us(url, check, args.n))
    baseline = statistics.median(results["no check (baseline)"])
    for name, runs in results.items():
        median = statistics.median(runs)
        print(f"{name:32s} median {median:6.0f} us, best {min(runs):6.0f} us, "
              f"{median - baseline:+5.0f} us vs baseline")


if __name__ == "__main__":
    asyncio.run(main())
