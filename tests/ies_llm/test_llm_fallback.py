"""Full-LLM reading of a document the layout reader cannot structure: the model reads every printed line of
the document and cites the line of each row; only figures printed on the cited line are kept, and the same
periods, mapping, signs, units and tie-outs judge what it read."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from fpdf import FPDF

from pipelines.ies.extract import extract
from pipelines.ies.result import validation_errors
from pipelines.llm import LlmCall, llm_from_env
from tests.ies_llm.conftest import Standin
from tests.ies_llm.test_second_reader import reader, second_reads

PROSE = [
    "Maple Court Apartments - Operating Statement (in thousands)",
    "Gross potential rent came to $1,200 for the year 2025, against $1,100 for 2024.",
    "Vacancy cost us ($120) in 2025 and ($100) the year before.",
    "Total income was $1,080 and $1,000 in the two years",
    "Repairs and maintenance ran to $100 in 2025 and $90 in 2024.",
    "Real estate taxes were $200 and $190 respectively",
    "Total operating expenses: $300 and $280 in all",
    "Net operating income: $780 and $720 as shown in 2024",
]
COPY = {
    "title_lines": ["Maple Court Apartments - Operating Statement (in thousands)"],
    "columns": ["2025", "2024"],
    "rows": [
        {"label": "Gross potential rent", "key": "gross_potential_rent", "amounts": [1200, 1100]},
        {"label": "Vacancy", "key": "vacancy_credit_loss", "amounts": [-120, -100]},
        {"label": "Total income", "key": "total_income", "amounts": [1080, 1000]},
        {"label": "Repairs and maintenance", "key": "repairs_maintenance", "amounts": [100, 90]},
        {"label": "Real estate taxes", "key": "property_taxes", "amounts": [200, 190]},
        {"label": "Total operating expenses", "key": "total_operating_expenses", "amounts": [300, 280]},
        {"label": "Net operating income", "key": "net_operating_income", "amounts": [780, 720]},
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
    llm_standin.answer(reader(COPY))
    calls: list[LlmCall] = []
    result = extract(prose_pdf, llm=llm_from_env(sink=calls.append))
    assert validation_errors(result) == []
    model = "claude-haiku-4-5" if llm_standin.provider == "anthropic" else "gpt-4.1-mini"
    assert result["method"] == f"llm:{llm_standin.provider}:{model}"
    assert result["status"] == "extracted", result["warnings"]  # every tie-out passed
    assert result["warnings"][0].startswith("The layout reader could not structure the document (No columns")
    assert result["unit_multiplier"] == 1000 and [p["key"] for p in result["periods"]] == ["2025", "2024"]
    values = {i["label"]: i["values"] for i in result["line_items"]}
    assert values["Gross potential rent"] == {"2025": 1_200_000, "2024": 1_100_000}
    assert values["Vacancy"] == {"2025": -120_000, "2024": -100_000}
    assert result["totals"]["2025"]["net_operating_income"] == 780_000
    assert "net_operating_income" in {c["name"] for c in result["checks"]}
    assert all(c["passed"] for c in result["checks"])
    # every figure cites the printed line it came from: page 1 and the line's box
    assert all(i["source"]["page"] == 1 and len(i["source"]["bbox"]) == 4 for i in result["line_items"])
    assert all(i["confidence"] < 0.9 for i in result["line_items"])
    [call] = calls  # its own chart keys stand in for the label call: one call for the document
    assert call.purpose == "ies_second_reading" and call.status == "ok" and call.document_id == result["document_id"]
    [sent] = second_reads(llm_standin)
    assert "Gross potential rent came to $1,200" in str(sent["messages"])  # the document's own lines went


def test_figures_the_page_does_not_print_are_dropped(llm_standin: Standin, prose_pdf: Path) -> None:
    invented = copy.deepcopy(COPY)
    invented["rows"][4]["amounts"] = [210, 190]  # taxes miscopied: 210 is printed nowhere on its line
    llm_standin.answer(reader(invented))
    result = extract(prose_pdf, llm=llm_from_env(sink=lambda call: None))
    assert validation_errors(result) == []
    assert result["status"] == "needs_review"  # the expense total no longer adds up without the dropped figure
    assert any("not printed on the line it named" in w and "210" in w for w in result["warnings"])
    assert all(v != 210_000 for i in result["line_items"] for v in i["values"].values())


def test_a_copy_that_does_not_tie_out_needs_review(llm_standin: Standin, prose_pdf: Path) -> None:
    wrong = copy.deepcopy(COPY)
    wrong["rows"][4]["amounts"] = [190, 190]  # printed, but the wrong year's: the expense total does not add up
    llm_standin.answer(reader(wrong))
    result = extract(prose_pdf, llm=llm_from_env(sink=lambda call: None))
    assert result["status"] == "needs_review"
    assert any(w.startswith("Tie-out failed: ") and "(2025)" in w for w in result["warnings"]), result["warnings"]


def test_a_document_that_is_no_statement_fails_with_both_reasons(llm_standin: Standin, prose_pdf: Path) -> None:
    llm_standin.answer(reader({"title_lines": [], "columns": [], "rows": []}))
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


def test_a_spreadsheet_no_reader_can_structure_is_read_from_its_cells(llm_standin: Standin, tmp_path: Path) -> None:
    """A CSV of figures with no period headings a reader can place: the model reads its rows, cites them by
    row number, and the figures it keeps are the cells themselves."""
    path = tmp_path / "maple.csv"
    path.write_text("Maple Court Apartments - Operating Statement (in thousands)\n"
                    "Gross potential rent,1200,1100,for 2025 and 2024\nVacancy,(120),(100)\nTotal income,1080,1000\n"
                    "Repairs and maintenance,100,90\nReal estate taxes,200,190\nTotal operating expenses,300,280\n"
                    "Net operating income,780,720\n")
    assert extract(path, llm=None)["status"] == "failed"  # no reader can place the columns
    llm_standin.answer(reader(COPY))
    result = extract(path, llm=llm_from_env(sink=lambda call: None))
    assert validation_errors(result) == []
    assert result["status"] == "extracted", result["warnings"]
    assert result["totals"]["2024"]["total_operating_expenses"] == 280_000
    rows = {i["label"]: i["source"] for i in result["line_items"]}
    assert rows["Real estate taxes"] == {"row": 6}
