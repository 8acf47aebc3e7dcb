"""Accuracy against the sample generator's truth (brainops/sample/ies_statements.py): per canonical
key and period, the printed total row if there is one, else the sum of its rows, on both sides."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def canonical_values(result: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Key -> period -> amount, the way the truth aggregates printed rows."""
    totals: dict[str, dict[str, float]] = {}
    sums: dict[str, dict[str, float]] = {}
    for item in result["line_items"]:
        if item["canonical"] is None:
            continue
        if item["is_total"]:
            totals[item["canonical"]] = dict(item["values"])  # the last printed total wins
        else:
            bucket = sums.setdefault(item["canonical"], {})
            for period, value in item["values"].items():
                bucket[period] = bucket.get(period, 0.0) + value
    return {**sums, **totals}


@dataclass
class Score:
    matched: int = 0
    total: int = 0
    misses: list[tuple[str, str, float, float | None]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.matched / self.total if self.total else 1.0

    def add(self, other: Score) -> None:
        self.matched += other.matched
        self.total += other.total
        self.misses += other.misses


def period_keys(result: dict[str, Any], truth: dict[str, Any]) -> dict[str, str]:
    """Truth period key -> the result's key for the same printed column. They differ only where the document
    does not say what the result's key needs (a fiscal year end: 'FY 2025' with no month; the result assumes
    December and warns): the column, and so every figure under it, is still the same."""
    by_label = {" ".join(p["label"].split()): p["key"] for p in result.get("periods") or []}
    keys = {p["key"] for p in result.get("periods") or []}
    out = {}
    for period in truth["periods"]:
        label = " ".join(period["label"].split())
        out[period["key"]] = period["key"] if period["key"] in keys else by_label.get(label, period["key"])
    return out


def score(result: dict[str, Any], truth: dict[str, Any]) -> Score:
    """Truth (key, period) values found within half a printed unit (a unit is $1,000 in thousands)."""
    tolerance = 0.5 * truth.get("unit_multiplier", 1) + 1e-6
    found = canonical_values(result)
    keys = period_keys(result, truth)
    out = Score()
    for key, by_period in truth["values"].items():
        for period, expected in by_period.items():
            out.total += 1
            actual = found.get(key, {}).get(keys.get(period, period))
            if actual is not None and abs(actual - expected) <= tolerance:
                out.matched += 1
            else:
                out.misses.append((key, period, expected, actual))
    return out


HEADLINE = ("total_income", "total_operating_expenses", "net_operating_income")
_SECTION_OF_TOTAL = {"total_income": "income", "total_operating_expenses": "operating_expense",
                     "cost_of_goods_sold": "cost_of_sales"}


def headline_truth(truth: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The headline figures a lender reads (total income, total operating expenses, NOI per period), from the
    truth: the printed total where the statement prints one, else what its rows give (NOI = income - cost
    of sales - expenses), as the contract's `totals` are defined."""
    values = truth["values"]
    out: dict[str, dict[str, float]] = {}
    sections = {key: _section_sums(truth, section) for key, section in _SECTION_OF_TOTAL.items()}
    for period in (p["key"] for p in truth["periods"]):
        figures = {key: values.get(key, {}).get(period, sections[key].get(period)) for key in _SECTION_OF_TOTAL}
        noi = values.get("net_operating_income", {}).get(period)
        if noi is None and figures["total_income"] is not None and figures["total_operating_expenses"] is not None:
            noi = figures["total_income"] - (figures["cost_of_goods_sold"] or 0) - figures["total_operating_expenses"]
        figures["net_operating_income"] = noi
        for key in HEADLINE:
            if figures[key] is not None:
                out.setdefault(key, {})[period] = figures[key]
    return out


def _section_sums(truth: dict[str, Any], section: str) -> dict[str, float]:
    sums: dict[str, float] = {}
    for row in truth["rows"]:
        if row["section"] == section and not row["is_total"]:
            for period, value in row["values"].items():
                sums[period] = sums.get(period, 0.0) + value
    return sums


def headline_score(result: dict[str, Any], truth: dict[str, Any]) -> Score:
    """The contract's `totals` against headline_truth, within half a printed unit per figure."""
    tolerance = 0.5 * truth.get("unit_multiplier", 1) + 1e-6
    keys = period_keys(result, truth)
    out = Score()
    for key, by_period in headline_truth(truth).items():
        for period, expected in by_period.items():
            out.total += 1
            actual = (result["totals"].get(keys.get(period, period)) or {}).get(key)
            if actual is not None and abs(actual - expected) <= tolerance:
                out.matched += 1
            else:
                out.misses.append((key, period, expected, actual))
    return out


def mapping_score(result: dict[str, Any], truth: dict[str, Any]) -> Score:
    """Printed rows mapped onto the canonical key the truth gives them (a row the extractor did not find
    at all counts as wrong). Rows pair up by their printed label, in order."""
    items: dict[str, list[dict[str, Any]]] = {}
    for item in result["line_items"]:
        items.setdefault(" ".join(item["label"].split()).lower(), []).append(item)
    out = Score()
    for row in truth["rows"]:
        out.total += 1
        found = items.get(" ".join(row["label"].split()).lower())
        item = found.pop(0) if found else None
        if item is not None and item["canonical"] == row["canonical"]:
            out.matched += 1
        else:
            out.misses.append((row["label"], str(row["canonical"]), 0.0, None))
    return out


def uncited(result: dict[str, Any], kind: str) -> list[str]:
    """Labels of line items that do not say where they were read: page + bbox in a PDF, sheet + row in an
    XLSX, row in a CSV (`kind` is the file's format)."""
    bad = []
    for item in result["line_items"]:
        source = item.get("source") or {}
        if kind == "pdf":
            cited = source.get("page") is not None and len(source.get("bbox") or []) == 4
        else:
            cited = source.get("row") is not None and (kind == "csv" or bool(source.get("sheet")))
        if not cited:
            bad.append(item["label"])
    return bad
