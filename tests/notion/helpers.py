"""Small helpers shared by the Notion tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from brainops.paths import DBT_PROJECT_DIR
from brainops.warehouse.connection import dbt_env
from pipelines.notion.client import NotionClient


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open() as f:
        return [json.loads(line) for line in f]


def client_for(url: str, **kwargs: Any) -> NotionClient:
    """Our client against a local stand-in: no client-side limit unless a test asks, quick backoff."""
    kwargs.setdefault("requests_per_second", None)
    kwargs.setdefault("backoff_base", 0.01)
    return NotionClient(kwargs.pop("token", "sample"), base_url=url, **kwargs)


def admin(url: str, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a Notion user does in the app, through the stand-in's admin routes."""
    response = httpx.request(method, f"{url}/_admin/pages{path}", json=body)
    response.raise_for_status()
    return response.json() if response.content else {}


def dbt_build_notion(url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """dbt build of the Notion sources and staging models (and their tests) against `url`."""
    env = {**os.environ, **dbt_env(url)}
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--select",
            "source:notion+",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "dbt_target"),
            "--log-path",
            str(tmp_path / "dbt_logs"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
