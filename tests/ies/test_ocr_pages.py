"""A scan of several pages is read quickly first and only the pages that may hold the income statement
are read by OCR in full (pipelines/ies/scan_pages.py): the other statements of a packet are passed over,
and neither a statement carried over to an untitled page nor one the quick read cannot place is lost."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from pipelines.ies import extract as extract_module
from pipelines.ies.ocr import TesseractOcr
from pipelines.ies.pdf_layout import Word
from pipelines.ies.scan_pages import pages_to_read
from tests.ies.handmade import image_only_copy
from tests.ies.pattern_docs import income_statement_over_two_pages, packet_balance_sheet_first
from tests.ies.patterns import HEADLINE, Page, draw_pdf


class CountingTesseract(TesseractOcr):
    """The real engine, counting the pages it reads in full (by their size: no two pages here are alike)."""

    def __init__(self) -> None:
        super().__init__()
        self.full_reads: list[tuple[int, int]] = []

    def page_words(self, image: Image.Image):
        self.full_reads.append(image.size)
        return super().page_words(image)


def test_a_packet_scan_reads_in_full_only_the_income_statement_and_the_page_it_continues_on(
        tmp_path: Path, monkeypatch) -> None:
    packet = packet_balance_sheet_first()  # balance sheet, income statement, equity, cash flows, notes
    carried = income_statement_over_two_pages()
    first, second = carried.pages or []
    untitled = Page([], second.headings, second.rows, footer=second.footer)  # carried over with no title at all
    balance_sheet, cash_flows = (packet.pages or [])[0], (packet.pages or [])[3]
    text = tmp_path / "packet.pdf"
    text.write_bytes(draw_pdf([balance_sheet, first, untitled, cash_flows]))
    scan = tmp_path / "scan.pdf"
    image_only_copy(text, scan)
    engine = CountingTesseract()
    monkeypatch.setattr(extract_module, "available_engine", lambda: (engine, ""))

    result = extract_module.extract(scan, llm=None)

    assert len(engine.full_reads) == 2  # pages 2 and 3; the balance sheet and the cash flows only quickly
    assert result["method"].startswith("ocr:tesseract+layout")
    assert {item["source"]["page"] for item in result["line_items"]} == {2, 3}
    for want in carried.expect.periods:
        period = next(p for p in result["periods"] if p["end"] == want.end)
        got = result["totals"][period["key"]]
        assert {k: got.get(k) for k in HEADLINE if k in want.figures} == {
            k: want.figures[k] for k in HEADLINE if k in want.figures}


def line(y: float, *texts: str) -> list[Word]:
    """One printed line of words, left to right from x=50, at height y (points)."""
    words, x = [], 50.0
    for text in texts:
        words.append(Word(text, x, x + 6 * len(text), y, y + 9))
        x += 6 * len(text) + 120
    return words


BALANCE_SHEET = [*line(40, "STATEMENTS", "OF", "FINANCIAL", "POSITION"), *line(70, "2024", "2023"),
                 *line(90, "Cash", "1,000", "900"), *line(104, "Receivables", "2,000", "1,800"),
                 *line(118, "Total", "assets", "3,000", "2,700")]
INCOME = [*line(40, "STATEMENTS", "OF", "INCOME"), *line(70, "2024", "2023"), *line(90, "Revenue", "5,000", "4,000"),
          *line(104, "Salaries", "1,000", "900"), *line(118, "Net", "income", "4,000", "3,100")]
CASH_FLOWS = [*line(40, "STATEMENTS", "OF", "CASH", "FLOWS"), *line(70, "2024", "2023"),
              *line(90, "Net", "cash", "from", "operating", "activities", "700", "600")]
UNTITLED = [*line(90, "Rent", "700", "600"), *line(104, "Utilities", "300", "250")]


def test_pages_naming_other_statements_are_passed_over_and_untitled_ones_read() -> None:
    assert pages_to_read([BALANCE_SHEET, INCOME, UNTITLED, CASH_FLOWS]) == [2, 3]


def test_an_income_statement_starting_lower_on_a_balance_sheet_page_is_read() -> None:
    lower = [Word(w.text, w.x0, w.x1, w.top + 200, w.bottom + 200) for w in INCOME]
    assert pages_to_read([BALANCE_SHEET + lower, CASH_FLOWS]) == [1]


def test_every_page_is_read_when_the_quick_read_finds_no_income_statement() -> None:
    garbled = line(40, "STATEMENTS", "OF", "lNC0ME")  # a title the quick read garbled, no rows to classify
    assert pages_to_read([BALANCE_SHEET, garbled, CASH_FLOWS]) == [1, 2, 3]
    assert pages_to_read([BALANCE_SHEET, CASH_FLOWS]) == [1, 2]
