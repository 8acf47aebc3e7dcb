"""Which rows are subtotals of which, decided by the numbers.

Accountants do not agree on labels ("Total Rental Income", "Rental Income" again under its own heading,
"TOTAL NET INCOME", an unlabelled figure under "Commission and fees"), but a subtotal always equals the
sum of the rows it closes, in every period. Reading top to bottom, each row with figures is tested
against the rows still open above it:

- a plain sum of the last few open rows (a section's total), preferably starting right after a section
  heading, the total's own label echoing that heading, and the longest such run when several fit;
- a signed combination of the last few open rows (gross profit = income - cost of sales; NOI = income -
  expenses; net income = income before tax - tax), for summary rows.

A row so explained closes the rows it sums: they leave the open list and the subtotal takes their
place, so the next total up sums subtotals, not their parts again. Figures are compared as printed
(signs included), within a rounding tolerance that grows with the number of terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product

import numpy as np

MAX_SIGNED_TERMS = 5
MAX_SUM_TERMS = 600

_TOTAL_WORD = re.compile(r"^\s*(total|sub\s*-?\s*total|net|gross)\b|\btotals?\s*$", re.I)
_SUMMARY_WORDS = re.compile(
    r"\b(gross\s+(profit|margin|income)|net|pre-?\s*tax|income\s*(\(loss\))?\s*(before|after|from)|operating\s+(income|profit|"
    r"loss)|operations?\s+income|noi|ebitda|ebidta|ebit|profit|loss|earnings|income\s*/\s*loss|cash\s+flow|"
    r"surplus|deficit|margin|result)\b", re.I)


@dataclass
class Row:
    label: str
    values: list[float | None]  # per period column, as printed (sign included); None where blank
    indent: float | None = None
    bold: bool = False
    heading: bool = False  # a section heading (no figures), as opposed to an item that printed blanks

    @property
    def has_figures(self) -> bool:
        return any(v is not None for v in self.values)


@dataclass(frozen=True)
class Made:
    """How a subtotal row is made: the rows it combines, with their signs."""

    parts: tuple[int, ...]
    signs: tuple[int, ...]
    kind: str  # "sum" or "signed"

    @property
    def is_sum(self) -> bool:
        return self.kind == "sum"


@dataclass
class Structure:
    made: dict[int, Made] = field(default_factory=dict)  # row -> how it is made
    parent: dict[int, int] = field(default_factory=dict)  # row -> the subtotal that closed it
    open_rows: list[int] = field(default_factory=list)  # rows no subtotal closed, in order

    def is_subtotal(self, row: int) -> bool:
        return row in self.made

    def leaves(self, row: int) -> list[int]:
        """The item rows under a subtotal (itself when it is an item)."""
        made = self.made.get(row)
        if made is None:
            return [row]
        return [leaf for part in made.parts for leaf in self.leaves(part)]

    def section_of(self, row: int) -> int:
        """The topmost plain-sum subtotal a row belongs to (itself when none closes it)."""
        top = row
        while top in self.parent and self.made[self.parent[top]].is_sum:
            top = self.parent[top]
        return top


def unit(rows: list[Row]) -> float:
    """The rounding unit of the printed figures: 0.01 when any prints cents, else 1."""
    cents = any(v is not None and abs(v * 100 - round(v * 100)) < 1e-6 and abs(v - round(v)) > 1e-9
                for row in rows for v in row.values)
    return 0.01 if cents else 1.0


def tolerance(unit_: float, terms: int) -> float:
    """A printed figure is rounded to its last digit; sums may drift by a unit per few terms."""
    return unit_ * max(1.0, min(terms / 2, 4.0)) + 1e-6


def matches(total: list[float | None], combined: list[float], terms: int, unit_: float) -> bool:
    """The combination equals the printed total in every period (blanks count as zero), and the total is
    not zero everywhere (zeros match anything)."""
    tol = tolerance(unit_, terms)
    if not any(v for v in total):
        return False
    return all(abs((t or 0.0) - c) <= tol for t, c in zip(total, combined, strict=True))


def _norm(label: str) -> str:
    from pipelines.ies.labels import normalize  # abbreviations spelled out: "Total OpEx" closes "Operating Expenses"

    text = normalize(label)
    return re.sub(r"^\s*(total|sub\s*total)\s+", "", text).strip()


def echoes(total_label: str, heading_label: str) -> bool:
    """'Total Rental Income' (or 'Rental Income' again) closes the section headed 'Rental Income'."""
    a, b = _norm(total_label), _norm(heading_label)
    return bool(a) and bool(b) and (a == b or a.startswith(b) or b.startswith(a))


def build(rows: list[Row]) -> Structure:
    """Find every row that sums (or nets) the open rows above it; see the module docstring."""
    unit_ = unit(rows)
    width = max((len(r.values) for r in rows), default=0)
    structure = Structure()
    open_rows: list[int] = []
    headings: list[int] = []  # heading rows, in order
    for index, row in enumerate(rows):
        if not row.has_figures:
            if row.heading:
                headings.append(index)
            continue
        made = (_as_sum(rows, index, open_rows, headings, unit_, width)
                or _as_signed(rows, index, open_rows, unit_, width, structure.made)
                or _as_zero_total(rows, index, open_rows, headings))
        if made is None:
            open_rows.append(index)
            continue
        structure.made[index] = made
        for part in made.parts:
            structure.parent[part] = index
        open_rows = [r for r in open_rows if r not in made.parts] + [index]
    structure.open_rows = open_rows
    return structure


def _values(row: Row, width: int) -> list[float]:
    return [(v or 0.0) for v in row.values] + [0.0] * (width - len(row.values))


def _as_sum(rows: list[Row], index: int, open_rows: list[int], headings: list[int], unit_: float,
            width: int) -> Made | None:
    row = rows[index]
    if not open_rows:
        return None
    total_like = (bool(_TOTAL_WORD.search(row.label) or _SUMMARY_WORDS.search(row.label)) or row.bold
                  or not row.label.strip())
    echoed = any(echoes(row.label, rows[h].label) for h in headings)
    # A row that does not say it is a total ("Landscaping 70" under "Salaries 65" and "Pest Control 4", in
    # thousands) may equal a run above it by chance: only two periods or more of sizeable figures agreeing
    # exactly (to the rounding unit) make that evidence.
    strict = not (total_like or echoed)
    if strict and sum(1 for v in row.values if v and abs(v) >= 20 * unit_) < 2:
        return None
    candidates = open_rows[-MAX_SUM_TERMS:]
    # Every suffix sum at once: row k of `suffix` sums candidates[k:] (numpy: long T-12s have 400+ rows).
    block = np.array([_values(rows[r], width) for r in candidates], dtype=float)
    suffix = np.cumsum(block[::-1], axis=0)[::-1]
    target = np.array(_values(row, width))
    if not target.any():
        return None
    terms = np.arange(len(candidates), 0, -1)
    tol = unit_ * (np.ones(len(candidates)) if strict else np.clip(terms / 2, 1.0, 4.0)) + 1e-6
    hits = np.nonzero((np.abs(suffix - target) <= tol[:, None]).all(axis=1))[0]
    fits: list[tuple[float, int]] = []
    offset = len(open_rows) - len(candidates)
    for k in hits:
        start = offset + int(k)
        count = len(open_rows) - start
        if count == 1 and not (total_like or echoed):
            continue  # a row equal to the one above it is a total only when it says so
        previous = open_rows[start - 1] if start > 0 else -1
        boundary = [h for h in headings if previous < h < open_rows[start]]
        score = count / 1000  # longer runs win ties
        if boundary:
            score += 2.0
            if any(echoes(row.label, rows[h].label) for h in boundary):
                score += 3.0
        if start == 0:
            score += 0.5  # everything above it
        fits.append((score, start))
    if not fits:
        return None
    _, start = max(fits)
    parts = tuple(open_rows[start:])
    return Made(parts, (1,) * len(parts), "sum")


def _as_zero_total(rows: list[Row], index: int, open_rows: list[int], headings: list[int]) -> Made | None:
    """A total printing zero closes its section when every row since the section's heading is zero too
    (a section with no activity this year): zeros match any sum, so only the heading can say where it starts."""
    row = rows[index]
    if any(row.values) or not (_TOTAL_WORD.search(row.label) or any(echoes(row.label, rows[h].label)
                                                                     for h in headings)):
        return None
    heading = max((h for h in headings if h < index), default=None)
    parts = tuple(r for r in open_rows if heading is not None and r > heading)
    if not parts or any(any(rows[r].values) for r in parts):
        return None
    return Made(parts, (1,) * len(parts), "sum")


def _as_signed(rows: list[Row], index: int, open_rows: list[int], unit_: float, width: int,
               made: dict[int, Made]) -> Made | None:
    row = rows[index]
    # Only a row that says it is a summary ("Gross profit", "Pre-tax income") nets rows above it: small figures
    # (a statement in thousands) equal some signed run of their neighbours by chance.
    if not (_SUMMARY_WORDS.search(row.label) or row.bold or not row.label.strip()):
        return None
    # Rows printing zero in every period change no sum: they are left out of the search (and out of the parts).
    live = [r for r in open_rows if any(rows[r].values)]
    found = _signed_run(rows, row, live, unit_, width)
    if found is None:
        # A summary row nothing explains (a repeated "TOTAL NET INCOME" with other figures) may stand between
        # the rows a later summary nets: try again without such rows.
        trusted = [r for r in live if r in made or not (_SUMMARY_WORDS.search(rows[r].label)
                                                         and _TOTAL_WORD.search(rows[r].label))]
        if trusted != live:
            found = _signed_run(rows, row, trusted, unit_, width)
    return found


def _signed_run(rows: list[Row], row: Row, live: list[int], unit_: float, width: int) -> Made | None:
    for terms in range(2, min(MAX_SIGNED_TERMS, len(live)) + 1):
        parts = live[-terms:]
        vectors = [_values(rows[p], width) for p in parts]
        for signs in product((1, -1), repeat=terms - 1):
            full = (1, *signs)
            if all(s == 1 for s in full):
                continue  # a plain sum was tried already
            combined = [sum(s * v[k] for s, v in zip(full, vectors, strict=True)) for k in range(width)]
            if matches(row.values, combined, terms, unit_):
                return Made(tuple(parts), full, "signed")
    return None
