"""Resource bounds: small files that unpack, decode or render to something huge end `failed` with a
reason naming the limit, before the huge thing is built (peak Python memory is measured with
tracemalloc); normal statements read as before."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from brainops.sample import ies_hostile
from pipelines.ies.extract import extract_bytes
from pipelines.ies.limits import DocumentLimitExceeded, SizeLimits
from pipelines.ies.pdf_bounds import check_streams, inflated_size
from pipelines.ies.result import validation_errors
from pipelines.ies.xlsx_reader import sheet_grids
from tests.ies.handmade import write_xlsx

MB = 1024 * 1024


def extract_traced(data: bytes, name: str) -> tuple[dict, float]:
    """The result and the peak of Python allocations while extracting, in MB (imports and the label
    mappers warmed by a first run, so only the reading counts)."""
    extract_bytes(data, name, llm=None)
    tracemalloc.start()
    try:
        result = extract_bytes(data, name, llm=None)
        peak = tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()
    return result, peak


def assert_failed(result: dict, *phrases: str) -> None:
    assert result["status"] == "failed", result
    assert all(phrase in result["error"] for phrase in phrases), result["error"]
    assert result["error"].rstrip().endswith(".") and result["line_items"] == []
    assert validation_errors(result) == []


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return ies_hostile.xlsx_bomb()


def test_the_findings_xlsx_bomb_fails_on_its_compression_ratio_without_being_unpacked(bomb: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    assert len(bomb) < 250_000 and unpacked > 45 * MB  # the finding's shape: ~190 KB that unpacks to ~49 MB
    result, peak = extract_traced(bomb, "statement.xlsx")
    assert_failed(result, "sheet 'P&L' unpacks from 0.2 MB to 46.4 MB", "IES_MAX_COMPRESSION_RATIO",
                  "upload that")
    assert peak < 5, f"{peak:.1f} MB"  # the zip directory only (unbounded, openpyxl took ~870 MB)


def test_a_workbook_over_the_unpacked_size_limit_fails_naming_its_largest_part(
        bomb: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IES_MAX_UNCOMPRESSED_MB", "10")
    result = extract_bytes(bomb, "statement.xlsx", llm=None)
    assert_failed(result, "unpacks to 46.5 MB (sheet 'P&L' alone 46.4 MB), more than the 10.0 MB limit",
                  "IES_MAX_UNCOMPRESSED_MB")


def test_under_the_ratio_and_size_limits_the_bomb_is_stopped_by_counting_its_cells(
        bomb: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IES_MAX_COMPRESSION_RATIO", "1000")
    result, peak = extract_traced(bomb, "statement.xlsx")
    assert_failed(result, "sheet 'P&L' reaches row 50,001 and column T: a grid of 1,000,020 cells or more",
                  "1,000,000-cell limit (IES_MAX_CELLS)")
    assert peak < 10, f"{peak:.1f} MB"  # scanned a megabyte at a time, never a grid


def test_a_sheet_part_that_inflates_past_its_declared_size_is_refused() -> None:
    lying = ies_hostile.xlsx_lying_member(claimed=2_000)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        assert archive.getinfo(ies_hostile.SHEET).file_size == 2_000
    result, peak = extract_traced(lying, "statement.xlsx")
    assert_failed(result, "sheet 'P&L' declares 2,000 bytes", "unpacks to more", "Save the statement again")
    assert peak < 5, f"{peak:.1f} MB"


@pytest.mark.parametrize(("declared", "phrase"), [
    (False, "reaches row 1,048,576"),  # two cells, no <dimension>: the grid a padded reader would build
    (True, "declares the range A1:XFD1048576 (17,179,869,184 cells)"),
])
def test_a_sheet_spanning_the_largest_grid_fails_before_a_row_is_padded(declared: bool, phrase: str) -> None:
    result, peak = extract_traced(ies_hostile.xlsx_far_cells(declare_dimension=declared), "statement.xlsx")
    assert_failed(result, phrase, "IES_MAX_CELLS")
    assert peak < 5, f"{peak:.1f} MB"  # unbounded, openpyxl pads 17 billion cells (out of memory)


def test_a_small_sheet_claiming_a_huge_range_fails_naming_the_range() -> None:
    result = extract_bytes(ies_hostile.xlsx_declared_only("A1:ZZ100000"), "statement.xlsx", llm=None)
    assert_failed(result, "declares the range A1:ZZ100000 (70,200,000 cells)", "IES_MAX_CELLS")


def test_a_workbook_with_more_parts_than_the_limit_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "book.xlsx"
    write_xlsx(path, {"P&L": [["Account", "2025"], ["Sales", 100], ["Total Revenue", 100]]})
    monkeypatch.setenv("IES_MAX_ZIP_MEMBERS", "3")
    result = extract_bytes(path.read_bytes(), "book.xlsx", llm=None)
    assert_failed(result, "parts, more than the 3 a workbook may have (IES_MAX_ZIP_MEMBERS)")


def test_the_streamed_cell_count_stops_reading_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    rows = [["Account", "2025"], *[[f"Expense {n}", n] for n in range(1, 200)]]
    write_xlsx(path, {"Cover": [["Acme Roofing"]], "P&L": rows})
    limits = replace(SizeLimits.from_env(), cells=300)
    grids = sheet_grids(path.read_bytes(), limits)
    assert next(grids)[0] == "Cover"
    with pytest.raises(DocumentLimitExceeded, match=r"Sheet 'P&L' holds more than the 300-cell limit .* by row 150"):
        next(grids)


def test_streaming_read_only_gives_the_grids_the_full_load_gave(ies_corpus: Path) -> None:
    """Interpretation unchanged: every sample workbook's sheets, read-only and streamed, are the full
    load's grids (whose rows openpyxl pads to the sheet's widest; trailing blanks aside)."""
    def trimmed(grid: list[list]) -> list[list]:
        rows = [list(row) for row in grid]
        for row in rows:
            while row and row[-1] is None:
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        return rows

    books = sorted((ies_corpus / "ies").glob("*.xlsx"))
    assert len(books) >= 10
    for book in books:
        data = book.read_bytes()
        full = load_workbook(io.BytesIO(data), data_only=True)
        # A percentage column is read as the text it shows ("12.5%"), so it is never taken for an amount.
        expected = [(ws.title, trimmed([[f"{c.value * 100:.6g}%" if isinstance(c.value, int | float)
                                         and "%" in str(c.number_format) else c.value for c in row]
                                        for row in ws.iter_rows()])) for ws in full.worksheets]
        streamed = [(title, trimmed(grid)) for title, grid, _styles in sheet_grids(data, SizeLimits.from_env())]
        assert streamed == expected, book.name


def test_a_csv_of_one_endless_line_fails_before_it_becomes_a_list() -> None:
    result, peak = extract_traced(ies_hostile.csv_wide(2_000_000), "ledger.csv")
    assert_failed(result, "The CSV file holds 2,000,000 cells or more", "IES_MAX_CELLS", "Export the statement alone")
    assert peak < 25, f"{peak:.1f} MB"  # the text and one line of it (a list of 2 million cells is 16 MB more)


def test_a_csv_of_endless_empty_lines_fails_on_its_cell_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IES_MAX_CELLS", "10000")
    result = extract_bytes(b"Account,2025\nSales,100\n" + b"\n" * 20_000, "blank.csv", llm=None)
    assert_failed(result, "10,000-cell limit (IES_MAX_CELLS)")


def test_a_pdf_embedding_a_gigantic_image_fails_before_anything_decodes_it() -> None:
    result = extract_bytes(ies_hostile.pdf_huge_image(10_000, 10_000), "scan.pdf", llm=None)
    assert_failed(result, "Page 1 holds an image of 10,000 x 10,000 pixels (100 million)",
                  "50-million-pixel limit for one image (IES_MAX_IMAGE_PIXELS)")


def test_a_scanned_page_too_large_to_render_fails_before_ocr_renders_it() -> None:
    result = extract_bytes(ies_hostile.pdf_huge_page(), "scan.pdf", llm=None)
    assert_failed(result, "Page 1 is 200.0 x 200.0 inches: rendered at 300 dpi", "3,600 million pixels",
                  "20-million-pixel limit (IES_MAX_PAGE_PIXELS)")


def test_a_pdf_whose_content_inflates_past_the_limit_fails_before_pdfminer_opens_it() -> None:
    bomb = ies_hostile.pdf_content_bomb(60 * MB)
    assert len(bomb) < 100_000
    result, peak = extract_traced(bomb, "statement.pdf")
    assert_failed(result, "The PDF's compressed contents unpack to more than 50.0 MB (IES_MAX_UNCOMPRESSED_MB",
                  "export the statement to a new PDF")
    assert peak < 10, f"{peak:.1f} MB"  # a megabyte at a time (unbounded, pdfminer inflates it whole)


def test_images_are_left_to_the_pixel_limit_and_normal_pdfs_stay_far_under_the_stream_limit(
        ies_corpus: Path) -> None:
    limits = replace(SizeLimits.from_env(), uncompressed_bytes=10 * MB)
    check_streams(ies_hostile.pdf_huge_image(4_000, 4_000), limits)  # 16 MB of pixels, an image: not counted
    for pdf in sorted((ies_corpus / "ies").glob("*.pdf")):
        data = pdf.read_bytes()
        streams = [m.end() for m in re.finditer(rb"stream\r?\n", data)]
        assert sum(inflated_size(data, at, 10 * MB) for at in streams) < MB, pdf.name


def test_the_readers_leave_pils_decompression_bomb_guard_on() -> None:
    # pipelines.ies.extract, imported above, imports every reader: none may switch PIL's guard off
    assert Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS <= 100_000_000


def test_a_limit_set_to_something_else_than_a_number_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IES_MAX_CELLS", "lots")
    with pytest.raises(ValueError, match="IES_MAX_CELLS='lots' is not a number; set it to a number of cells"):
        SizeLimits.from_env()
