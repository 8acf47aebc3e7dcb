"""Signs by the chart of accounts: income positive, deductions from income negative, expenses
positive (their size), summary rows as computed. Statements print the same facts many ways:
"Less: Vacancy 12,000" (a positive deduction), vacancy in parentheses, costs printed in
parentheses to show they are subtracted, and under an "Other Income (Expense)" heading expenses
in parentheses."""

from __future__ import annotations

from pipelines.ies.chart import DEDUCTION_KEYS, EXPENSE_KEYS, SECTION_OF

# Rows whose figures are the size of a cost: printed all negative, they are costs shown as subtractions.
_COST_KEYS = EXPENSE_KEYS | {"total_operating_expenses"}


def chart_sign(canonical: str | None, printed: dict[str, float], *, says_less: bool,
               income_expense_heading: bool) -> int:
    """+1 or -1: what to multiply the printed figures of one row by."""
    if canonical is None:
        return 1
    nonzero = [v for v in printed.values() if v]
    all_positive = bool(nonzero) and all(v > 0 for v in nonzero)
    all_negative = bool(nonzero) and all(v < 0 for v in nonzero)
    if canonical in DEDUCTION_KEYS:
        return -1 if says_less or all_positive else 1  # a deduction printed as a positive figure
    if canonical in _COST_KEYS:
        if says_less:
            return -1 if all_positive else 1  # "Less: Vendor Rebates 200" reduces the costs
        if income_expense_heading and SECTION_OF[canonical] == "below_noi":
            return -1  # "Other Income (Expense)": (1,234) is an expense of 1,234, 1,234 a gain
        if all_negative:
            return -1
    return 1
