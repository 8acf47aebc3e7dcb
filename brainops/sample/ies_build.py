"""Assemble a Statement: headings, items, subtotals and totals in the order accountants print them,
T-12 total columns, and (for the files that must not tie out) one deliberately wrong total."""

from __future__ import annotations

from datetime import date
from random import Random

from brainops.sample.ies_figures import LABELS, Item, business_items, property_items, to_rows
from brainops.sample.ies_model import SECTION_OF, Row, Statement, make_periods

PROPERTY_TITLES = ["Operating Statement", "Income & Expense Statement", "Statement of Operations",
                   "Property Operating Statement", "Income Statement"]
PROPERTY_T12_TITLES = ["Trailing Twelve Month Operating Statement", "T-12 Operating Statement",
                       "12 Month Operating Statement", "Twelve Month Income Statement"]
BUSINESS_TITLES = ["Profit and Loss", "Income Statement", "Statement of Income", "Profit & Loss Statement",
                   "Statement of Operations"]
BUSINESS_T12_TITLES = ["Profit & Loss by Month", "Monthly Income Statement", "Trailing 12 Month P&L"]


def heading(rng: Random, options: list[str]) -> Row:
    return Row("heading", rng.choice(options))


def total(label: str, canonical: str | None, values: dict[str, int], *, grand: bool = False,
          section: str | None = None) -> Row:
    return Row("total", label, canonical, section or SECTION_OF.get(canonical or "", "summary"), values, grand=grand)


def sum_rows(rows: list[Row], keys: list[str]) -> dict[str, int]:
    return {k: sum(r.values[k] for r in rows) for k in keys}


def combine(a: dict[str, int], b: dict[str, int], sign: int = -1) -> dict[str, int]:
    return {k: a[k] + sign * b[k] for k in a}


def build_statement(rng: Random, *, entity: str, statement_type: str, layout: str, as_of: date,
                    multiplier: int, decimals: int, property_kind: str = "apartments") -> Statement:
    periods, period_line = make_periods(rng, layout, as_of)
    titles = {("property_operating", True): PROPERTY_T12_TITLES, ("property_operating", False): PROPERTY_TITLES,
              ("business_pnl", True): BUSINESS_T12_TITLES, ("business_pnl", False): BUSINESS_TITLES}
    stmt = Statement(entity, statement_type, layout, rng.choice(titles[statement_type, layout == "t12"]), period_line,
                     periods, [], multiplier, decimals)
    keys = [p.key for p in periods if not p.key.startswith("T12-")]
    split_prob = 0.6 if layout != "t12" else 0.75
    if statement_type == "property_operating":
        stmt.rows = property_rows(rng, stmt, keys, property_kind, split_prob)
    else:
        stmt.rows = business_rows(rng, stmt, keys, split_prob)
    t12 = next((p.key for p in periods if p.key.startswith("T12-")), None)
    if t12:
        for row in stmt.rows:
            if row.kind != "heading":
                row.values[t12] = sum(row.values[k] for k in keys)
    return stmt


