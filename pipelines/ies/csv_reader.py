"""CSV statements: any of UTF-8 (with or without BOM) or Windows-1252, CRLF or LF, comma, semicolon
or tab separated, title lines above the header row."""

from __future__ import annotations

import csv
import io

from pipelines.ies.grid_table import table_from_grid
from pipelines.ies.table import RawTable, UnreadableFile


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows


def read_csv(data: bytes) -> RawTable:
    text = decode(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        grid = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise UnreadableFile(f"The CSV file cannot be parsed ({exc}); export it again from the spreadsheet.") from exc
    if not grid:
        raise UnreadableFile("The CSV file is empty; export the statement again and upload it.")
    # records are numbered as a spreadsheet numbers rows (1-based), the way a reviewer finds them
    return table_from_grid([list(row) for row in grid], [{"row": n} for n in range(1, len(grid) + 1)])
