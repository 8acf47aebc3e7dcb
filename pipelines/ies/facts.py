"""What a statement says about itself besides its figures: whose it is, what kind, which currency."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from pipelines.ies.numbers import cell_amount
from pipelines.ies.spread import LineItem

_TITLE_WORDS = re.compile(
    r"statement|profit|loss|p&l|income|operating|operations|t-?12|trailing|twelve|month|year|period|fiscal|"
    r"unaudited|prepared|thousands|\$000|amounts|comparative|through|ended|january|continued", re.IGNORECASE)


def statement_type(items: list[LineItem], guessed: str) -> str:
    """business_pnl when it has revenue or cost of sales, property_operating when it has rents."""
    keys = {item.canonical for item in items}
    if keys & {"gross_potential_rent", "vacancy_credit_loss", "concessions"}:
        return "property_operating"
    if keys & {"cost_of_goods_sold", "gross_profit", "revenue"}:
        return "business_pnl"
    return guessed


_CODES = "USD|CAD|EUR|GBP|AUD|NZD|MXN|CHF|PHP|CNY|JPY|INR|SGD|HKD|KRW|ZAR|BRL|SEK|NOK|DKK|IDR|MYR|THB|VND|AED|SAR"
_WORDS = [
    (re.compile(r"\bphilippine\s+pesos?\b|\bphp\b|\bpesos?\b(?=.*philippin)", re.I), "PHP"),
    (re.compile(r"\brenminbi\b|\byuan\b|\brmb\b", re.I), "CNY"),
    (re.compile(r"\bus\s*\$|\bu\.?s\.?\s+dollars?\b|\bus\s+dollars?\b", re.I), "USD"),
    (re.compile(r"\bcanadian\s+dollars?\b|\bc\$", re.I), "CAD"),
    (re.compile(r"\baustralian\s+dollars?\b|\ba\$", re.I), "AUD"),
    (re.compile(r"\bmexican\s+pesos?\b", re.I), "MXN"),
    (re.compile(r"\beuros?\b", re.I), "EUR"),
    (re.compile(r"\bpounds?\s+sterling\b", re.I), "GBP"),
    (re.compile(r"\bjapanese\s+yen\b", re.I), "JPY"),
]
_SIGNS = {"\u20b1": "PHP", "P=": "PHP", "P/": "PHP", "P": "PHP", "Php": "PHP", "PHP": "PHP", "\u20ac": "EUR",
          "\u00a3": "GBP", "RMB": "CNY", "CNY": "CNY", "US$": "USD", "$": "USD", "USD": "USD", "C$": "CAD",
          "A$": "AUD", "HK$": "HKD", "S$": "SGD"}
_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")


def currency(lines: list[str], labels: list[str] | None = None, cells: list[Any] | None = None) -> str:
    """The ISO code of the statement's currency: a code or a currency's name in its title lines, else the sign
    its figures print most ("$", "\u20ac", "\u00a3", the peso's "\u20b1" / "P=", "\u00a5"), else the script of its
    labels (a Chinese ledger keeps yuan, a Japanese one yen); USD when nothing says (the contract's default)."""
    text = " ".join(lines)
    code = re.search(rf"\b({_CODES})\b", text)
    if code:
        return code[1]
    for pattern, iso in _WORDS:
        if pattern.search(text):
            return iso
    marks: Counter[str] = Counter()
    for cell in cells or []:
        if isinstance(cell, str):
            amount = cell_amount(cell)
            if amount is not None and amount.currency:
                marks[amount.currency] += 1
    for sign in ("\u20ac", "\u00a3", "\u20b1"):
        if sign in text:
            marks[sign] += 1
    written = " ".join(labels or [])
    if "\u00a5" in text or marks["\u00a5"] or "\uffe5" in text:
        return "JPY" if _KANA.search(written) else "CNY"
    marks.pop("\u00a5", None)
    if marks:
        sign, _ = marks.most_common(1)[0]
        if sign in _SIGNS and (sign != "P" or marks[sign] >= 2):
            return _SIGNS[sign]
    if _KANA.search(written):
        return "JPY"
    if _HANGUL.search(written):
        return "KRW"
    if _HAN.search(written):
        return "CNY"
    return "USD"


def entity_name(context: list[str]) -> str | None:
    """The first title line that is not the statement's name, its period or a note."""
    for line in context:
        text = line.strip()
        if text and not _TITLE_WORDS.search(text) and re.search(r"[A-Za-z]{3}", text):
            return text
    return None
