"""Settings read on hot paths without the settings model: the environment first, then `.env`, exactly as
Settings reads them (so an IES limit set in .env applies to a CLI extraction too)."""

from __future__ import annotations

from pathlib import Path

import pytest

from brainops import env_file
from brainops.settings import Settings
from pipelines.ies.limits import max_pages, timeout_seconds


@pytest.fixture
def dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("IES_MAX_PAGES", "IES_DOCUMENT_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    env_file._dotenv.cache_clear()
    yield tmp_path / ".env"
    env_file._dotenv.cache_clear()


def test_dotenv_values_apply_as_settings_read_them(dotenv: Path) -> None:
    dotenv.write_text("ies_max_pages=7\nIES_DOCUMENT_TIMEOUT_SECONDS='30'\n")
    assert max_pages() == 7 and timeout_seconds() == 30
    assert Settings().ies_max_pages == "7"  # the same file, the same answer


def test_the_environment_wins_over_dotenv(dotenv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dotenv.write_text("IES_MAX_PAGES=7\n")
    monkeypatch.setenv("IES_MAX_PAGES", "9")
    assert max_pages() == 9


def test_without_either_the_defaults_hold(dotenv: Path) -> None:
    assert max_pages() == 100 and timeout_seconds() == 120


def test_a_bad_value_in_dotenv_says_which_variable(dotenv: Path) -> None:
    dotenv.write_text("IES_MAX_PAGES=many\n")
    with pytest.raises(ValueError, match="IES_MAX_PAGES='many' is not a number"):
        max_pages()
