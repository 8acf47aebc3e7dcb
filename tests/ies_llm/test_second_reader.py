"""The LLM as a second reader: with a key set, every statement the layout reader read is read again by the
model from its numbered printed lines, through the official SDKs against the local stand-ins. The stand-in
"model" answers like a real one: it finds each row's line in the prompt and copies its amounts (or, where a
test says so, miscopies one). Every value it gives must be printed on the line it cites."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF

from brainops.standins.llm_common import LlmRequest, Reply, default_responder
from pipelines.ies.extract import extract
from pipelines.ies.result import validation_errors
from pipelines.llm import LlmCall, llm_from_env
from tests.ies.pattern_docs import DOCS
from tests.ies_llm.conftest import Standin

TOOL = "record_income_statement"
LINE = re.compile(r"^(p\d+ L\d+|'[^']*' r\d+|r\d+): (.*)$", re.MULTILINE)

# what a model answers for the keys of the peso statement's rows
PESO_KEYS = {"Revenue": "revenue", "Cost of sales": "cost_of_goods_sold", "Gross profit": "gross_profit",
             "Operating expenses": None, "Salaries and wages": "payroll", "Rent": "rent_expense",
             "Utilities": "utilities", "Other operating expenses": "other_operating_expenses",
             "Total operating expenses": "total_operating_expenses", "Operating income": "net_operating_income",
             "Income tax expense": "income_taxes", "Net income": "net_income"}


def figure(printed: str) -> float:
    """'P=17,299,358' / '(1,234)' as a model would copy it: a number, negative in parentheses."""
    digits = re.sub(r"[^\d.]", "", printed)
    return -float(digits) if printed.strip().endswith(")") else float(digits)


def answer_of(titles: list[str], columns: list[str], rows: list[tuple[str, list[str] | None]],
              keys: dict[str, str | None]) -> dict[str, Any]:
    """A statement as a model copies it: rows (label, printed cells), each to be placed on its line."""
    return {"title_lines": titles, "columns": columns,
            "rows": [{"label": label, "key": keys.get(label),
                      "amounts": [None] * len(columns) if cells is None else [figure(c) for c in cells]}
                     for label, cells in rows]}


def reader(statement: dict[str, Any], *, cite: dict[str, str] | None = None) -> Callable[[LlmRequest], Reply]:
    """Answers the second reading: each row cites the numbered line that begins with its label (or, with `cite`,
    the line beginning with another label: a model that looked at the wrong line)."""

    def respond(request: LlmRequest) -> Reply:
        if request.forced_tool != TOOL:
            return default_responder(request)
        lines = LINE.findall(request.prompt)

        def line_of(label: str) -> str:
            return next(i for i, text in lines if text.lower().startswith(label.lower()))

        rows = [{"line": line_of((cite or {}).get(row["label"], row["label"])), **row} for row in statement["rows"]]
        return Reply.tool_call(TOOL, {"statements": [{**statement, "rows": rows}]})

    return respond


def second_reads(standin: Standin) -> list[dict[str, Any]]:
    def forced(body: dict[str, Any]) -> str | None:
        choice = body.get("tool_choice") or {}
        return choice.get("name") or (choice.get("function") or {}).get("name")

    return [body for body in standin.requests if forced(body) == TOOL]


@pytest.fixture
def peso(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """An audited two-year statement printing 'P=17,299,358' amounts, and a model's faithful copy of it."""
    doc = DOCS["peso_prefix_p_equals"]()
    path = tmp_path / doc.filename
    path.write_bytes(doc.data)
    page = doc.pages[0]
    return path, answer_of(page.titles, [" ".join(h) for h in page.headings],
                           [(r.label, r.cells) for r in page.rows], PESO_KEYS)


