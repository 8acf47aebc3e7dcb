"""The dbt project and CLI resource; dbt's connection comes from the warehouse URL."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import cache
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from brainops.paths import DBT_PROJECT_DIR
from brainops.warehouse.connection import dbt_env


def dbt_executable() -> str:
    # dbt is installed beside this interpreter; it need not be on PATH.
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def parse_dbt_project() -> None:
    """Write dbt/target/manifest.json (a few seconds, no database needed)."""
    result = subprocess.run(
        [
            dbt_executable(),
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"`dbt parse` failed; fix the dbt project:\n{result.stdout}\n{result.stderr}")


@cache
def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    if not project.manifest_path.exists():
        parse_dbt_project()  # a fresh clone has no manifest yet
    return project


def export_dbt_env(url: str) -> None:
    os.environ.update(dbt_env(url))


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project(), profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable())
