"""A real embedded Postgres (with pgvector) for the whole test session, in a temporary data dir.

Tests that only read and write inside one connection use `conn` (rolled back at the end); tests
that run Dagster, dbt or the API against committed data use `fresh_warehouse`, a new database
migrated from scratch and dropped afterwards.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

# Before any project module reads it: keep tests away from the developer's .data/ and real services.
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="brainops-test-"))
os.environ["BRAINOPS_DATA_DIR"] = str(_SESSION_DIR)
for var in (
    "DATABASE_URL",
    "BRAINOPS_WAREHOUSE_URL",
    "DAGSTER_PG_URL",
    "CENTERPOINT_API_KEY",
    "CENTERPOINT_BASE_URL",
    "STRIPE_API_KEY",
    "NOTION_TOKEN",
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
):
    os.environ.pop(var, None)
os.environ["DAGSTER_HOME"] = str(_SESSION_DIR / "dagster_home")
os.environ["SAMPLE_SCALE"] = "0.05"
# An ingest step whose source is down is not retried in-process (production waits minutes between tries);
# tests/faults sets its own, compressed, retry settings.
os.environ["SOURCE_RUN_RETRIES"] = "0"

from brainops.warehouse import connection, embedded, migrate  # noqa: E402

_db_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """URL of the session's Postgres server (maintenance database)."""
    url = connection.server_url()
    (_SESSION_DIR / "dagster_home").mkdir(exist_ok=True)
    yield url
    embedded.stop()


def _create_database(server_url: str, name: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = connection.with_database(server_url, name)
    migrate.migrate(url)
    return url


def _drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def warehouse_url(pg_server: str) -> str:
    """A migrated warehouse shared by the session; use `conn` to stay isolated inside it."""
    return _create_database(pg_server, "brainops_test")


@pytest.fixture
def conn(warehouse_url: str) -> Iterator[psycopg.Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with psycopg.connect(warehouse_url) as c:
        yield c
        c.rollback()


@pytest.fixture
def fresh_warehouse(pg_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A brand-new migrated database for tests whose work commits; the process points at it."""
    name = f"brainops_test_{os.getpid()}_{next(_db_numbers)}"
    url = _create_database(pg_server, name)
    monkeypatch.setenv("BRAINOPS_WAREHOUSE_URL", url)
    yield url
    _drop_database(pg_server, name)


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """A small generated sample business (scale 0.05), shared by the session."""
    from brainops.sample.generate import generate

    out = _SESSION_DIR / "sample" / "scale-0.05"
    if not (out / "manifest.json").exists():
        generate(out, scale=0.05, seed=7)
    return out


@pytest.fixture(autouse=True)
def _settings_read_afresh() -> Iterator[None]:
    """Settings are cached per process (brainops.settings.get_settings): forget them around every test, so an
    environment a test set (and monkeypatch undid) never outlives it in the cache."""
    from brainops.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