def test_a_confirming_read_keeps_the_layout_result_and_says_so(llm_standin: Standin, peso) -> None:
    path, statement = peso
    llm_standin.answer(reader(statement))
    calls: list[LlmCall] = []
    result = extract(path, llm=llm_from_env(sink=calls.append))
    assert validation_errors(result) == []
    assert result["status"] == "extracted", result["warnings"]
    assert result["method"] == "layout+llm-confirmed"
    assert result["warnings"] == []  # every figure passed every check and both readers agree: nothing flagged
    assert result["totals"]["2024"]["net_income"] == 1_603_153
    [call] = calls  # one call for the document: the labels were all in the dictionary
    assert call.purpose == "ies_second_reading" and call.status == "ok" and call.document_id == result["document_id"]
    [sent] = second_reads(llm_standin)
    prompt = json.dumps(sent["messages"])
    assert "p1 L5: Revenue    P=18,574,321    P=17,054,780" in prompt  # the page's own lines, numbered
    tool = (sent.get("tools") or [{}])[0]
    schema = tool.get("input_schema") or tool["function"]["parameters"]
    key = schema["properties"]["statements"]["items"]["properties"]["rows"]["items"]["properties"]["key"]
    assert "net_operating_income" in key["enum"] and None in key["enum"]  # restricted to the chart
    assert 1_000 <= sent.get("max_tokens", sent.get("max_completion_tokens", 0)) <= 16_000


def test_a_value_not_on_its_cited_line_is_dropped_and_counted(llm_standin: Standin, peso) -> None:
    path, statement = peso
    rent = next(r for r in statement["rows"] if r["label"] == "Rent")
    rent["amounts"] = [773_046.0, 740_853.0]  # digits transposed: 773,064 is printed
    llm_standin.answer(reader(statement))
    result = extract(path, llm=llm_from_env(sink=lambda call: None))
    assert result["status"] == "extracted" and result["method"] == "layout+llm-confirmed"
    assert any(w.startswith("The LLM cited 1 value(s) not printed on the line it named") and "773,046 (p1 L10)" in w
               for w in result["warnings"])
    figures = [v for item in result["line_items"] for v in item["values"].values()]
    assert 773_046 not in figures and 773_064 in figures  # never used


def test_a_misreading_that_does_not_tie_out_leaves_checked_figures_alone(llm_standin: Standin, peso) -> None:
    path, statement = peso
    net = next(r for r in statement["rows"] if r["label"] == "Net income")
    net["amounts"] = [1_318_620.0, None]  # the model shifted the bottom line's 2023 figure into 2024
    llm_standin.answer(reader(statement))
    result = extract(path, llm=llm_from_env(sink=lambda call: None))
    assert validation_errors(result) == []
    # its net income is reached from no rows above it: a reading that does not add up flags nothing
    assert result["status"] == "extracted", result["warnings"]
    assert result["totals"]["2024"]["net_income"] == 1_603_153
    [said] = [w for w in result["warnings"] if w.startswith("An LLM")]
    assert "net_income (2024) 1,318,620.00" in said and "does not tie out" in said and "stand" in said


def test_two_readings_that_each_tie_out_but_differ_need_review(llm_standin: Standin, peso) -> None:
    path, statement = peso
    for row in statement["rows"]:  # the model read every row's 2023 figure as 2024's: a consistent misreading
        if any(a is not None for a in row["amounts"]):
            row["amounts"] = [row["amounts"][1], None]
    llm_standin.answer(reader(statement))
    result = extract(path, llm=llm_from_env(sink=lambda call: None))
    assert validation_errors(result) == []
    assert result["status"] == "needs_review"
    said = [w for w in result["warnings"] if w.startswith("The layout reader and an LLM")]
    assert any("net_income (2024)" in w and "1,603,153.00" in w and "1,318,620.00" in w for w in said), said
    assert all("(2024)" in w for w in said)  # 2023, which both read alike or the LLM left out: not flagged
    assert result["totals"]["2024"]["net_income"] == 1_603_153  # the layout's figures, held for review


# --- a statement the layout reader cannot place: one figure printed out of its column

ROWS: list[tuple[str, list[str] | None]] = [
    ("INCOME", None), ("Gross Potential Rent", ["1,200,000", "1,100,000"]), ("Vacancy", ["(120,000)", "(100,000)"]),
    ("Total Income", ["1,080,000", "1,000,000"]), ("OPERATING EXPENSES", None),
    ("Repairs & Maintenance", ["100,000", "90,000"]), ("Real Estate Taxes", ["200,000", "190,000"]),
    ("Insurance", ["45,000", "41,000"]), ("Total Operating Expenses", ["345,000", "321,000"]),
    ("Net Operating Income", ["735,000", "679,000"])]
