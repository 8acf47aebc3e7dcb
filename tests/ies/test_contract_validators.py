"""The contract is checked twice over: every extraction by the compiled validator (fastjsonschema, quick to
start), error messages and tests by the reference one (jsonschema, Draft 2020-12). They must agree on what
breaks the contract, or the quick one would let a result through that the schema forbids."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipelines.ies.extract import extract
from pipelines.ies.result import validate, validation_errors
from tests.ies.handmade import write_xlsx

GRID = [
    ["Operating Statement", None, None],
    [None, "2025", "2024"],
    ["INCOME", None, None],
    ["Rental Income", 1200, 1100],
    ["Total Income", 1200, 1100],
    ["EXPENSES", None, None],
    ["Repairs", 300, 250],
    ["Total Expenses", 300, 250],
    ["Net Operating Income", 900, 850],
]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("contract") / "statement.xlsx"
    write_xlsx(path, {"Statement": GRID})
    result = extract(path, llm=None)
    assert result["status"] == "extracted" and result["line_items"] and result["periods"]
    return result


def _set(path: list[Any], value: Any) -> Callable[[dict], None]:
    def change(result: dict) -> None:
        target = result
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return change


def _drop(key: str) -> Callable[[dict], None]:
    return lambda result: result.pop(key)


BREAKS = {
    "a required field missing": _drop("checks"),
    "a status outside the enum": _set(["status"], "done"),
    "a sha256 that is not 64 hex digits": _set(["sha256"], "abc"),
    "a period end that is not a date": _set(["periods", 0, "end"], "31/12/2024"),
    "a value that is not a number": _set(["line_items", 0, "values", "2025"], "1,200"),
    "a confidence above 1": _set(["line_items", 0, "confidence"], 1.5),
    "a section outside the enum": _set(["line_items", 0, "section"], "revenue"),
    "is_total not a boolean": _set(["line_items", 0, "is_total"], "yes"),
    "a unit multiplier as text": _set(["unit_multiplier"], "1000"),
    "warnings not a list": _set(["warnings"], "none"),
}


def test_both_validators_accept_a_real_extraction(good: dict[str, Any]) -> None:
    assert validation_errors(good) == []
    validate(good)  # no exception


@pytest.mark.parametrize("what", sorted(BREAKS))
def test_both_validators_refuse_the_same_broken_results(good: dict[str, Any], what: str) -> None:
    broken = copy.deepcopy(good)
    BREAKS[what](broken)
    errors = validation_errors(broken)
    assert errors, f"the reference validator let {what} through"
    with pytest.raises(ValueError, match="breaks the IES contract") as raised:
        validate(broken)
    assert errors[0] in str(raised.value)  # the message is the reference validator's wording


def test_the_schema_uses_no_keyword_newer_than_the_compiled_validators_rules() -> None:
    """fastjsonschema implements up to Draft 2019-09; a 2020-12-only keyword would be ignored by it silently."""
    from pipelines.ies.result import schema_path

    text = Path(schema_path()).read_text()
    for keyword in ("prefixItems", "$dynamicRef", "$dynamicAnchor"):
        assert f'"{keyword}"' not in text, keyword
