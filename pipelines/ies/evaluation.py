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


def score(result: dict[str, Any], truth: dict[str, Any]) -> Score:
    """Truth (key, period) values found within half a printed unit (a unit is $1,000 in thousands)."""
    tolerance = 0.5 * truth.get("unit_multiplier", 1) + 1e-6
    found = canonical_values(result)
    out = Score()
    for key, by_period in truth["values"].items():
        for period, expected in by_period.items():
            out.total += 1
            actual = found.get(key, {}).get(period)
            if actual is not None and abs(actual - expected) <= tolerance:
                out.matched += 1
            else:
                out.misses.append((key, period, expected, actual))
    return out
