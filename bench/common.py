"""Shared by the benchmarks: a fresh migrated database of their own on the embedded server (or on
DATABASE_URL's server), the generated sample at a scale, and a local stand-in API in its own process."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from brainops.paths import sample_dir
from brainops.standins.runner import free_port
from brainops.warehouse import connection, migrate


def fresh_database(name: str) -> str:
    """Drop and recreate database `name` (the bench's own, never the warehouse), migrated; its URL."""
    server = connection.server_url()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = connection.with_database(server, name)
    migrate.migrate(url)
    return url


def drop_database(name: str) -> None:
    with psycopg.connect(connection.server_url(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ensure_sample(scale: float) -> Path:
    """The generated sample business at `scale`, generated first if missing (scale 10 takes ~45 s)."""
    out = sample_dir(scale)
    if not (out / "manifest.json").exists():
        from brainops.sample.generate import generate

        print(f"generating the scale-{scale:g} sample into {out} ...", flush=True)
        started = time.perf_counter()
        generate(out, scale=scale)
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    return out


@contextmanager
def standin_process(source: str, sample: Path, probe: str, headers: Mapping[str, str]) -> Iterator[str]:
    """The local `source` API (python -m brainops.standins SOURCE) in its own process, as a remote API
    would be (no shared GIL); yields its base URL once `probe` answers."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "brainops.standins", source, "--sample", str(sample), "--port", str(port)]
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # bounded: up to ~20 s for the server to come up
            try:
                httpx.get(f"{base}{probe}", headers=dict(headers))
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait()
