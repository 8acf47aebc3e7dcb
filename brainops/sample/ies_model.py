"""The numbers of one Income & Expense Statement: periods, printed rows and their ground truth.

Amounts are kept as integers in the statement's printed unit (thousands when it says "in
thousands", and hundredths when it prints cents), so printed totals tie out exactly; the truth
converts them to full currency units. Signs follow pipelines/ies/contract/ies_chart_of_accounts.md: a
row's `values` are signed by the chart's convention, and `display_sign` says how it is printed.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from random import Random

INCOME_KEYS = ("gross_potential_rent", "vacancy_credit_loss", "concessions", "revenue", "other_income")
OPEX_KEYS = ("payroll", "repairs_maintenance", "utilities", "insurance", "property_taxes", "management_fees",
             "professional_fees", "marketing", "general_administrative", "rent_expense",
             "other_operating_expenses")
BELOW_NOI_KEYS = ("interest_expense", "depreciation_amortization", "debt_service", "capital_expenditures",
                  "replacement_reserves", "income_taxes")
SECTION_OF = {
    **dict.fromkeys(INCOME_KEYS, "income"), "total_income": "income",
    "cost_of_goods_sold": "cost_of_sales", "gross_profit": "summary",
    **dict.fromkeys(OPEX_KEYS, "operating_expense"), "total_operating_expenses": "operating_expense",
    "net_operating_income": "summary", **dict.fromkeys(BELOW_NOI_KEYS, "below_noi"), "net_income": "summary",
}
MONTH_ABBR = [calendar.month_abbr[m] for m in range(13)]


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: date
    end: date
    months: int


@dataclass
class Row:
    """A printed line. kind: heading | item | total. values: period key -> signed printed-unit integer."""

    kind: str
    label: str
    canonical: str | None = None
    section: str = "other"
    values: dict[str, int] = field(default_factory=dict)
    display_sign: int = 1  # printed = values * display_sign ("Less: Vacancy 12,000" prints a deduction positive)
    indent: int = 0
    code: str | None = None  # GL account number, when the books print one
    grand: bool = False  # the bottom line: double rule

    @property
    def is_total(self) -> bool:
        return self.kind == "total"


@dataclass
class Statement:
    entity: str
    statement_type: str  # property_operating | business_pnl
    period_layout: str  # single | multi_year | t12
    title: str
    period_line: str
    periods: list[Period]
    rows: list[Row]
    multiplier: int = 1
    decimals: int = 0
    units: int | None = None  # apartment units, for a per-unit column
    errors: list[dict] = field(default_factory=list)

    def full(self, printed: int) -> int | float:
        """A printed-unit integer in full currency units."""
        if self.decimals:
            return round(printed * self.multiplier / 10**self.decimals, self.decimals)
        return printed * self.multiplier

    def canonical_values(self) -> dict[str, dict[str, int]]:
        """Per canonical key and period: the printed total row if there is one, else the sum of its rows."""
        totals: dict[str, dict[str, int]] = {}
        sums: dict[str, dict[str, int]] = {}
        for row in self.rows:
            if row.canonical is None or row.kind == "heading":
                continue
            target = totals if row.is_total else sums
            bucket = target.setdefault(row.canonical, {})
            for key, value in row.values.items():
                bucket[key] = value if row.is_total else bucket.get(key, 0) + value
        return {**sums, **totals}


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def annual_label(rng: Random, year: int, fye_month: int, style: int) -> str:
    if fye_month != 12:
        return [f"FYE {fye_month}/{calendar.monthrange(year, fye_month)[1]}/{year}", f"FY {year}",
                f"Year Ended {MONTH_ABBR[fye_month]} {year}", f"FY{year % 100:02d}"][style % 4]
    return [str(year), f"FY {year}", f"12/31/{year}", f"Dec 31, {year}", f"Year {year}", f"{year} Actual"][style % 6]


def month_label(year: int, month: int, style: int) -> str:
    return [f"{MONTH_ABBR[month]} {year}", f"{MONTH_ABBR[month]}-{year % 100:02d}", f"{month:02d}/{year}",
            f"{calendar.month_name[month]} {year}", f"{MONTH_ABBR[month]} '{year % 100:02d}"][style % 5]


def make_periods(rng: Random, layout: str, as_of: date) -> tuple[list[Period], str]:
    """The statement's columns (in printed order) and its period line ("For the year ended ...")."""
    style = rng.randrange(30)
    if layout == "t12":
        end_y, end_m = add_months(as_of.year, as_of.month, -rng.randint(2, 4))  # books close a month later
        periods = []
        for back in range(11, -1, -1):
            y, m = add_months(end_y, end_m, -back)
            periods.append(Period(f"{y}-{m:02d}", month_label(y, m, style), date(y, m, 1), month_end(y, m), 1))
        start_y, start_m = add_months(end_y, end_m, -11)
        total_label = rng.choice(["Total", "T-12 Total", "12 Mo Total", "Trailing 12", "TOTAL"])
        periods.append(Period(f"T12-{end_y}-{end_m:02d}", total_label, date(start_y, start_m, 1),
                              month_end(end_y, end_m), 12))
        last_day = month_end(end_y, end_m).day
        line = rng.choice([f"For the Twelve Months Ended {calendar.month_name[end_m]} {last_day}, {end_y}",
                           f"Trailing 12 Months: {MONTH_ABBR[start_m]} {start_y} - {MONTH_ABBR[end_m]} {end_y}",
                           f"Period: {start_m:02d}/{start_y} through {end_m:02d}/{end_y}"])
        return periods, line
    fye = 12 if rng.random() < 0.8 else rng.choice([6, 9])
    last = as_of.year - 1 if (fye == 12 or as_of.month <= fye) else as_of.year
    count = 1 if layout == "single" else rng.choice([2, 3, 3])
    periods = []
    for year in range(last - count + 1, last + 1):
        key = str(year) if fye == 12 else f"FY{year}-{fye:02d}"
        sy, sm = add_months(year, fye, -11)
        periods.append(Period(key, annual_label(rng, year, fye, style), date(sy, sm, 1), month_end(year, fye), 12))
    if layout == "multi_year" and fye == 12 and rng.random() < 0.35:
        ytd_y, ytd_m = add_months(as_of.year, as_of.month, -rng.randint(2, 4))
        if ytd_y == last + 1:
            ytd_end = month_end(ytd_y, ytd_m)
            label = rng.choice([f"YTD {MONTH_ABBR[ytd_m]} {ytd_y}", f"{ytd_m} Months Ended {ytd_end:%m/%d/%Y}",
                                f"{ytd_y} YTD"])
            periods.append(Period(f"YTD-{ytd_y}-{ytd_m:02d}", label, date(ytd_y, 1, 1), month_end(ytd_y, ytd_m), ytd_m))
    end = periods[-1].end
    if layout == "single":
        line = rng.choice([f"For the Year Ended {calendar.month_name[end.month]} {end.day}, {end.year}",
                           f"January 1 - December 31, {end.year}" if fye == 12 else f"Fiscal Year {end.year}",
                           f"Twelve Months Ended {end.month}/{end.day}/{end.year}"])
    else:
        first = periods[0].end.year
        line = rng.choice([f"Years Ended {calendar.month_name[fye]} {periods[0].end.day}, {first} - {last}",
                           f"Comparative Statement, {first} through {periods[-1].end.year}",
                           f"For the Years {first}-{last}" + (" and Year to Date" if periods[-1].months < 12 else "")])
    if rng.random() < 0.4:
        periods.reverse()  # comparative statements often print the latest year first
    return periods, line
