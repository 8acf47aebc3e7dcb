"""Printed amounts and column headings."""

from __future__ import annotations

import pytest

from pipelines.ies.numbers import parse_amount, unit_multiplier
from pipelines.ies.periods import fiscal_year_end, read_columns, title_period


@pytest.mark.parametrize(("text", "value"), [
    ("(1,234)", -1234), ("-1,234", -1234), ("1,234-", -1234),  # the three negative styles
    ("$(1,234.56)", -1234.56), ("($1,234)", -1234), ("-$1,234", -1234), ("$1,234-", -1234),
    ("$1,234", 1234), ("1,234,567.89", 1234567.89), ("-1234.5", -1234.5), ("12", 12),
    ("-", 0), ("\u2014", 0), ("$ -", 0), ("0", 0), ("0.00", 0),
])
def test_printed_amounts(text: str, value: float) -> None:
    amount = parse_amount(text)
    assert amount is not None and amount.value == pytest.approx(value) and not amount.percent


@pytest.mark.parametrize("text", ["", "Total", "31,", "1,23", "-(1)", "(1,234)-", "12/31/2025", "Oct-25"])
def test_what_is_not_an_amount(text: str) -> None:
    assert parse_amount(text) is None


def test_percentages_are_told_apart() -> None:
    assert parse_amount("8.2%").percent and parse_amount("(3.1%)").value == pytest.approx(-3.1)


@pytest.mark.parametrize(("lines", "multiplier"), [
    (["(in thousands)"], 1000), (["(Amounts in $000s)"], 1000), (["Amounts in thousands"], 1000),
    (["(000's omitted)"], 1000), (["in millions"], 1_000_000), (["Profit and Loss", "2025"], 1),
])
def test_unit_multiplier(lines: list[str], multiplier: int) -> None:
    assert unit_multiplier(lines) == multiplier


def keys(headings: list[str], context: str = "") -> list[str | None]:
    return [p.key if p else None for p in read_columns(headings, context).periods]


def test_t12_months_and_total_column() -> None:
    months = ["Oct 2025", "Nov-25", "12/2025", "January 2026", "Feb '26", "Mar 2026", "Apr 2026", "May 2026",
              "Jun 2026", "Jul 2026", "Aug 2026", "Sep 2026"]
    got = keys([*months, "12 Mo Total"])
    assert got[:3] == ["2025-10", "2025-11", "2025-12"] and got[-2] == "2026-09" and got[-1] == "T12-2026-09"
    total = read_columns([*months, "T-12 Total"], "").periods[-1]
    assert total.months == 12 and str(total.start) == "2025-10-01" and str(total.end) == "2026-09-30"


def test_annual_columns_newest_first_and_fiscal_years() -> None:
    assert keys(["Dec 31, 2025", "12/31/2024", "2023 Actual"]) == ["2025", "2024", "2023"]
    assert keys(["FYE 6/30/2025", "Year Ended Jun 2024"]) == ["FY2025-06", "FY2024-06"]
    assert keys(["FY 2025", "FY24"], "Years Ended June 30, 2024 - 2025") == ["FY2025-06", "FY2024-06"]
    assert keys(["FY 2025"], "January 1 - December 31, 2025") == ["2025"]
    reading = read_columns(["FY 2025"], "Comparative Statement, 2023 through 2025")
    assert [p.key for p in reading.periods] == ["2025"] and "assumed December 31" in reading.warnings[0]


def test_year_to_date_columns() -> None:
    assert keys(["YTD Aug 2026", "2025"]) == ["YTD-2026-08", "2025"]
    assert keys(["8 Months Ended 08/31/2026"]) == ["YTD-2026-08"]
    assert keys(["2026 YTD"], "Year to date through August 2026") == ["YTD-2026-08"]


def test_columns_that_are_not_periods_are_none() -> None:
    reading = read_columns(["2025", "% of Income", "Per Unit", "Budget 2025", "Variance", ""], "")
    assert [p.key if p else None for p in reading.periods] == ["2025", None, None, None, None, None]
    assert sum("is not a period" in w for w in reading.warnings) == 4


def test_fiscal_year_end_from_the_period_line() -> None:
    assert fiscal_year_end("For the Year Ended June 30, 2026") == 6
    assert fiscal_year_end("Twelve Months Ended 9/30/2026") == 9
    assert fiscal_year_end("Comparative Statement, 2023 through 2025") is None


