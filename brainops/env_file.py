"""One setting read without the settings model: the environment, then the `.env` file Settings reads
(brainops/settings.py), for hot paths that should not import pydantic (a CLI extraction starts ~0.15 s
sooner)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

ENV_FILE = ".env"  # relative to the working directory, as pydantic-settings reads it


def setting(name: str) -> str | None:
    """NAME from the environment, else from `.env` (names are case-insensitive there, as for Settings)."""
    value = os.environ.get(name)
    return value if value is not None else _dotenv().get(name.upper())


@lru_cache(maxsize=1)
def _dotenv() -> dict[str, str | None]:
    path = Path(ENV_FILE)
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {key.upper(): value for key, value in dotenv_values(path).items()}