TITLES = ["Maple Court Apartments", "Operating Statement", "For the Years Ended December 31, 2025 and 2024"]
MAPLE_KEYS = {"INCOME": None, "Gross Potential Rent": "gross_potential_rent", "Vacancy": "vacancy_credit_loss",
              "Total Income": "total_income", "OPERATING EXPENSES": None,
              "Repairs & Maintenance": "repairs_maintenance", "Real Estate Taxes": "property_taxes",
              "Insurance": "insurance", "Total Operating Expenses": "total_operating_expenses",
              "Net Operating Income": "net_operating_income"}


@pytest.fixture
def stray_figure_pdf(tmp_path: Path) -> Path:
    """The taxes' 2025 figure printed 40 pt left of its column, as a misaligned template prints it."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    y = 60.0
    for line in TITLES:
        pdf.set_font("Helvetica", "B", 10)
        pdf.text(48, y, line)
        y += 15
    y += 6
    rights = [460.0, 540.0]
    for x, heading in zip(rights, ["2025", "2024"], strict=True):
        pdf.text(x - pdf.get_string_width(heading), y, heading)
    y += 16
    for label, cells in ROWS:
        pdf.set_font("Helvetica", "B" if cells is None else "", 9)
        pdf.text(48 if cells is None or label.startswith(("Total", "Net")) else 58, y, label)
        for k, (x, cell) in enumerate(zip(rights, cells or [], strict=False)):
            shift = 40 if (label, k) == ("Real Estate Taxes", 0) else 0
            hang = 0 if cell.endswith(")") else pdf.get_string_width(")")
            pdf.text(x - shift - hang - pdf.get_string_width(cell), y, cell)
        y += 14
    path = tmp_path / "maple_court_2025.pdf"
    pdf.output(str(path))
    return path


def test_a_statement_the_layout_misreads_is_given_as_the_llm_read_it(llm_standin: Standin,
                                                                     stray_figure_pdf: Path) -> None:
    alone = extract(stray_figure_pdf, llm=None)
    assert alone["status"] == "needs_review"  # the layout reader lost the stray figure: its totals do not tie
    llm_standin.answer(reader(answer_of(TITLES, ["2025", "2024"], ROWS, MAPLE_KEYS)))
    result = extract(stray_figure_pdf, llm=llm_from_env(sink=lambda call: None))
    assert validation_errors(result) == []
    assert result["status"] == "extracted", result["warnings"]
    model = "claude-haiku-4-5" if llm_standin.provider == "anthropic" else "gpt-4.1-mini"
    assert result["method"] == f"llm:{llm_standin.provider}:{model}"
    assert result["warnings"][0].startswith("The layout reader's result needed review")
    assert "checks passed: " in result["warnings"][0] and "total_operating_expenses (2025)" in result["warnings"][0]
    values = {i["label"]: i["values"] for i in result["line_items"]}
    assert values["Real Estate Taxes"] == {"2025": 200_000, "2024": 190_000}
    assert values["Vacancy"] == {"2025": -120_000, "2024": -100_000}  # the sign as printed: parentheses
    assert result["totals"]["2025"]["net_operating_income"] == 735_000
    taxes = next(i for i in result["line_items"] if i["label"] == "Real Estate Taxes")
    assert taxes["source"]["page"] == 1 and len(taxes["source"]["bbox"]) == 4  # cited where it is printed


def test_an_llm_failure_leaves_the_layout_result_with_a_warning(llm_standin: Standin, peso) -> None:
    path, statement = peso
    llm_standin.answer(reader(statement))
    llm_standin.control.fail_next(*[500] * 10)
    calls: list[LlmCall] = []
    result = extract(path, llm=llm_from_env(sink=calls.append))
    assert result["status"] == "extracted" and result["method"] == "layout"
    [note] = [w for w in result["warnings"] if w.startswith("An LLM")]
    assert "could not" in note and "(HTTP 500) after 4 attempts" in note and calls[0].status == "error"


def test_an_llm_timeout_leaves_the_layout_result_with_a_warning(llm_standin: Standin, stray_figure_pdf: Path) -> None:
    alone = extract(stray_figure_pdf, llm=None)
    llm_standin.control.delay_next(2.0)
    result = extract(stray_figure_pdf, llm=llm_from_env(sink=lambda call: None, timeout=0.3, max_retries=0))
    assert result["status"] == "needs_review"  # the layout reader's result, as it was
    assert {k: v for k, v in result.items() if k != "warnings"} == {k: v for k, v in alone.items() if k != "warnings"}
    assert any(w.startswith("An LLM") and "did not answer within 0.3 s" in w for w in result["warnings"])


@pytest.mark.parametrize("provider", ["anthropic", "openai"])
def test_without_a_key_nothing_calls_out(provider: str, request: pytest.FixtureRequest,
                                         monkeypatch: pytest.MonkeyPatch, peso) -> None:
    server: Standin = request.getfixturevalue(f"{provider}_server")
    monkeypatch.delenv("ANTHROPIC_API_KEY")  if provider == "anthropic" else monkeypatch.delenv("OPENAI_API_KEY")
    result = extract(peso[0])  # the client the environment configures: none
    assert result["status"] == "extracted" and result["method"] == "layout"
    assert server.requests == []


def test_a_scan_is_read_again_from_its_ocr_lines_and_page_images(llm_standin: Standin, tmp_path: Path) -> None:
    from tests.ies.handmade import image_only_copy, write_pdf

    text = tmp_path / "maple_text.pdf"
    write_pdf(text, TITLES, [["2025"], ["2024"]], ROWS)
    scan = tmp_path / "maple_scan.pdf"
    image_only_copy(text, scan)
    llm_standin.answer(reader(answer_of(TITLES, ["2025", "2024"], ROWS, MAPLE_KEYS)))
    result = extract(scan, llm=llm_from_env(sink=lambda call: None))  # tesseract reads the page
    assert result["status"] == "extracted", result["warnings"]
    assert result["method"].startswith("ocr:tesseract+layout") and result["method"].endswith("+llm-confirmed")
    [sent] = second_reads(llm_standin)
    content = sent["messages"][-1]["content"]
    if llm_standin.provider == "anthropic":
        [image] = [b for b in content if b["type"] == "image"]
        assert image["source"]["media_type"] == "image/png"  # the stand-in decoded it and checked it is one
    else:
        [image] = [p for p in content if p["type"] == "image_url"]
        assert image["image_url"]["url"].startswith("data:image/png;base64,")
    assert "are the scanned pages; the lines below are what OCR read on them" in json.dumps(content)


def test_a_spreadsheet_is_read_again_row_by_row(llm_standin: Standin, tmp_path: Path) -> None:
    doc = DOCS["amount_column_with_period_title"]()
    path = tmp_path / doc.filename
    path.write_bytes(doc.data)
    grid = doc.sheets[0].grid
    header = next(i for i, row in enumerate(grid) if "Amount" in row)
    rows = [(row[0].strip(), None if row[3] is None else [f"{row[3]:.2f}"])
            for row in grid[header + 1:] if row and row[0]]
    keys = {"Product sales": "revenue", "Service revenue": "revenue", "TOTAL REVENUE": "total_income",
            "Cost of goods sold": "cost_of_goods_sold", "TOTAL COST OF SALES": "cost_of_goods_sold",
            "GROSS PROFIT": "gross_profit", "TOTAL EXPENSES": "total_operating_expenses",
            "OPERATING PROFIT": "net_operating_income", "Interest income": "other_income", "NET PROFIT": "net_income"}
    titles = [r[0] for r in grid[1:header] if r]
    llm_standin.answer(reader(answer_of(titles, ["Amount"], rows, keys)))
    result = extract(path, llm=llm_from_env(sink=lambda call: None))
    assert result["status"] == "extracted" and result["method"].endswith("+llm-confirmed"), result["warnings"]
    [sent] = second_reads(llm_standin)
    assert "'Income Statement' r" in json.dumps(sent["messages"])  # lines cited by sheet and row


def test_when_neither_reading_ties_out_the_layout_result_stands_with_the_llms_reasons(
        llm_standin: Standin, stray_figure_pdf: Path) -> None:
    alone = extract(stray_figure_pdf, llm=None)
    statement = answer_of(TITLES, ["2025", "2024"], ROWS, MAPLE_KEYS)
    statement["rows"] = [r for r in statement["rows"] if r["label"] != "Insurance"]  # the model skipped a row
    llm_standin.answer(reader(statement))
    result = extract(stray_figure_pdf, llm=llm_from_env(sink=lambda call: None))
    assert result["status"] == "needs_review"
    assert result["line_items"] == alone["line_items"] and result["method"] == alone["method"]
    [note] = [w for w in result["warnings"] if w.startswith("An LLM")]
    assert "could not settle it either" in note and "Tie-out failed: total_operating_expenses" in note
