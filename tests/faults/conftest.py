"""Fixtures for the fault tests: a Dagster home on the session's Postgres carrying the platform's own instance
settings (the dagster.yaml brainops/bootstrap.py writes) with only their time constants compressed, and a local
HTTP receiver standing in for ALERT_WEBHOOK_URL."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import dagster as dg
import psycopg
import pytest
import yaml
from fastapi import FastAPI, Request

from brainops import bootstrap
from brainops.standins.runner import serve_in_thread
from brainops.warehouse.connection import with_database

_numbers = itertools.count(1)


def instance_config() -> dict[str, Any]:
    """The platform's dagster.yaml, with the daemon's intervals shortened so a test waits seconds, not minutes."""
    config = yaml.safe_load(bootstrap.DAGSTER_YAML)
    config["run_monitoring"]["poll_interval_seconds"] = 1
    config["run_coordinator"]["config"]["dequeue_interval_seconds"] = 1
    return config


@dataclass
class DagsterHome:
    path: Path
    pg_url: str  # the storage database, as dagster-postgres takes it

    @property
    def env(self) -> dict[str, str]:
        """For child processes (the daemon, `dagster` commands)."""
        return {**os.environ, "DAGSTER_HOME": str(self.path), "DAGSTER_PG_URL": self.pg_url}

    def instance(self) -> dg.DagsterInstance:
        return dg.DagsterInstance.from_config(str(self.path))


@pytest.fixture
def dagster_home(pg_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DagsterHome]:
    """A Dagster instance of its own: runs and events in a new Postgres database, the platform's settings."""
    name = f"dagster_faults_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    pg_url = urlunparse(urlparse(with_database(pg_server, name))._replace(scheme="postgresql+psycopg2"))
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(instance_config(), sort_keys=False))
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DAGSTER_PG_URL", pg_url)
    yield DagsterHome(home, pg_url)
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def alerts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """What is POSTed to ALERT_WEBHOOK_URL, which points here."""
    received: list[dict[str, Any]] = []
    hook = FastAPI()

    @hook.post("/alert")
    async def alert(request: Request) -> dict:
        received.append(await request.json())
        return {"ok": True}

    with serve_in_thread(hook) as url:
        monkeypatch.setenv("ALERT_WEBHOOK_URL", f"{url}/alert")
        yield received
