"""Periods as QuickBooks and monthly packs print them, end to end on statements the test writes: the year
printed once in a month range, the period only in the title over a 'TOTAL' column, quarters, and two headed
columns under one stated period (which cannot be told apart, so neither is guessed)."""

from __future__ import annotations

from pathlib import Path

from pipelines.ies.extract import extract

BODY = ("Income,,\nSales,\"1,200.00\",\"1,000.00\"\nService Revenue,300.00,250.00\n"
        "Total Income,\"1,500.00\",\"1,250.00\"\n"
        "Expenses,,\nRent,400.00,380.00\nUtilities,100.00,90.00\nTotal Expenses,500.00,470.00\n"
        "Net Operating Income,\"1,000.00\",780.00\n")


def _csv(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "pl.csv"
    path.write_text(text)
    return extract(path, llm=None)


def test_quickbooks_month_range_headings(tmp_path: Path) -> None:
    result = _csv(tmp_path, "Acme Roofing LLC\nProfit and Loss\n,Jan - Dec 24,Jan - Dec 23\n" + BODY)
    assert result["status"] == "extracted", result["warnings"]
    assert [(p["key"], p["start"], p["end"]) for p in result["periods"]] == [
        ("2024", "2024-01-01", "2024-12-31"), ("2023", "2023-01-01", "2023-12-31")]
    assert result["totals"]["2023"]["net_operating_income"] == 780


def test_the_title_dates_a_single_total_column(tmp_path: Path) -> None:
    one = "\n".join(",".join(line.split(",")[:2]) for line in BODY.replace('"1,200.00"', "1200.00").replace(
        '"1,500.00"', "1500.00").replace('"1,000.00"', "1000.00").splitlines()) + "\n"
    result = _csv(tmp_path, "Acme Roofing LLC\nProfit and Loss\nJanuary - December 2024\n,TOTAL\n" + one)
    assert result["status"] == "extracted", result["warnings"]
    assert [(p["key"], p["months"]) for p in result["periods"]] == [("2024", 12)]
    assert result["totals"]["2024"]["total_income"] == 1500


def test_quarters_are_read_as_quarters(tmp_path: Path) -> None:
    result = _csv(tmp_path, "Acme Roofing LLC\nProfit and Loss by Quarter\n,Q2 2024,Q1 2024\n" + BODY)
    assert result["status"] == "extracted", result["warnings"]
    assert [(p["key"], p["start"], p["end"], p["months"]) for p in result["periods"]] == [
        ("T3-2024-06", "2024-04-01", "2024-06-30", 3), ("YTD-2024-03", "2024-01-01", "2024-03-31", 3)]


def test_two_headed_columns_under_one_stated_period_are_not_guessed(tmp_path: Path) -> None:
    for title in ('"Income Statement for the month ended September 30, 2020"',
                  "Income Statement for the month ended September 30, 2020"):  # unquoted: '2020' in column B
        result = _csv(tmp_path, f"Acme Roofing LLC\n{title}\n,Current Month,Year to Date\n" + BODY)
        assert result["status"] == "failed" and "names a period" in result["error"], result["periods"]
        assert result["periods"] == [] and result["line_items"] == []


def test_a_total_column_dated_by_the_title_is_not_said_to_be_ignored(tmp_path: Path) -> None:
    one = "".join(f"{line.split(',')[0]},{line.split(',')[1] if ',' in line else ''}\n"
                  for line in BODY.replace('"1,200.00"', "1200.00").replace('"1,500.00"', "1500.00")
                  .replace('"1,000.00"', "1000.00").replace('"1,250.00"', "1250.00").splitlines())
    result = _csv(tmp_path, "Acme Roofing LLC\nProfit & Loss\nJanuary through December 2024\n,Total\n" + one)
    assert result["status"] == "extracted" and [p["key"] for p in result["periods"]] == ["2024"]
    assert not any("ignored" in w for w in result["warnings"]), result["warnings"]


PDF_ROWS = [("Income", None), ("Sales", ["1,200.00", "1,000.00"]), ("Service Revenue", ["300.00", "250.00"]),
            ("Total Income", ["1,500.00", "1,250.00"]), ("Expenses", None), ("Rent", ["400.00", "380.00"]),
            ("Utilities", ["100.00", "90.00"]), ("Total Expenses", ["500.00", "470.00"]),
            ("Net Operating Income", ["1,000.00", "780.00"])]


def _pdf(tmp_path: Path, headings: list[str], titles: list[str]) -> dict:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    for i, title in enumerate(titles):
        pdf.text(230, 50 + 15 * i, title)
    pdf.set_font("Helvetica", "B", 9)
    rights = [430, 520]
    for x, heading in zip(rights, headings, strict=False):
        pdf.text(x - pdf.get_string_width(heading), 110, heading)
    y = 128
    for label, cells in PDF_ROWS:
        pdf.set_font("Helvetica", "B" if cells is None or label.startswith(("Total", "Net")) else "", 9)
        pdf.text(50 if cells is None else 60, y, label)
        for x, cell in zip(rights, cells or [], strict=False):
            pdf.text(x - pdf.get_string_width(cell), y, cell)
        y += 14
    path = tmp_path / "pl.pdf"
    pdf.output(str(path))
    return extract(path, llm=None)


def test_a_pdf_headed_jan_dec_24_reads_both_years(tmp_path: Path) -> None:
    """'Jan - Dec 24' over the figures is the header row (its '-' and '24' are no row of figures)."""
    result = _pdf(tmp_path, ["Jan - Dec 24", "Jan - Dec 23"], ["Acme Roofing LLC", "Profit and Loss"])
    assert result["status"] == "extracted", result["warnings"]
    assert result["totals"]["2024"]["total_income"] == 1500 and result["totals"]["2023"]["total_income"] == 1250


def test_unnamed_columns_side_by_side_are_not_folded_into_the_title_period(tmp_path: Path) -> None:
    """Two unheaded columns printing figures on the same rows are two periods, not items and their totals:
    the one period the title states is not given to both (that would read 2023's figures as 2024's)."""
    result = _pdf(tmp_path, [], ["Acme Roofing LLC", "Profit and Loss", "January - December 2024"])
    assert result["status"] == "failed" and "names a period" in result["error"]
