"""Full-LLM extraction for a document the layout reader cannot structure: the LLM copies the table
through a tool, and the copy goes through the same periods, mapping, signs, units and tie-outs."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from fpdf import FPDF

from pipelines.ies.extract import extract
from pipelines.ies.result import validation_errors
from pipelines.llm import LlmCall, llm_from_env
from tests.ies_llm.conftest import Standin, statement_responder

PROSE = [
    "Maple Court Apartments - Operating Statement (in thousands)",
    "Gross potential rent came to $1,200 for the year 2025, against $1,100 for 2024.",
    "Vacancy cost us $120 in 2025 and $100 the year before, so total income was $1,080 and $1,000.",
    "Repairs and maintenance ran to $100 (2025) and $90 (2024); real estate taxes to $200 and $190.",
    "Total operating expenses: $300 and $280. Net operating income: $780 and $720, as shown in 2024.",
]
COPY = {
    "is_statement": True,
    "title_lines": ["Maple Court Apartments", "Operating Statement", "(in thousands)"],
    "columns": ["2025", "2024"],
    "rows": [
        {"label": "INCOME", "page": 1, "amounts": [None, None]},
        {"label": "Gross Potential Rent", "page": 1, "amounts": [1200, 1100]},
        {"label": "Vacancy", "page": 1, "amounts": [-120, -100]},
        {"label": "Total Income", "page": 1, "amounts": [1080, 1000]},
        {"label": "OPERATING EXPENSES", "page": 1, "amounts": [None, None]},
        {"label": "Repairs & Maintenance", "page": 1, "amounts": [100, 90]},
        {"label": "Real Estate Taxes", "page": 1, "amounts": [200, 190]},
        {"label": "Total Operating Expenses", "page": 1, "amounts": [300, 280]},
        {"label": "Net Operating Income", "page": 1, "amounts": [780, 720]},
    ],
}


@pytest.fixture
def prose_pdf(tmp_path: Path) -> Path:
    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    for i, line in enumerate(PROSE):
        pdf.text(48, 60 + 16 * i, line)
    path = tmp_path / "maple_letter.pdf"
    pdf.output(str(path))
    return path


def test_without_a_key_the_layout_reason_stands(prose_pdf: Path) -> None:
    result = extract(prose_pdf, llm=None)
    assert result["status"] == "failed" and result["error"].startswith("No columns of figures were found")


def test_the_llm_reads_what_the_layout_cannot_and_tie_outs_judge_it(llm_standin: Standin, prose_pdf: Path) -> None:
    llm_standin.answer(statement_responder(COPY))
    calls: list[LlmCall] = []
    result = extract(prose_pdf, llm=llm_from_env(sink=calls.append))
    assert validation_errors(result) == []
    model = "claude-haiku-4-5" if llm_standin.provider == "anthropic" else "gpt-4.1-mini"
    assert result["method"] == f"llm:{llm_standin.provider}:{model}"
    assert result["status"] == "extracted", result["warnings"]  # every tie-out passed
    assert result["warnings"][0].startswith("The layout reader could not structure the document (No columns")
    assert result["unit_multiplier"] == 1000 and [p["key"] for p in result["periods"]] == ["2025", "2024"]
    values = {i["label"]: i["values"] for i in result["line_items"]}
    assert values["Gross Potential Rent"] == {"2025": 1_200_000, "2024": 1_100_000}
    assert values["Vacancy"] == {"2025": -120_000, "2024": -100_000}
    assert result["totals"]["2025"]["net_operating_income"] == 780_000
    assert {c["name"] for c in result["checks"]} == {"total_income", "total_operating_expenses",
                                                     "net_operating_income"}
    assert all(i["source"] == {"page": 1, "bbox": None} for i in result["line_items"])
    assert all(i["confidence"] < 0.9 for i in result["line_items"])
    [call] = calls  # the labels were all in the dictionary: no label call
    assert call.purpose == "ies_full_extraction" and call.status == "ok" and call.document_id == result["document_id"]
    sent = llm_standin.requests[0]
    text = str(sent["messages"])
    assert "Gross potential rent came to $1,200" in text  # the document's own text went to the model


def test_a_copy_that_does_not_tie_out_needs_review(llm_standin: Standin, prose_pdf: Path) -> None:
    wrong = copy.deepcopy(COPY)
    wrong["rows"][6]["amounts"] = [210, 190]  # taxes miscopied: the expense total no longer adds up
    llm_standin.answer(statement_responder(wrong))
    result = extract(prose_pdf, llm=llm_from_env(sink=lambda call: None))
    assert result["status"] == "needs_review"
    assert any(w.startswith("Tie-out failed: ") and "total_operating_expenses (2025)" in w for w in result["warnings"])


def test_a_document_that_is_no_statement_fails_with_both_reasons(llm_standin: Standin, prose_pdf: Path) -> None:
    llm_standin.answer(statement_responder({"is_statement": False, "title_lines": [], "columns": [], "rows": []}))
    result = extract(prose_pdf, llm=llm_from_env(sink=lambda call: None))
    assert result["status"] == "failed"
    assert result["error"].startswith("No columns of figures were found")
    assert "An LLM read the document too and found no table of amounts" in result["error"]


def test_an_llm_failure_keeps_the_layout_reason(llm_standin: Standin, prose_pdf: Path) -> None:
    llm_standin.control.fail_next(*[500] * 10)
    calls: list[LlmCall] = []
    result = extract(prose_pdf, llm=llm_from_env(sink=calls.append))
    assert result["status"] == "failed" and result["error"].startswith("No columns of figures were found")
    assert "(HTTP 500) after 4 attempts" in result["error"] and calls[0].status == "error"
