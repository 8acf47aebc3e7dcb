"""Tie-outs per period: printed totals against the sum of their rows, gross profit, NOI and net
income against the chart's arithmetic, a T-12's total column against its months; and the headline
totals, read where printed and derived where the rows allow.

Tolerance: a printed figure is rounded to its last digit, so sums may drift by a unit per few rows;
a typist's transposition moves a figure by at least 9 units. The tolerance sits between: 1-4 printed
units (a unit is $1, 1 cent when cents are printed, $1,000 in a statement in thousands)."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.ies.chart import SECTION_TOTAL
from pipelines.ies.spread import LineItem, Spread

_TOTAL_OF_SECTION = {v: k for k, v in SECTION_TOTAL.items()}


@dataclass
class Check:
    name: str
    period: str
    passed: bool
    expected: float | None
    actual: float | None
    detail: str = ""

    def as_json(self) -> dict:
        return {"name": self.name, "period": self.period, "passed": self.passed,
                "expected": _round(self.expected), "actual": _round(self.actual)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2) + 0.0


def tolerance(spread: Spread, terms: int) -> float:
    unit = spread.multiplier / 10**spread.decimals
    return unit * max(1.0, min(terms / 2, 4.0)) + 1e-6


def _printed_total(items: list[LineItem], key: str) -> LineItem | None:
    """The last total row printed for a key (a T-12's grand total sits below its subtotals)."""
    rows = [item for item in items if item.canonical == key and item.is_total]
    return rows[-1] if rows else None


def _components(items: list[LineItem], total: LineItem, section: str) -> list[LineItem]:
    """Non-total rows of a section printed above its total, up to the previous total of that section."""
    end = items.index(total)
    parts: list[LineItem] = []
    for item in reversed(items[:end]):
        if item.is_total and item.section == section and item.canonical in (SECTION_TOTAL[section], None):
            break
        if item.section == section and not item.is_total:
            parts.append(item)
    return parts


def run_checks(spread: Spread) -> tuple[list[Check], dict[str, dict]]:
    items, checks, totals = spread.items, [], {}
    for period in spread.periods:
        key = period.key
        value = {}
        for section, total_key in SECTION_TOTAL.items():
            printed = _printed_total(items, total_key)
            parts = _components(items, printed, section) if printed else [
                i for i in items if i.section == section and not i.is_total]
            if printed and parts:
                expected, actual = sum(p.values[key] for p in parts), printed.values[key]
                ok = abs(expected - actual) <= tolerance(spread, len(parts))
                checks.append(Check(total_key, key, ok, expected, actual))
            value[total_key] = printed.values[key] if printed else (
                sum(p.values[key] for p in parts) if parts else None)
        income, cogs, opex = value["total_income"], value["cost_of_goods_sold"], value["total_operating_expenses"]
        gross = _printed_total(items, "gross_profit")
        if gross and income is not None and cogs is not None:
            expected = income - cogs
            checks.append(Check("gross_profit", key, abs(expected - gross.values[key]) <= tolerance(spread, 2),
                                expected, gross.values[key]))
        noi_row = _printed_total(items, "net_operating_income")
        derived_noi = income - (cogs or 0.0) - opex if income is not None and opex is not None else None
        if noi_row and derived_noi is not None:
            checks.append(Check("net_operating_income", key,
                                abs(derived_noi - noi_row.values[key]) <= tolerance(spread, 3),
                                derived_noi, noi_row.values[key]))
        noi = noi_row.values[key] if noi_row else derived_noi
        below = _below_noi(items, noi_row)
        net_row = _printed_total(items, "net_income")
        derived_net = noi + sum(i.effect * i.values[key] for i in below) if noi is not None else None
        if net_row and derived_net is not None:
            checks.append(Check("net_income", key, abs(derived_net - net_row.values[key]) <= tolerance(
                spread, len(below) + 1), derived_net, net_row.values[key]))
        debt = [i for i in items if i.canonical == "debt_service" and not i.is_total]
        totals[key] = {
            "total_income": _round(income), "cost_of_goods_sold": _round(cogs),
            "total_operating_expenses": _round(opex), "net_operating_income": _round(noi),
            "debt_service": _round(sum(i.values[key] for i in debt)) if debt else None,
            "net_income": _round(net_row.values[key] if net_row else (derived_net if below else None)),
        }
    checks += _t12_checks(spread)
    return checks, totals


def _below_noi(items: list[LineItem], noi_row: LineItem | None) -> list[LineItem]:
    if noi_row is None:
        return [i for i in items if i.section == "below_noi" and not i.is_total]
    start = items.index(noi_row) + 1
    return [i for i in items[start:] if not i.is_total and i.section in ("below_noi", "income", "other")]


def _t12_checks(spread: Spread) -> list[Check]:
    """Each row's total column against the sum of its months (reported once per total column)."""
    checks = []
    months = [p.key for p in spread.periods if p.months == 1]
    for total in (p for p in spread.periods if p.months and p.months > 1 and len(months) == p.months):
        worst: tuple[float, LineItem, float] | None = None
        for item in spread.items:
            expected = sum(item.values[m] for m in months)
            gap = abs(expected - item.values[total.key])
            if gap > tolerance(spread, len(months)) and (worst is None or gap > worst[0]):
                worst = (gap, item, expected)
        if worst:
            _, item, expected = worst
            checks.append(Check("t12_total", total.key, False, expected, item.values[total.key],
                                f"'{item.label}': the months add up to {expected:,.2f} but the total column "
                                f"prints {item.values[total.key]:,.2f}"))
        else:
            checks.append(Check("t12_total", total.key, True, None, None))
    return checks
