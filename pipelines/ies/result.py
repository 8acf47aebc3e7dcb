"""The contract JSON (pipelines/ies/contract/ies_result.schema.json): assembling it, judging its status,
and validating it against the schema."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

LOW_CONFIDENCE = 0.5


CONTRACT_DIR = Path(__file__).parent / "contract"


def schema_path() -> Path:
    """The contract's JSON Schema, shipped with the package (vendored from the team's shared contracts)."""
    return CONTRACT_DIR / "ies_result.schema.json"


@cache
def _schema() -> dict[str, Any]:
    return json.loads(schema_path().read_text())


@cache
def _validator() -> Any:
    """The reference validator (jsonschema, Draft 2020-12): every error, as sentences. Imported when needed."""
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(_schema(), format_checker=FormatChecker())


@cache
def _fast_check() -> Any:
    """The same schema compiled to Python (fastjsonschema, its 2019-09 rules: the schema uses nothing newer).
    Every extraction is checked with it: it starts in ~0.04 s where jsonschema's import takes ~0.1 s, which a
    one-document CLI run pays. tests/ies/test_contract_validators.py holds the two to the same verdicts."""
    import fastjsonschema

    return fastjsonschema.compile(_schema())


def validation_errors(result: dict[str, Any]) -> list[str]:
    """Schema violations as readable sentences ('' when valid)."""
    return [f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
            for error in _validator().iter_errors(result)]


def validate(result: dict[str, Any]) -> None:
    import fastjsonschema

    try:
        _fast_check()(result)
    except fastjsonschema.JsonSchemaValueException as exc:
        errors = validation_errors(result) or [str(exc)]  # the reference validator words every error
        raise ValueError("The extraction result breaks the IES contract: " + "; ".join(errors[:5])) from None


def base_result(*, document_id: str, source_file: str, sha256: str) -> dict[str, Any]:
    return {
        "document_id": document_id, "source_file": source_file, "sha256": sha256, "status": "failed",
        "error": None, "entity_name": None, "statement_type": "unknown", "currency": "USD", "unit_multiplier": 1,
        "periods": [], "line_items": [], "totals": {}, "checks": [], "method": "layout", "warnings": [],
    }


def failed(result: dict[str, Any], reason: str) -> dict[str, Any]:
    return {**result, "status": "failed", "error": reason}


def judge(checks: list[dict], line_items: list[dict], unknown_labels: list[str]) -> tuple[str, list[str]]:
    """extracted when every tie-out passed and every figure is mapped with confidence; else needs_review."""
    reasons = []
    failed_checks = [c for c in checks if not c["passed"]]
    if failed_checks:
        names = sorted({f"{c['name']} ({c['period']})" for c in failed_checks})
        reasons.append(f"Tie-out failed: {', '.join(names[:8])}{' and more' if len(names) > 8 else ''}.")
    if not checks:
        reasons.append("No printed totals to tie out against; check the figures by hand.")
    if unknown_labels:
        reasons.append(f"{len(unknown_labels)} row(s) could not be mapped to the chart of accounts: "
                       f"{', '.join(repr(label) for label in unknown_labels[:5])}.")
    low = [i for i in line_items if i["confidence"] < LOW_CONFIDENCE and i["label"] not in unknown_labels]
    if low:
        reasons.append(f"{len(low)} row(s) read with low confidence: "
                       f"{', '.join(repr(i['label']) for i in low[:5])}.")
    return ("needs_review" if reasons else "extracted"), reasons
