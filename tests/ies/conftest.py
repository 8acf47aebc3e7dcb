"""A small generated corpus of IES statements with their truth, extracted once per session."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from brainops.sample.ies_statements import generate_ies
from pipelines.ies.extract import extract

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture(scope="session")
def ies_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ies-corpus")
    generate_ies(out, scale=0.8, seed=5, as_of=AS_OF)  # 40 files: 20 PDF (2 scanned), 12 XLSX, 8 CSV
    return out


@pytest.fixture(scope="session")
def ies_cases(ies_corpus: Path) -> list[tuple[dict, dict]]:
    """(truth, result) for every file of the corpus."""
    cases = []
    for path in sorted((ies_corpus / "truth" / "ies").glob("*.json")):
        truth = json.loads(path.read_text())
        cases.append((truth, extract(ies_corpus / "ies" / truth["file"])))
    return cases
