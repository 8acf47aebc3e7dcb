"""Which part of a document is the income statement.

A lender's packet is rarely the income statement alone: audited financial statements open with a
balance sheet, follow with changes in equity and cash flows, and end with notes; a management pack has
commentary and aging schedules. Each page (or sheet, or the stretch of a page under one title) is
classified by its title first, since every statement names itself, and by the vocabulary of its row
labels when it has no title. Only income statements are read; a packet with several (comparative sets,
consolidated and parent) gives each its own periods.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Kind(StrEnum):
    income = "income statement"
    balance_sheet = "balance sheet"
    cash_flow = "cash flow statement"
    equity = "statement of changes in equity"
    schedule = "supporting schedule"
    notes = "notes"
    report = "report or letter"
    unknown = "unknown"


_S = r"(?:statements?|schedules?)"
_TITLES: list[tuple[Kind, re.Pattern[str]]] = [
    (Kind.cash_flow, re.compile(
        r"\bstatements?\s+of\s+(?:consolidated\s+)?cash\s*flows?\b|\bcash\s*flows?\s+statements?\b"
        r"|^\s*(?:consolidated\s+)?cash\s*flows?\s*$", re.I)),
    (Kind.equity, re.compile(
        r"\bchanges?\s+in\s+(?:[\w']+\s+){0,3}(?:equity|capital|deficiency|deficit|net\s+assets|partners)"
        rf"|\b{_S}\s+of\s+(?:[\w']+\s+){{0,2}}(?:stockholders|shareholders|owners|partners|members)[\u2019']?s?[\u2019']?\s+"
        r"(?:equity|capital|deficiency)", re.I)),
    (Kind.balance_sheet, re.compile(
        rf"\bbalance\s+sheets?\b|\bfinancial\s+position\b|\b{_S}\s+of\s+(?:assets|condition|net\s+assets)\b", re.I)),
    (Kind.schedule, re.compile(
        r"\bcost\s+of\s+goods\s+manufactured\b|\baging\b|\baccounts\s+(?:receivable|payable)\s+(?:aging|detail)"
        r"|\brent\s+roll\b|\bbudget\s+comparison\b", re.I)),
    (Kind.income, re.compile(
        rf"\b{_S}\s+of\s+(?:\w+\s+){{0,2}}(?:income|operations|earnings|(?:profit|income)\s+(?:and|&)\s+loss|"
        r"revenues?\s+(?:and|&)\s+expenses?|comprehensive\s+income|activities)\b"
        r"|\bincome\s+statements?\b|\bprofit\s*(?:and|&|/)\s*loss\b|\bp\s*&\s*l\b|\boperating\s+statements?\b"
        r"|\bincome\s+(?:and|&)\s+expenses?\b|\boperations\s+report\b|\b(?:t-?12|ttm)\b|\btrailing\s+(?:12|twelve)"
        r"|\b(?:12|twelve)[\s-]+months?\b|\boperating\s+results\b",
        re.I)),
    (Kind.notes, re.compile(r"^\s*notes\s+to\s+(?:the\s+)?(?:\w+\s+)?financial\s+statements\b", re.I)),
    (Kind.report, re.compile(
        r"\bindependent\s+auditor|\bauditors?[\u2019']?\s+report\b|\breport\s+of\s+independent|\bmanagement[\u2019']?s\s+"
        r"responsibility|\bdear\s+\w+|\bto\s+the\s+(?:board|stockholders|shareholders|members)\b"
        r"|\btable\s+of\s+contents\b|\bcommentary\b|\bhighlights\b", re.I)),
]
# Lines that mention a statement without being its title: footers and cross-references.
_REFERENCE = re.compile(r"\bsee\s+(?:the\s+)?accompanying\b|\bintegral\s+part\b|\bsee\s+notes?\b|\bpage\s+\d", re.I)

_INCOME_WORDS = re.compile(
    r"\b(revenues?|sales|income|expenses?|costs?\s+of|gross\s+(?:profit|margin)|net\s+(?:income|loss|profit)"
    r"|rent(?:al)?|vacanc|concession|payroll|salar|wages|utilit|repairs?|maintenance|insurance|taxes|"
    r"management\s+fees?|advertising|depreciation|amortization|ebitda|operating)\b", re.I)
_BALANCE_WORDS = re.compile(
    r"\b(assets?|liabilit|receivables?|payables?|inventor|prepaid|equity|retained\s+earnings|capital\s+stock"
    r"|common\s+stock|accumulated|deposits|accrued|notes\s+payable|loans?\s+payable|cash\s+and\s+cash)\b", re.I)
_CASH_WORDS = re.compile(
    r"\b(operating\s+activities|investing\s+activities|financing\s+activities|net\s+(?:increase|decrease)\s+in"
    r"|cash\s+(?:at|,)\s+(?:beginning|end)|proceeds\s+from|payments?\s+(?:of|for)|dividends\s+paid)\b", re.I)


def title_kind(line: str) -> Kind | None:
    """The statement a title line names, or None (a plain line, or a footer that only mentions one)."""
    text = line.strip()
    if not text or _REFERENCE.search(text) or len(text) > 160 or "=" in text:  # "Tree = rp-cashflow": a setting
        return None
    for kind, pattern in _TITLES:
        if pattern.search(text):
            return kind
    return None


_NAMES_A_STATEMENT = re.compile(
    r"\bstatements?\b|\bbalance\s+sheets?\b|\bprofit\s*(?:and|&|/)\s*loss\b|\bp\s*&\s*l\b|\bcash\s*flows?\b"
    r"|\bfinancial\s+position\b|\bt-?12\b|\boperations\s+report\b|\bnotes\s+to\b", re.I)


def starts_statement(line: str) -> Kind | None:
    """A title strong enough to start a new statement in the middle of a page: it names a statement outright
    ("Statements of Income", "Balance Sheet"), not a section that happens to share words with one
    ("Adjustment from non-cash Income & Expenses" inside a cash flow statement)."""
    kind = title_kind(line)
    return kind if kind is not None and _NAMES_A_STATEMENT.search(line) else None


def label_kind(labels: list[str]) -> Kind:
    """What the row labels read like, for a page without a title of its own."""
    income = sum(bool(_INCOME_WORDS.search(label)) for label in labels)
    balance = sum(bool(_BALANCE_WORDS.search(label)) for label in labels)
    cash = sum(bool(_CASH_WORDS.search(label)) for label in labels)
    if cash >= 2 and cash >= income / 3:
        return Kind.cash_flow
    if balance >= 3 and balance > income:
        return Kind.balance_sheet
    if income >= 2:
        return Kind.income
    return Kind.unknown


def classify(title_lines: list[str], labels: list[str]) -> tuple[Kind, str | None]:
    """(kind, the title line that decided it) for one stretch of a document: its title lines (above its
    first row of figures) decide when one names a statement; otherwise its labels."""
    by_labels = label_kind(labels)
    for line in title_lines:
        kind = title_kind(line)
        if kind is not None:
            if kind in (Kind.cash_flow, Kind.balance_sheet) and by_labels == Kind.income and _clearly_income(labels):
                continue  # a title that only seems to name another statement, over rows of income and expense
            return kind, line.strip()
    return by_labels, None


def _clearly_income(labels: list[str]) -> bool:
    income = sum(bool(_INCOME_WORDS.search(label)) for label in labels)
    other = sum(bool(_BALANCE_WORDS.search(label) or _CASH_WORDS.search(label)) for label in labels)
    return income >= 8 and other * 4 <= income
