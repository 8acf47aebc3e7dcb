"""The dbt project and CLI resource; dbt's connection comes from the warehouse URL."""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from brainops.paths import DBT_PROJECT_DIR
from brainops.warehouse.connection import dbt_env


@cache
def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    if project.manifest_path.exists():
        project.prepare_if_dev()
    else:
        # A fresh clone has no manifest yet: parse once (a few seconds, no database needed).
        project.preparer.prepare(project)
    return project


def export_dbt_env(url: str) -> None:
    os.environ.update(dbt_env(url))


def dbt_resource() -> DbtCliResource:
    # dbt is installed beside this interpreter; it need not be on PATH.
    executable = Path(sys.executable).parent / "dbt"
    return DbtCliResource(
        project_dir=dbt_project(),
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=str(executable) if executable.exists() else "dbt",
    )