def test_ocr_slips_in_a_run_of_months_are_mended() -> None:
    # What tesseract read from a blurred scan's bold T-12 headings: 09→08, 11→1, 05→06, 06→08.
    read = ["08/2025", "10/2025", "1/2025", "12/2025", "01/2026", "02/2026", "03/2026", "04/2026", "06/2026",
            "08/2026", "07/2026", "08/2026", "Total"]
    reading = read_columns(read, "")
    assert [p.key if p else None for p in reading.periods] == [
        "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
        "2026-06", "2026-07", "2026-08", "T12-2026-08"]
    assert sum("OCR misreading" in w for w in reading.warnings) == 4
    # Newest first, month names: 'Jun' for 'Jan' is one letter off.
    assert keys(["Mar 2026", "Feb 2026", "Jun 2026", "Dec 2025"]) == ["2026-03", "2026-02", "2026-01", "2025-12"]


def test_a_statement_that_skips_months_is_left_as_printed() -> None:
    # Not a slip: the skipped month's heading differs in more than one character, or no run is agreed on.
    assert keys(["01/2025", "02/2025", "03/2025", "07/2025"]) == ["2025-01", "2025-02", "2025-03", "2025-07"]
    assert keys(["01/2025", "03/2025", "05/2025"]) == ["2025-01", "2025-03", "2025-05"]
    assert keys(["Jan 2025", "Feb 2025", "Mar 2025", "Dec 2025"]) == ["2025-01", "2025-02", "2025-03", "2025-12"]


def _spans(headings: list[str], context: str = "") -> list[tuple[str, str, str, int] | None]:
    return [(p.key, str(p.start), str(p.end), p.months) if p else None
            for p in read_columns(headings, context).periods]


def test_month_ranges_with_the_year_printed_once() -> None:
    """QuickBooks heads a P&L column 'Jan - Dec 24' (or 'Jan 1 - Dec 31, 24'): a year, not a guess."""
    assert _spans(["Jan - Dec 24", "Jan - Dec 23"]) == [("2024", "2024-01-01", "2024-12-31", 12),
                                                        ("2023", "2023-01-01", "2023-12-31", 12)]
    assert _spans(["Jan 1 - Dec 31, 24"]) == [("2024", "2024-01-01", "2024-12-31", 12)]
    assert _spans(["Jul - Jun 24"]) == [("FY2024-06", "2023-07-01", "2024-06-30", 12)]  # it wraps: began in 2023


def test_quarters_are_three_months_never_their_year() -> None:
    assert _spans(["Q1 2024", "Q2 2024", "Total"]) == [
        ("YTD-2024-03", "2024-01-01", "2024-03-31", 3), ("T3-2024-06", "2024-04-01", "2024-06-30", 3),
        ("YTD-2024-06", "2024-01-01", "2024-06-30", 6)]
    assert _spans(["1Q24", "4Q24"]) == [("YTD-2024-03", "2024-01-01", "2024-03-31", 3),
                                        ("T3-2024-12", "2024-10-01", "2024-12-31", 3)]
    # a fiscal quarter of a June year, or a quarter printed some other way: not placed, and never the year
    assert _spans(["Q1 2024"], "For the years ended June 30") == [None]
    assert _spans(["Qtr Ended 3/31/24 (2024)"]) == [None]


@pytest.mark.parametrize(("title", "period"), [
    ("Profit and Loss\nJanuary - December 2024", ("2024", "2024-01-01", "2024-12-31", 12)),
    ("Profit and Loss\nJanuary 1 - December 31, 2024", ("2024", "2024-01-01", "2024-12-31", 12)),
    ("Income Statement for the month ended September 30, 2020", ("2020-09", "2020-09-01", "2020-09-30", 1)),
    ("For the quarter ended June 30, 2024", ("T3-2024-06", "2024-04-01", "2024-06-30", 3)),
    ("For the Period Ending 06/30/2024", None),  # a month? a quarter? not said: no period
    ("As of December 31, 2024", None),
])
def test_periods_stated_in_titles(title: str, period: tuple[str, str, str, int] | None) -> None:
    got = title_period(title)
    assert (got and (got.key, str(got.start), str(got.end), got.months)) == period