def property_rows(rng: Random, stmt: Statement, keys: list[str], kind: str, split_prob: float) -> list[Row]:
    income_items, opex_items, facts = property_items(rng, kind, split_prob)
    stmt.units = facts["units"]
    income = to_rows(rng, income_items, stmt.periods, stmt, code_base=4000)
    opex = to_rows(rng, opex_items, stmt.periods, stmt, code_base=6000)
    ti = total(rng.choice(LABELS["total_income"]), "total_income", sum_rows(income, keys))
    to = total(rng.choice(LABELS["total_operating_expenses"]), "total_operating_expenses", sum_rows(opex, keys))
    noi = total(rng.choice(LABELS["net_operating_income"]), "net_operating_income", combine(ti.values, to.values))
    rows = [heading(rng, ["INCOME", "REVENUE", "RENTAL INCOME", "Operating Income", "Income"]), *income, ti,
            heading(rng, ["OPERATING EXPENSES", "EXPENSES", "Operating Expenses"]), *opex, to, noi]
    pattern = rng.choice(["noi_only", "noi_only", "reserves_debt", "interest_dep", "capex_debt", "reserves_debt"])
    if pattern == "noi_only":
        noi.grand = True
        return rows
    noi_annual = max(facts["noi"], 1.0)
    debt = noi_annual / rng.uniform(0.95, 2.1)
    below: list[Item] = []
    if pattern == "reserves_debt":
        reserve = (stmt.units or 40) * rng.uniform(250, 350) if stmt.units else noi_annual * rng.uniform(0.03, 0.06)
        below = [Item("replacement_reserves", rng.choice(LABELS["replacement_reserves"]), reserve, noise=0.0),
                 Item("debt_service", rng.choice(LABELS["debt_service"]), debt, growth=0.0, noise=0.0)]
        net_label = rng.choice(["Cash Flow After Debt Service", "Net Cash Flow", "Cash Flow"])
    elif pattern == "capex_debt":
        below = [Item("capital_expenditures", rng.choice(LABELS["capital_expenditures"]),
                      noi_annual * rng.uniform(0.04, 0.2), noise=0.8),
                 Item("debt_service", rng.choice(LABELS["debt_service"]), debt, growth=0.0, noise=0.0)]
        net_label = rng.choice(["Net Cash Flow", "Cash Flow After Debt Service", "Net Cash Flow (Deficit)"])
    else:
        below = [Item("interest_expense", rng.choice(LABELS["interest_expense"]), debt * rng.uniform(0.55, 0.75),
                      growth=-0.02, noise=0.0),
                 Item("depreciation_amortization", rng.choice(LABELS["depreciation_amortization"]),
                      noi_annual / 0.06 * 0.8 / 27.5, growth=0.0, noise=0.0)]
        net_label = rng.choice(["Net Income", "Net Income (Loss)", "Net Income (Loss)"])
    below_rows = to_rows(rng, below, stmt.periods, stmt, code_base=8000)
    net = total(net_label, "net_income", combine(noi.values, sum_rows(below_rows, keys)), grand=True)
    if rng.random() < 0.6:
        rows.append(heading(rng, ["OTHER EXPENSES", "BELOW THE LINE", "NON-OPERATING", "DEBT SERVICE & RESERVES"]))
    return [*rows, *below_rows, net]


