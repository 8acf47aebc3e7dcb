"""CSV statements: any of UTF-8 (with or without BOM) or Windows-1252, CRLF or LF, comma, semicolon
or tab separated, title lines above the header row. Bounded: cells are counted as rows are parsed,
against IES_MAX_CELLS (12 MB of commas is 12 million cells, a gigabyte once they are Python lists)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from pipelines.ies.grid_table import table_from_grid
from pipelines.ies.limits import DocumentLimitExceeded, SizeLimits
from pipelines.ies.table import RawTable, UnreadableFile


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows


def _too_many(cells: int, limit: int) -> DocumentLimitExceeded:
    return DocumentLimitExceeded(
        f"The CSV file holds {cells:,} cells or more, more than the {limit:,}-cell limit (IES_MAX_CELLS). Export "
        "the statement alone (not the whole ledger) and upload that, or raise the limit and re-run the document.")


def _lines(text: str, delimiter: str, limit: int) -> Iterator[str]:
    """The text's lines; one that alone has more separators than the limit is refused before the CSV
    reader makes it a list (quoted separators count too: an overestimate only far past any statement)."""
    for line in io.StringIO(text, newline=""):
        if line.count(delimiter) >= limit:
            raise _too_many(line.count(delimiter) + 1, limit)
        yield line


def _rows(text: str, dialect: type[csv.Dialect] | csv.Dialect, limit: int) -> list[list[str]]:
    grid, cells = [], 0
    for row in csv.reader(_lines(text, dialect.delimiter, limit), dialect):
        cells += max(len(row), 1)
        if cells > limit:
            raise _too_many(cells, limit)
        grid.append(row)
    return grid


def read_csv(data: bytes, limits: SizeLimits | None = None) -> RawTable:
    grid = read_grid(data, limits)
    # records are numbered as a spreadsheet numbers rows (1-based), the way a reviewer finds them
    return table_from_grid([list(row) for row in grid], [{"row": n} for n in range(1, len(grid) + 1)])


def read_grid(data: bytes, limits: SizeLimits | None = None) -> list[list[str]]:
    """The CSV's records as rows of cells (the delimiter sniffed), within the cell limit."""
    limit = (limits or SizeLimits.from_env()).cells
    text = decode(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        grid = _rows(text, dialect, limit)
    except csv.Error as exc:
        raise UnreadableFile(f"The CSV file cannot be parsed ({exc}); export it again from the spreadsheet.") from exc
    if not grid:
        raise UnreadableFile("The CSV file is empty; export the statement again and upload it.")
    return grid
