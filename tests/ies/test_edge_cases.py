"""Hand-made statements: the layouts and printing habits the extractor must survive, one at a time."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from pipelines.ies.extract import extract, extract_bytes
from pipelines.ies.limits import Deadline
from pipelines.ies.result import validation_errors
from tests.ies.handmade import bad_inputs, write_pdf, write_xlsx

PROPERTY_ROWS = [
    ("INCOME", None),
    ("Gross Potential Rent", ["$1,200", "$1,100"]),
    ("Less: Vacancy", ["120", "100"]),  # a deduction printed positive
    ("Concessions", ["(30)", "-20"]),
    ("Laundry Income", ["15-", "-"]),  # a refund, trailing minus; zero as a dash
    ("Total Income", ["$1,035", "$980"]),
    ("OPERATING EXPENSES", None),
    ("R&M", ["100", "90"]),
    ("RE Taxes", ["200", "190"]),
    ("Mgmt. Fees", ["50", "0"]),
    ("Total Operating Exp.", ["350", "280"]),
    ("Net Operating Income (NOI)", ["685", "700"]),
]


def values(result: dict, label: str) -> dict[str, float]:
    return next(i["values"] for i in result["line_items"] if i["label"] == label)


def test_pdf_with_wrapped_headings_leaders_thousands_and_three_negative_styles(tmp_path: Path) -> None:
    path = tmp_path / "statement.pdf"
    write_pdf(path, ["Maple Court Apartments", "Operating Statement", "Years Ended December 31, 2024 - 2025",
                     "(in thousands)"], [["Year Ended", "Dec 31, 2025"], ["Year Ended", "Dec 31, 2024"]],
              PROPERTY_ROWS, leaders=True)
    result = extract(path)
    assert result["status"] == "extracted", result["warnings"]
    assert result["unit_multiplier"] == 1000
    assert [p["key"] for p in result["periods"]] == ["2025", "2024"]
    assert result["periods"][0]["label"] == "Year Ended Dec 31, 2025"
    assert values(result, "Gross Potential Rent") == {"2025": 1_200_000, "2024": 1_100_000}
    assert values(result, "Less: Vacancy") == {"2025": -120_000, "2024": -100_000}
    assert values(result, "Concessions") == {"2025": -30_000, "2024": -20_000}  # (30) and -20
    assert values(result, "Laundry Income") == {"2025": -15_000, "2024": 0}  # 15- and a dash
    assert values(result, "Mgmt. Fees")["2024"] == 0
    assert result["entity_name"] == "Maple Court Apartments"
    assert result["statement_type"] == "property_operating"
    canon = {i["label"]: i["canonical"] for i in result["line_items"]}
    assert canon["R&M"] == "repairs_maintenance" and canon["RE Taxes"] == "property_taxes"
    assert canon["Net Operating Income (NOI)"] == "net_operating_income"
    assert result["totals"]["2025"]["net_operating_income"] == 685_000


def test_multi_page_t12_with_repeated_headers_and_a_total_column(tmp_path: Path) -> None:
    months = ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"]  # four columns keep the test page narrow
    rows = [("REVENUE", None), ("Sales", ["10", "20", "30", "40", "100"]),
            ("Total Revenue", ["10", "20", "30", "40", "100"]), ("EXPENSES", None),
            *[(f"Office Rent {n}", ["1", "1", "1", "1", "4"]) for n in range(1, 4)],
            ("Total Expenses", ["3", "3", "3", "3", "12"]), ("Net Operating Income", ["7", "17", "27", "37", "88"])]
    path = tmp_path / "t4.pdf"
    write_pdf(path, ["Peak Roofing", "Monthly Income Statement"], [[m] for m in months] + [["Total"]], rows,
              rows_per_page=4)
    result = extract(path)
    assert [p["key"] for p in result["periods"]] == ["2026-01", "2026-02", "2026-03", "2026-04", "YTD-2026-04"]
    assert {i["source"]["page"] for i in result["line_items"]} == {1, 2, 3}
    assert values(result, "Net Operating Income")["YTD-2026-04"] == 88
    assert result["status"] == "extracted", result["warnings"]


def test_csv_with_bom_crlf_title_lines_raw_numbers_and_a_percent_column(tmp_path: Path) -> None:
    lines = ["Cedar Ridge Plaza,,,", "Income Statement,,,", "(Amounts in $000s),,,", ",,,",
             "Account,2024,2025,% of Income", "INCOME,,,", "Gross Rents,-1234.5,2000,50.0%",
             "Vacancy,-100,-200,-5.0%", "Total Income,-1334.5,1800,100.0%", "Expenses,,,",
             "Utilities,300,400,20.0%", "Total Expenses,300,400,20.0%", "NOI,-1634.5,1400,70.0%"]
    path = tmp_path / "statement.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    result = extract(path)
    assert result["unit_multiplier"] == 1000
    assert [p["key"] for p in result["periods"]] == ["2024", "2025"]
    assert values(result, "Gross Rents") == {"2024": -1_234_500, "2025": 2_000_000}
    assert values(result, "Vacancy") == {"2024": -100_000, "2025": -200_000}
    assert result["line_items"][0]["source"] == {"row": 7}
    assert result["status"] == "extracted", result["warnings"]
    assert any("% of Income" in w and "not a period" in w for w in result["warnings"])


def test_xlsx_picks_the_statement_sheet_and_reads_numbers_stored_as_text(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    statement = [["Summit Roofing LLC"], ["Profit and Loss"], ["For the Year Ended June 30, 2026"], [],
                 ["Acct", "Description", "FY 2026", "FY 2025"],
                 [None, "REVENUE"], [4010, "Roofing Revenue", "$1,000", 900], [4020, "Interest Income", "5", 4],
                 [None, "Total Revenue", "1,005", 904], [5010, "Cost of Sales", "(600)", -500],
                 [None, "Gross Profit", "405", 404], [None, "EXPENSES"], [6010, "Salaries & Wages", "200", 190],
                 [6020, "Advertising", "50", 40], [None, "Total Expenses", "250", 230],
                 [None, "Operating Income", "155", 174]]
    write_xlsx(path, {"Cover": [["Summit Roofing LLC"], ["Submitted with the application"]],
                      "P&L": statement, "Notes": [["Notes"], ["Unaudited."]]})
    result = extract(path)
    assert [p["key"] for p in result["periods"]] == ["FY2026-06", "FY2025-06"]
    assert values(result, "Roofing Revenue") == {"FY2026-06": 1000, "FY2025-06": 900}
    # costs printed in parentheses (to show they are subtracted) are still costs: positive
    assert values(result, "Cost of Sales") == {"FY2026-06": 600, "FY2025-06": 500}
    assert result["line_items"][0]["source"] == {"sheet": "P&L", "row": 7}
    assert result["statement_type"] == "business_pnl"
    assert result["status"] == "extracted", result["warnings"]
    assert result["entity_name"] == "Summit Roofing LLC"


def test_a_pdf_renamed_csv_is_read_as_a_pdf(ies_corpus: Path, tmp_path: Path, ies_cases) -> None:
    truth, original = next((t, r) for t, r in ies_cases if t["format"] == "pdf" and not t["scanned"])
    renamed = tmp_path / "statement.csv"
    shutil.copy(ies_corpus / "ies" / truth["file"], renamed)
    result = extract(renamed)
    assert result["source_file"] == "statement.csv"
    assert result["line_items"] == original["line_items"] and result["document_id"] == original["document_id"]


@pytest.mark.parametrize(("content", "phrase"), [
    (bytes(range(256)) * 8, "not a PDF, XLSX or CSV"),
    (b"", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "save it as .xlsx"),
    (b"Just a note, nothing more\nsecond line, still nothing\n", "No row of column headings"),
    (b"%PDF-1.4\n garbage that is no pdf", "cannot be opened"),
])
def test_unreadable_files_fail_with_a_reason(tmp_path: Path, content: bytes, phrase: str) -> None:
    path = tmp_path / "upload.pdf"
    path.write_bytes(content)
    result = extract(path)
    assert result["status"] == "failed"
    assert phrase in result["error"]
    assert validation_errors(result) == []


def test_a_row_whose_zeros_print_as_blanks_is_kept_at_zero(tmp_path: Path) -> None:
    lines = ["Account,2025", "REVENUE,", "Sales,500", "Total Revenue,500", "EXPENSES,", "Payroll,100",
             "Marketing,", "Total Expenses,100", "Operating Income,400"]
    path = tmp_path / "zero.csv"
    path.write_text("\n".join(lines))
    result = extract(path)
    assert values(result, "Marketing") == {"2025": 0}
    assert result["status"] == "extracted", result["warnings"]


def test_other_income_expense_heading_turns_parentheses_into_expenses(tmp_path: Path) -> None:
    lines = ["Account,2025", "REVENUE,", "Sales,1000", "Total Revenue,1000", "Cost of Goods Sold,600",
             "Gross Profit,400", "EXPENSES,", "Payroll,100", "Total Expenses,100", "Operating Income,300",
             "OTHER INCOME (EXPENSE),", "Interest Expense,(20)", "Depreciation,(30)", "Net Income,250"]
    path = tmp_path / "other.csv"
    path.write_text("\n".join(lines))
    result = extract(path)
    assert values(result, "Interest Expense") == {"2025": 20}
    assert values(result, "Depreciation") == {"2025": 30}
    assert {c["name"] for c in result["checks"]} >= {"net_income", "gross_profit", "net_operating_income"}
    assert result["status"] == "extracted", result["warnings"]


def test_an_unknown_label_is_unmapped_with_low_confidence_and_needs_review(tmp_path: Path) -> None:
    lines = ["Account,2025", "Sales,1000", "Zorblax Adjustment,5", "Total Revenue,1005"]
    path = tmp_path / "odd.csv"
    path.write_text("\n".join(lines))
    result = extract(path)
    item = next(i for i in result["line_items"] if i["label"] == "Zorblax Adjustment")
    assert item["canonical"] is None and item["confidence"] < 0.5
    assert result["status"] == "needs_review"
    assert any("could not be mapped" in w for w in result["warnings"])


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, str, str]]:
    return bad_inputs(tmp_path_factory.mktemp("bad-inputs"))


@pytest.mark.parametrize("name", ["empty.pdf", "truncated.pdf", "encrypted.pdf", "photo.pdf", "random.xlsx",
                                  "no_numbers.csv", "no_totals.csv", "500_pages.pdf"])
def test_the_issues_bad_inputs_end_failed_or_needs_review_with_a_reason(bad, name: str) -> None:
    data, status, phrase = bad[name]
    result = extract_bytes(data, name, llm=None)
    assert result["status"] == status
    said = result["error"] if status == "failed" else " ".join(result["warnings"])
    assert phrase in said, said
    assert said.rstrip().endswith(".") and "Traceback" not in said
    assert validation_errors(result) == []


def test_a_document_over_the_time_limit_fails_naming_the_limit_and_its_variable(
        bad, monkeypatch: pytest.MonkeyPatch) -> None:
    data, _status, _phrase = bad["500_pages.pdf"]
    monkeypatch.setenv("IES_MAX_PAGES", "1000")  # under the page limit: only the time limit can stop it
    monkeypatch.setenv("IES_DOCUMENT_TIMEOUT_SECONDS", "0.000001")
    result = extract_bytes(data, "long.pdf", llm=None)
    assert result["status"] == "failed"
    assert "IES_DOCUMENT_TIMEOUT_SECONDS" in result["error"] and "1e-06 s per-document limit" in result["error"]
    assert result["error"].startswith("Extraction stopped reading page 1 of 500")
    assert result["line_items"] == [] and validation_errors(result) == []


def test_an_expired_deadline_stops_every_reader_between_stages(tmp_path: Path) -> None:
    expired = Deadline(seconds=5, pages=100, started=time.monotonic() - 60)
    lines = ["Account,2025", "Sales,100", "Total Revenue,100"]
    (tmp_path / "s.csv").write_text("\n".join(lines))
    result = extract(tmp_path / "s.csv", llm=None, deadline=expired)
    assert result["status"] == "failed" and "after reading the layout" in result["error"]
    assert "IES_DOCUMENT_TIMEOUT_SECONDS" in result["error"]


def test_a_limit_set_to_something_else_than_a_number_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IES_MAX_PAGES", "many")
    with pytest.raises(ValueError, match="IES_MAX_PAGES='many' is not a number"):
        Deadline.from_env()
