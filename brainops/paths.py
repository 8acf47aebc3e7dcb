"""Where the project and its local state live."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """Local state (embedded Postgres, Dagster home, sample data): `.data/` unless BRAINOPS_DATA_DIR says."""
    return Path(os.environ.get("BRAINOPS_DATA_DIR") or PROJECT_ROOT / ".data").resolve()


def sample_dir(scale: float | None = None) -> Path:
    """The generated sample business for a scale (default SAMPLE_SCALE, else 1), unless BRAINOPS_SAMPLE_DIR
    points elsewhere."""
    override = os.environ.get("BRAINOPS_SAMPLE_DIR")
    if scale is None:
        scale = float(os.environ.get("SAMPLE_SCALE") or 1)
    return Path(override).resolve() if override else data_dir() / "sample" / f"scale-{scale:g}"


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or data_dir() / "dagster_home").resolve()


DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"
