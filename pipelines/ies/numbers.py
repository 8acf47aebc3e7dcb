"""Printed amounts → numbers: (1,234), -1,234 and 1,234- negatives, $ signs, dashes for zero,
raw -1234.5 from CSV exports, and percentages (so a "% of Income" column is recognised as one)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DASHES = "-\u2013\u2014\u2212"  # hyphen, en dash, em dash, minus sign
# What prints before a figure: a currency sign or code. "P=" is how a text layer gives the peso sign (a P
# struck through twice), "P/" or a bare "P" how OCR reads it.
CURRENCY_PREFIX = r"(?:US\$|C\$|A\$|HK\$|S\$|\$|P=|P/|P|\u20b1|Php|PHP|RMB|CNY|USD|EUR|GBP|\u00a5|\uffe5|\u20ac|\u00a3)"
_AMOUNT = re.compile(
    rf"""^
    (?P<lead>[{_DASHES}])?\s*(?P<cur1>{CURRENCY_PREFIX})?\s*
    (?P<open>\()?\s*(?P<cur2>{CURRENCY_PREFIX})?\s*
    (?P<body>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
    \s*(?P<pct>%)?\s*(?P<close>\))?
    (?P<trail>[{_DASHES}])?
    $""",
    re.VERBOSE,
)
_ZERO = re.compile(rf"^(?:{CURRENCY_PREFIX})?\s*\(?[{_DASHES}]+\)?$")
_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass(frozen=True)
class Amount:
    value: float
    decimals: int  # digits printed after the point: 2 for cents
    percent: bool = False
    currency: str | None = None  # the sign or code printed before it ("$", "P=", "\u20ac")


def parse_amount(text: str) -> Amount | None:
    """The number a cell prints, or None when the text is not an amount (words, dates, blanks)."""
    text = text.strip().replace("\u00a0", " ")
    if not text:
        return None
    if _ZERO.match(text):
        return Amount(0.0, 0)
    match = _AMOUNT.match(text)
    if not match:
        return None
    if bool(match["open"]) != bool(match["close"]):
        return None
    negative = bool(match["lead"]) + bool(match["open"]) + bool(match["trail"])
    if negative > 1:  # "-(1,234)" or "(1,234)-": not a way anyone prints an amount
        return None
    body = match["body"]
    decimals = len(body.split(".")[1]) if "." in body else 0
    value = float(body.replace(",", ""))
    return Amount(-value if negative else value, decimals, bool(match["pct"]), match["cur1"] or match["cur2"])


def is_bare_year(text: str) -> bool:
    """1900-2099 printed without separators: a year in a heading, hardly ever an amount in a statement."""
    return bool(_YEAR.match(text.strip()))


def cell_amount(cell: str | float | int | None) -> Amount | None:
    """A spreadsheet cell (a number, or a figure stored as text) as an amount."""
    if cell is None or isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        value = float(cell)
        decimals = 0 if value == int(value) else 2
        return Amount(value, decimals)
    return parse_amount(str(cell))


_THOUSANDS = re.compile(r"in\s+thousands|\$\s*000s?\b|\(000'?s?\)|in\s+000'?s|000'?s\s+omitted|\bin\s+\$?k\b",
                        re.IGNORECASE)
_MILLIONS = re.compile(r"in\s+millions|\$\s*mm?\b|\(mm\)|000,000'?s", re.IGNORECASE)


def unit_multiplier(lines: list[str]) -> int:
    """1000 when the statement says its figures are in thousands ("(in thousands)", "$000s"), and so on."""
    text = " ".join(lines)
    if _MILLIONS.search(text):
        return 1_000_000
    if _THOUSANDS.search(text):
        return 1000
    return 1
