"""Where the project and its local state live."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """Local state (embedded Postgres, Dagster home, sample data): `.data/` unless BRAINOPS_DATA_DIR says."""
    return Path(os.environ.get("BRAINOPS_DATA_DIR") or PROJECT_ROOT / ".data").resolve()


def sample_dir(scale: int = 1) -> Path:
    """The generated sample business for a scale, unless BRAINOPS_SAMPLE_DIR points elsewhere."""
    override = os.environ.get("BRAINOPS_SAMPLE_DIR")
    return Path(override).resolve() if override else data_dir() / "sample" / f"scale-{scale}"


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or data_dir() / "dagster_home").resolve()


DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"
