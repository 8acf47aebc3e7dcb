"""RawTable → line items: figures parsed per period column, headings tracked as sections, labels
mapped through the mapper chain, signs normalised, the unit multiplier applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipelines.ies.labels import (
    LabelContext,
    MapperChain,
    classify_heading,
    is_heading_wording,
    normalize,
    says_less,
)
from pipelines.ies.numbers import cell_amount
from pipelines.ies.periods import Period
from pipelines.ies.signs import chart_sign
from pipelines.ies.table import RawTable

# After these rows, the next rows belong to no section until a heading says (None), or to below NOI.
_REGION_AFTER = {"total_income": None, "gross_profit": None, "total_operating_expenses": None,
                 "net_operating_income": "below_noi", "net_income": None}


@dataclass
class LineItem:
    label: str
    canonical: str | None
    section: str
    values: dict[str, float]
    is_total: bool
    confidence: float
    source: dict[str, Any]
    known: bool = True  # some mapper recognised the label
    mapper: str = "dictionary"
    effect: int = -1  # below NOI: +1 adds to the bottom line (income), -1 takes from it (expenses)
    row: int = -1  # its index in the table's rows

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label, "canonical": self.canonical, "section": self.section, "values": self.values,
                "is_total": self.is_total, "confidence": round(self.confidence, 3), "source": self.source}


@dataclass
class Spread:
    items: list[LineItem]
    periods: list[Period]
    multiplier: int
    decimals: int  # most digits printed after the point in any figure (2 for cents)
    statement_type: str
    warnings: list[str] = field(default_factory=list)


def guess_statement_type(labels: list[str]) -> str:
    """A business P&L has cost of sales or gross profit; a property statement has rents and vacancy."""
    words = " | ".join(normalize(label) for label in labels)
    if any(w in words for w in ("gross profit", "gross margin", "cost of goods sold", "cost of sales",
                                "direct job costs", "cost of revenue")):
        return "business_pnl"
    if any(w in words for w in ("rent", "vacancy", "effective gross income", "net operating income",
                                "concession", "real estate taxes")):
        return "property_operating"
    return "unknown"


def build_spread(table: RawTable, columns: list[Period | None], chain: MapperChain, multiplier: int) -> Spread:
    kind = guess_statement_type([row.label for row in table.rows])
    section: str | None = None
    flip_heading = False
    items: list[LineItem] = []
    warnings: list[str] = []
    decimals = 0
    for row_index, row in enumerate(table.rows):
        printed: dict[str, float] = {}
        odd: list[str] = []
        for cell, period in zip(row.cells, columns, strict=True):
            if period is None or cell is None or str(cell).strip() == "":
                continue
            amount = cell_amount(cell)
            if amount is None or amount.percent:
                odd.append(str(cell))
                continue
            printed[period.key] = amount.value
            decimals = max(decimals, min(amount.decimals, 2))
        context = LabelContext(section, kind)
        if not printed and not odd:
            opened = classify_heading(row.label) if row.label else None
            match = None if is_heading_wording(row.label) or not row.label else chain.map(row.label, context)
            if match and match.canonical and not match.is_total and match.confidence >= 0.9:
                printed = {}  # an item whose zeros print as blanks: zero in every period
            else:
                if opened:
                    section, flip_heading = opened, _is_income_expense(row.label)
                continue
        match = chain.map(row.label, context)
        keys = [p.key for p in columns if p is not None]
        printed = {key: printed.get(key, 0.0) for key in keys}  # blanks are zeros on a row with figures
        sign = chart_sign(match.canonical, printed, says_less=says_less(row.label),
                          income_expense_heading=flip_heading)
        values = {k: _full(v * sign, multiplier) for k, v in printed.items()}
        confidence = match.confidence if not odd else min(match.confidence, 0.5)
        if odd:
            warnings.append(f"Row '{row.label}': {', '.join(odd)} could not be read as amounts.")
        section_out = match.section if match.canonical else (match.section if match.known else section or "other")
        effect = +1 if section_out == "income" or (not match.canonical and flip_heading) else -1
        items.append(LineItem(row.label, match.canonical, section_out, values, match.is_total, confidence,
                              row.source, match.known, match.mapper, effect, row_index))
        if match.canonical in _REGION_AFTER:
            section = _REGION_AFTER[match.canonical]
            flip_heading = False if section is None else flip_heading
    return Spread(items, [p for p in columns if p is not None], multiplier, decimals, kind, warnings)


def _is_income_expense(label: str) -> bool:
    text = normalize(label)
    return "income" in text and "expenses" in text


def _full(value: float, multiplier: int) -> float:
    return round(value * multiplier, 2) + 0.0  # + 0.0: no "-0.0" in the JSON


def infer_ytd_months(spread: Spread) -> None:
    """A year-to-date column whose month the statement never states ("2026 YTD"): infer how many
    months it covers from steady rows (debt service, depreciation, rents, fees run about 1/12 of the
    last full year per month) as the month count most rows agree on, and say so in a warning."""
    from pipelines.ies.periods import year_to_date

    annual = [p for p in spread.periods if p.months == 12 and p.end]
    for index, period in enumerate(spread.periods):
        if period.months is not None or not period.key.startswith("YTD-"):
            continue
        last = max(annual, key=lambda p: p.end) if annual else None
        ratios = sorted(12 * item.values[period.key] / item.values[last.key] for item in spread.items
                        if last and not item.is_total and item.canonical and item.values[last.key] > 0
                        and item.values[period.key] > 0)
        if last is None or len(ratios) < 3:
            spread.warnings.append(f"Column '{period.label}' is year to date but does not say through which month; "
                                   "confirm the period.")
            continue
        middle = ratios[len(ratios) // 2]
        months = max(range(1, 12), key=lambda m: (sum(abs(r / m - 1) < 0.04 for r in ratios), -abs(middle - m)))
        resolved = year_to_date(period.start.year if period.start else last.end.year + 1, months, period.label)
        spread.periods[index] = resolved
        for item in spread.items:
            item.values = {resolved.key if k == period.key else k: v for k, v in item.values.items()}
        spread.warnings.append(f"Column '{period.label}' does not say through which month it runs; {months} months "
                               f"(through {resolved.end:%B}) were inferred from steady rows against {last.label}. "
                               "Confirm the period.")