def business_rows(rng: Random, stmt: Statement, keys: list[str], split_prob: float) -> list[Row]:
    income_items, cogs_items, opex_items, facts = business_items(rng, split_prob)
    income = to_rows(rng, income_items, stmt.periods, stmt, code_base=4000)
    cogs = to_rows(rng, cogs_items, stmt.periods, stmt, code_base=5000)
    opex = to_rows(rng, opex_items, stmt.periods, stmt, code_base=6000)
    rows: list[Row] = [heading(rng, ["REVENUE", "INCOME", "SALES", "Revenue", "Ordinary Income"]), *income]
    ti = total(rng.choice(["Total Revenue", "Total Income", "Net Sales", "Total Sales"]), "total_income",
               sum_rows(income, keys))
    rows.append(ti)
    cogs_values = sum_rows(cogs, keys)
    if len(cogs) > 1:
        rows += [heading(rng, ["COST OF GOODS SOLD", "COST OF SALES", "DIRECT COSTS", "Cost of Sales"]), *cogs,
                 total(rng.choice(["Total Cost of Goods Sold", "Total Cost of Sales", "Total Direct Costs",
                                   "Total COGS"]), "cost_of_goods_sold", cogs_values)]
    else:
        cogs[0].indent = 0
        rows += cogs
    gp = total(rng.choice(LABELS["gross_profit"]), "gross_profit", combine(ti.values, cogs_values))
    rows.append(gp)
    rows.append(heading(rng, ["OPERATING EXPENSES", "GENERAL & ADMINISTRATIVE EXPENSES", "EXPENSES",
                              "Operating Expenses", "Selling, General & Administrative"]))
    rows += opex
    to = total(rng.choice(LABELS["total_operating_expenses"]), "total_operating_expenses", sum_rows(opex, keys))
    oi = total(rng.choice(["Operating Income", "Income from Operations", "Net Operating Income", "Operating Profit",
                           "Operating Income (Loss)"]), "net_operating_income", combine(gp.values, to.values))
    rows += [to, oi]
    revenue = facts["revenue"]
    below = [Item("interest_expense", rng.choice(["Interest Expense", "Interest", "Interest on Equipment Loans"]),
                  revenue * rng.uniform(0.002, 0.012), noise=0.05),
             Item("depreciation_amortization", rng.choice(LABELS["depreciation_amortization"]),
                  revenue * rng.uniform(0.008, 0.03), noise=0.0)]
    below_rows = to_rows(rng, below, stmt.periods, stmt, code_base=8000)
    other_heading = rng.random() < 0.6
    if other_heading:
        expense_as_negative = rng.random() < 0.5  # "Other Income (Expense)" prints expenses in parentheses
        rows.append(heading(rng, ["OTHER INCOME (EXPENSE)", "Other Income (Expense)"] if expense_as_negative
                            else ["OTHER EXPENSES", "Other Expenses", "NON-OPERATING EXPENSES"]))
        for row in below_rows:
            row.display_sign = -1 if expense_as_negative else 1
    rows += below_rows
    pretax = combine(oi.values, sum_rows(below_rows, keys))
    if rng.random() < 0.4:  # a C corporation books income taxes
        rate = rng.uniform(0.21, 0.26)
        rows.append(total(rng.choice(["Income Before Income Taxes", "Net Income Before Taxes", "Pre-Tax Income"]),
                          None, pretax, section="summary"))
        tax_row = Row("item", rng.choice(LABELS["income_taxes"]), "income_taxes", "below_noi",
                      {k: round(max(v, 0) * rate) for k, v in pretax.items()}, indent=1, code="9000")
        if other_heading and below_rows[0].display_sign == -1:
            tax_row.display_sign = -1
        rows.append(tax_row)
        pretax = combine(pretax, tax_row.values)
    rows.append(total(rng.choice(["Net Income", "Net Income (Loss)", "Net Profit", "NET INCOME"]), "net_income",
                      pretax, grand=True))
    return rows


def transposed(value: int, rng: Random) -> int:
    """A typist's error: two neighbouring digits swapped, or a slip of a round amount."""
    digits = list(str(abs(value)))
    pairs = [i for i in range(len(digits) - 1) if digits[i] != digits[i + 1]]
    if pairs and rng.random() < 0.7:
        i = rng.choice(pairs)
        digits[i], digits[i + 1] = digits[i + 1], digits[i]
        wrong = int("".join(digits))
    else:
        wrong = abs(value) + rng.choice([1, -1]) * 10 ** max(len(digits) - 2, 1)
    return wrong if value >= 0 else -wrong


def break_tie_out(rng: Random, stmt: Statement) -> None:
    """Make one printed total disagree with its rows, and say so in stmt.errors."""
    t12 = next((p.key for p in stmt.periods if p.key.startswith("T12-")), None)
    if t12 and rng.random() < 0.35:
        row = rng.choice([r for r in stmt.rows if r.kind == "item" and abs(r.values[t12]) > 100])
        key = t12
        reason = "T-12 total column differs from the sum of the months"
    else:
        row = rng.choice([r for r in stmt.rows if r.is_total and r.canonical in
                          ("total_income", "total_operating_expenses", "cost_of_goods_sold", "gross_profit")])
        key = rng.choice([p.key for p in stmt.periods])
        reason = "printed total differs from the sum of its rows"
    old = row.values[key]
    new = transposed(old, rng)
    if new == old:
        new = old + 10 ** max(len(str(abs(old))) - 2, 1)
    row.values[key] = new
    stmt.errors.append({"row": row.label, "canonical": row.canonical, "period": key, "reason": reason,
                        "printed": stmt.full(new), "correct": stmt.full(old)})
