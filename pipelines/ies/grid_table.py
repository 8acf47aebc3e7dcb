"""A spreadsheet-shaped statement (XLSX sheet or CSV rows) → RawTable: title lines, the header row of
period headings, the label columns (and a GL account column left of them), then the printed rows.

Real workbooks vary: month headings typed as Excel dates; a single "Amount" column whose period is in a
title row; labels in column A, B or C by depth of indentation (the column is the row's indent); a second
heading row ("Actual", "Total") under the months."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from pipelines.ies.numbers import cell_amount
from pipelines.ies.periods import AS_OF as _AS_OF
from pipelines.ies.periods import looks_like_period
from pipelines.ies.table import Cell, RawRow, RawTable, UnreadableFile

_CODE = re.compile(r"^\d{3,6}([.\-]\d{1,4})?$")
Style = tuple[bool, int]  # (bold, alignment indent)


def text_of(cell: Any) -> str:
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


def _date_headings(grid: list[list[Any]]) -> list[list[Cell]]:
    """Date cells as the headings they stand for: a row of first-of-month (or month-end) dates is months
    ('Nov 2023'); a lone date is a day ('December 31, 2024'). Other cells unchanged."""
    out: list[list[Cell]] = []
    for row in grid:
        dates = [c for c in row if isinstance(c, date)]
        monthly = len(dates) >= 2 and all(d.day == 1 or (d + timedelta(days=1)).day == 1 for d in dates)
        converted: list[Cell] = []
        for cell in row:
            if isinstance(cell, datetime | date):
                converted.append(cell.strftime("%b %Y") if monthly else f"{cell:%B} {cell.day}, {cell.year}")
            else:
                converted.append(cell)
        out.append(converted)
    return out


def _label_column(grid: list[list[Cell]]) -> int:
    """The leftmost column holding words on many rows: where the labels (and the title lines) are."""
    width = max((len(r) for r in grid), default=0)
    for c in range(width):
        if sum(1 for row in grid if c < len(row) and re.search(r"[^\W\d_]{2}", text_of(row[c]))) >= 3:
            return c
    return 0


def find_header(grid: list[list[Cell]]) -> int | None:
    """The row naming the most periods right of the label column (title lines live in it), near the top;
    the first such row on a tie. A row that dates the report ('As of Date: 04/30/2025') names none."""
    label_col = _label_column(grid)
    best: tuple[int, int] | None = None  # (headings, -row)
    for r, row in enumerate(grid[:60]):
        if label_col < len(row) and _AS_OF.search(text_of(row[label_col])):
            continue
        count = sum(1 for cell in row[label_col + 1:] if _is_heading_cell(cell))
        if count and (best is None or count > best[0]):
            best = (count, -r)
    return -best[1] if best else None


def _is_figure(cell: Cell) -> bool:
    if isinstance(cell, bool) or cell is None:
        return False
    if isinstance(cell, int | float):
        return True
    amount = cell_amount(cell)
    return amount is not None and not amount.percent


def _figure_columns(grid: list[list[Cell]], start: int) -> list[int]:
    width = max((len(r) for r in grid), default=0)
    counts = [sum(1 for row in grid[start:] if c < len(row) and _is_figure(row[c])) for c in range(width)]
    need = max(2, max(counts, default=0) // 4)
    return [c for c, n in enumerate(counts) if n >= need]


def _generic_header(grid: list[list[Cell]]) -> int | None:
    """For a sheet with no period heading ('Amount', '% of Income'): the last row above the first row of
    figures that has text over a figure column."""
    columns = _figure_columns(grid, 0)
    if not columns:
        return None
    first = next((r for r, row in enumerate(grid) if any(c < len(row) and _is_figure(row[c]) and
                                                         re.search(r"[^\W\d_]", " ".join(text_of(x) for x in row[:c]))
                                                         for c in columns)), None)
    if first is None:
        return None
    for r in range(first - 1, -1, -1):
        row = grid[r]
        if any(c < len(row) and text_of(row[c]) and not _is_figure(row[c]) for c in columns):
            return r
    return None


def _code_column(grid: list[list[Cell]], body: range, label_area: int) -> int | None:
    for c in range(label_area):
        cells = [text_of(grid[r][c]) for r in body if c < len(grid[r]) and text_of(grid[r][c])]
        if len(cells) >= 3 and sum(bool(_CODE.match(t)) for t in cells) >= 0.6 * len(cells):
            return c
    return None


def table_from_grid(grid_in: list[list[Any]], sources: list[dict[str, Any]],
                    styles: list[list[Style]] | None = None) -> RawTable:
    grid = _date_headings(grid_in)
    header = find_header(grid)
    generic = header is None
    if generic:
        header = _generic_header(grid)
    if header is None:
        raise UnreadableFile(
            "No row of column headings naming periods (years or months, e.g. '2025' or 'Jan 2026') was found; "
            "check that the file is an income & expense statement with one column per period.")
    head = grid[header]
    figure_cols = set(_figure_columns(grid, header + 1))
    first_heading = next((c for c in range(1, len(head))
                          if (_is_heading_cell(head[c]) if not generic else c in figure_cols)), None)
    if first_heading is None:
        first_heading = min(figure_cols) if figure_cols else 1
    body = range(header + 1, len(grid))
    code_col = _code_column(grid, body, first_heading)
    columns = [c for c in range(first_heading, len(head)) if text_of(head[c]) or c in figure_cols]
    headings = [text_of(head[c]) for c in columns]
    if header > 0:  # a heading wrapped onto the row above ("Year Ended" / "Jun 2026")
        above = grid[header - 1]
        filled = [c for c in range(len(above)) if text_of(above[c])]
        if filled and all(c in columns for c in filled) and not generic:
            headings = [f"{text_of(above[c]) if c < len(above) else ''} {h}".strip()
                        for c, h in zip(columns, headings, strict=True)]
    below_used = False
    if header + 1 < len(grid) and not generic:  # a second heading row under the months ('Actual', 'Total')
        below = grid[header + 1]
        words = [text_of(below[c]) if c < len(below) else "" for c in columns]
        if any(words) and not any(c < len(below) and _is_figure(below[c]) for c in columns) and not any(
                text_of(x) for x in below[:first_heading]):
            headings = [f"{h} {w}".strip() for h, w in zip(headings, words, strict=True)]
            below_used = True
    context = [" ".join(text_of(c) for c in row if text_of(c)) for row in grid[:header]]
    rows: list[RawRow] = []
    for r in body:
        if below_used and r == header + 1:
            continue
        row = grid[r]
        label, indent = "", None
        for c in range(first_heading):
            if c >= len(row):
                continue
            text = text_of(row[c])
            if c == code_col and (_CODE.match(text) or not text):
                continue  # the account number; a total's label may sit in that column, though
            if text and not _is_figure(row[c]):
                label, indent = text, c
                break
        cells: list[Cell] = [row[c] if c < len(row) else None for c in columns]
        cells = [None if text_of(cell) == "" else cell for cell in cells]
        if not label and not any(cell is not None for cell in cells):
            continue
        code = text_of(row[code_col]) if code_col is not None and code_col < len(row) else None
        bold, extra = (styles[r][indent] if styles and indent is not None and indent < len(styles[r])
                       else (False, 0))
        rows.append(RawRow(label, cells, sources[r], code or None,
                           indent=None if indent is None else float(indent * 4 + extra), bold=bold))
    if not any(cell_amount(cell) for row in rows for cell in row.cells):
        raise UnreadableFile("The statement's rows carry no figures under its period headings; check the file "
                             "holds the statement itself and not only a cover page or notes.")
    return RawTable(headings, rows, [line for line in context if line])
