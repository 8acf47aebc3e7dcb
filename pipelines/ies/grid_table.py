"""A spreadsheet-shaped statement (XLSX sheet or CSV rows) → RawTable: title lines, the header row
of period headings, the label column (and a GL account column left of it), then the printed rows."""

from __future__ import annotations

import re
from typing import Any

from pipelines.ies.numbers import cell_amount
from pipelines.ies.periods import looks_like_period
from pipelines.ies.table import Cell, RawRow, RawTable, UnreadableFile

_CODE = re.compile(r"^\d{3,6}([.\-]\d{1,4})?$")


def text_of(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _is_heading_cell(cell: Cell) -> bool:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell).is_integer() and 1900 <= cell <= 2099  # a year typed as a number
    text = text_of(cell)
    return len(text) <= 32 and looks_like_period(text)  # not a title line ("For the Year Ended ...")


def find_header(grid: list[list[Cell]]) -> int | None:
    """The first row with a period heading right of the first column (title lines live in the first)."""
    for r, row in enumerate(grid):
        if any(_is_heading_cell(cell) for cell in row[1:]):
            return r
    return None


def _label_column(grid: list[list[Cell]], body: range, first_heading: int) -> int:
    def words(c: int) -> int:
        return sum(1 for r in body if c < len(grid[r]) and re.search(r"[A-Za-z]{2}", text_of(grid[r][c])))

    return max(range(first_heading), key=lambda c: (words(c), -c))


def _code_column(grid: list[list[Cell]], body: range, label_col: int) -> int | None:
    for c in range(label_col):
        cells = [text_of(grid[r][c]) for r in body if c < len(grid[r]) and text_of(grid[r][c])]
        if cells and sum(bool(_CODE.match(t)) for t in cells) >= 0.6 * len(cells):
            return c
    return None


def table_from_grid(grid: list[list[Cell]], sources: list[dict[str, Any]]) -> RawTable:
    header = find_header(grid)
    if header is None:
        raise UnreadableFile(
            "No row of column headings naming periods (years or months, e.g. '2025' or 'Jan 2026') was found; "
            "check that the file is an income & expense statement with one column per period.")
    head = grid[header]
    first_heading = next(c for c in range(1, len(head)) if _is_heading_cell(head[c]))
    body = range(header + 1, len(grid))
    label_col = _label_column(grid, body, first_heading) if first_heading > 0 else 0
    code_col = _code_column(grid, body, label_col)
    columns = [c for c in range(label_col + 1, len(head)) if text_of(head[c])]
    headings = [text_of(head[c]) for c in columns]
    if header > 0:  # a heading wrapped onto the row above ("Year Ended" / "Jun 2026")
        above = grid[header - 1]
        filled = [c for c in range(len(above)) if text_of(above[c])]
        if filled and all(c in columns for c in filled):
            headings = [f"{text_of(above[c]) if c < len(above) else ''} {h}".strip()
                        for c, h in zip(columns, headings, strict=True)]
    context = [" ".join(text_of(c) for c in row if text_of(c)) for row in grid[:header]]
    rows: list[RawRow] = []
    for r in body:
        row = grid[r]
        label = text_of(row[label_col]) if label_col < len(row) else ""
        cells: list[Cell] = [row[c] if c < len(row) else None for c in columns]
        cells = [None if text_of(cell) == "" else cell for cell in cells]
        if not label and not any(cell is not None for cell in cells):
            continue
        code = text_of(row[code_col]) if code_col is not None and code_col < len(row) else None
        rows.append(RawRow(label, cells, sources[r], code or None))
    if not any(cell_amount(cell) for row in rows for cell in row.cells):
        raise UnreadableFile("The statement's rows carry no figures under its period headings; check the file "
                             "holds the statement itself and not only a cover page or notes.")
    return RawTable(headings, rows, [line for line in context if line])
