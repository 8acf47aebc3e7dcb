"""Label mapping: the curated dictionary, sections, signs, and the chain later stages plug into."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.ies.extract import extract
from pipelines.ies.labels import (
    DictionaryMapper,
    KeywordMapper,
    LabelContext,
    LabelMatch,
    MapperChain,
    classify_heading,
    default_chain,
    normalize,
)
from pipelines.ies.signs import chart_sign


@pytest.mark.parametrize(("label", "section", "key"), [
    ("GPR", "income", "gross_potential_rent"), ("Less: Vacancy", "income", "vacancy_credit_loss"),
    ("R&M", "operating_expense", "repairs_maintenance"), ("Repairs & Maint.", "operating_expense",
                                                          "repairs_maintenance"),
    ("Mgmt. Fees", "operating_expense", "management_fees"), ("RE Taxes", "operating_expense", "property_taxes"),
    ("G&A", "operating_expense", "general_administrative"), ("EGI", "income", "total_income"),
    ("Net Operating Income (NOI)", "operating_expense", "net_operating_income"),
    ("Utility Reimbursements (RUBS)", "income", "other_income"), ("Mortgage Payments (P&I)", "below_noi",
                                                                  "debt_service"),
    ("4010 \u00b7 Roofing Revenue", "income", "revenue"),
    # the same words, a different section: what the heading above says decides
    ("Rent", "income", "gross_potential_rent"), ("Rent", "operating_expense", "rent_expense"),
    ("Taxes", "operating_expense", "property_taxes"), ("Taxes", "below_noi", "income_taxes"),
    ("Insurance Restoration", "income", "revenue"), ("Insurance", "operating_expense", "insurance"),
    ("Interest Income", "income", "other_income"), ("Interest", "below_noi", "interest_expense"),
    ("Equipment Rental", "cost_of_sales", "cost_of_goods_sold"),
])
def test_dictionary_with_sections(label: str, section: str, key: str) -> None:
    match = default_chain().map(label, LabelContext(section))
    assert match.canonical == key and match.confidence >= 0.9


def test_a_lone_cost_of_sales_line_after_total_income_needs_no_heading() -> None:
    match = default_chain().map("Direct Job Costs", LabelContext(None))
    assert match.canonical == "cost_of_goods_sold" and match.section == "cost_of_sales"


def test_keyword_fallback_has_lower_confidence_and_unknown_labels_are_unmapped() -> None:
    assert default_chain().map("Elevator Service Contract", LabelContext("operating_expense")).confidence < 0.9
    unknown = default_chain().map("Zorblax", LabelContext("below_noi"))
    assert unknown.canonical is None and unknown.confidence < 0.5 and not unknown.known
    subtotal = default_chain().map("Total Utilities", LabelContext("operating_expense"))
    assert subtotal.canonical == "utilities" and subtotal.is_total


def test_headings() -> None:
    assert classify_heading("OTHER INCOME (EXPENSE)") == "below_noi"
    assert classify_heading("Selling, General & Administrative") == "operating_expense"
    assert classify_heading("DIRECT COSTS") == "cost_of_sales"
    assert classify_heading("RENTAL INCOME") == "income"
    assert normalize("Repairs & Maint.") == normalize("repairs and maintenance")


def test_signs_follow_the_chart() -> None:
    assert chart_sign("vacancy_credit_loss", {"2025": 120}, says_less=True, income_expense_heading=False) == -1
    assert chart_sign("vacancy_credit_loss", {"2025": -120}, says_less=False, income_expense_heading=False) == 1
    assert chart_sign("interest_expense", {"2025": -20}, says_less=False, income_expense_heading=True) == -1
    assert chart_sign("payroll", {"2025": 100, "2024": -5}, says_less=False, income_expense_heading=False) == 1
    assert chart_sign("other_income", {"2025": -5}, says_less=False, income_expense_heading=False) == 1


class WidgetMapper:
    """Stands in for a later stage (embeddings, an LLM): knows one label the dictionary does not."""

    name = "embeddings"

    def map(self, label: str, context: LabelContext) -> LabelMatch | None:
        if label == "Zorblax":
            return LabelMatch("other_income", "income", False, 0.8, self.name)
        return None


def test_a_later_stage_plugs_into_the_chain_without_touching_the_readers(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("Account,2025\nINCOME,\nRents,100\nZorblax,5\nTotal Income,105\n")
    alone = extract(path)  # the dictionary does not know "Zorblax": a low-confidence guess
    assert alone["status"] == "needs_review" and any("low confidence" in w for w in alone["warnings"])
    chain = MapperChain([DictionaryMapper(), WidgetMapper(), KeywordMapper()])
    result = extract(path, chain=chain)
    item = next(i for i in result["line_items"] if i["label"] == "Zorblax")
    assert item["canonical"] == "other_income"
    assert result["status"] == "extracted" and result["method"] == "layout+embeddings"
