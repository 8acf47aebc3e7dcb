"""XLSX statements via openpyxl: the statement sheet chosen among Cover/Notes sheets by its figures,
numbers and numbers stored as text alike (cached values of formulas, never the formulas).

Bounded: the workbook's size is checked before openpyxl opens it (xlsx_bounds), then it is opened
read-only and its rows streamed, the cells counted as they come against IES_MAX_CELLS."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from openpyxl import load_workbook

from pipelines.ies.grid_table import Style, table_from_grid
from pipelines.ies.limits import DocumentLimitExceeded, SizeLimits
from pipelines.ies.numbers import cell_amount
from pipelines.ies.statements import Kind, classify
from pipelines.ies.table import Cell, RawTable, UnreadableFile
from pipelines.ies.xlsx_bounds import WHAT_TO_DO, check_workbook


def _figures(grid: list[list[Cell]]) -> int:
    return sum(1 for row in grid for cell in row[1:] if cell_amount(cell) is not None)


def _grid(ws: Any, limits: SizeLimits, spent: int) -> tuple[list[list[Any]], list[list[Style]]]:
    """The sheet as rows padded to one width from row 1, as openpyxl's full load gives it, with each cell's
    (bold, indent); the grid's cells (rows x width, with `spent` by the sheets before) are counted as the
    rows stream in."""
    ws.reset_dimensions()  # rows as the sheet holds them: a wrong <dimension> neither cuts nor pads them
    rows: list[list[Any]] = []
    styles: list[list[Style]] = []
    width = 0
    for row in ws.iter_rows():
        values, marks = [], []
        for cell in row:
            value = getattr(cell, "value", None)
            if isinstance(value, int | float) and "%" in str(getattr(cell, "number_format", "") or ""):
                value = f"{value * 100:.6g}%"  # a percentage column ("% of Income") reads as one
            values.append(value)
            if value is None:
                marks.append((False, 0))
                continue
            font, alignment = getattr(cell, "font", None), getattr(cell, "alignment", None)
            marks.append((bool(font is not None and font.b), int(getattr(alignment, "indent", 0) or 0)))
        rows.append(values)
        styles.append(marks)
        width = max(width, len(values))
        if spent + len(rows) * max(width, 1) > limits.cells:
            raise DocumentLimitExceeded(
                f"Sheet '{ws.title}' holds more than the {limits.cells:,}-cell limit (IES_MAX_CELLS) by row "
                f"{len(rows):,}. {WHAT_TO_DO}")
    return ([r + [None] * (width - len(r)) for r in rows], [m + [(False, 0)] * (width - len(m)) for m in styles])


def sheet_grids(data: bytes, limits: SizeLimits) -> Iterator[tuple[str, list[list[Any]], list[list[Style]]]]:
    """(title, grid, styles) of every worksheet, streamed read-only; call check_workbook first."""
    workbook = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    try:
        spent = 0
        for ws in workbook.worksheets:
            grid, styles = _grid(ws, limits, spent)
            spent += len(grid) * max(len(grid[0]) if grid else 0, 1)
            yield ws.title, grid, styles
    finally:
        workbook.close()


def _sheets(data: bytes, limits: SizeLimits) -> list[tuple[str, list[list[Any]], list[list[Style]]]]:
    limits = limits or SizeLimits.from_env()
    check_workbook(data, limits)
    try:
        sheets = list(sheet_grids(data, limits))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as exc:  # SyntaxError: malformed XML
        raise UnreadableFile(f"The workbook cannot be opened ({exc}); save it again as .xlsx and upload it.") from exc
    if not sheets:
        raise UnreadableFile("The workbook has no worksheets; upload the statement itself.")
    return sheets


def sheet_grids_checked(data: bytes, limits: SizeLimits | None = None) -> list[tuple[str | None, list[list[Any]]]]:
    """Every sheet's cells (title, rows), within the size limits: for a workbook no table could be read from."""
    return [(title, grid) for title, grid, _ in _sheets(data, limits or SizeLimits.from_env())]


def read_xlsx_statements(data: bytes, limits: SizeLimits | None = None) -> list[RawTable]:
    """The workbook's income statements, one table per sheet that holds one (sheets holding a balance sheet,
    cash flows, notes or a cover are left out, and said so)."""
    limits = limits or SizeLimits.from_env()
    tables: list[RawTable] = []
    others: list[str] = []
    errors: list[UnreadableFile] = []
    for title, grid, styles in _sheets(data, limits):
        if _figures(grid) == 0:
            continue
        try:
            table = table_from_grid(grid, [{"sheet": title, "row": n} for n in range(1, len(grid) + 1)], styles)
        except UnreadableFile as exc:
            errors.append(exc)
            continue
        kind, _ = classify([*table.context, title], [row.label for row in table.rows])
        if kind not in (Kind.income, Kind.unknown):
            others.append(f"'{title}' ({kind.value})")
            continue
        table.where = f"sheet '{title}'"
        tables.append(table)
    if not tables:
        if others:
            raise UnreadableFile(f"No income statement was found: the workbook holds {', '.join(others)}. Upload "
                                 "the income (profit and loss, operating) statement.")
        if errors:
            raise errors[0]
        raise UnreadableFile("No sheet of the workbook holds figures; upload the statement itself.")
    income = [t for t in tables if classify(t.context, [r.label for r in t.rows])[0] == Kind.income]
    chosen = income or tables
    if others:
        chosen[0].warnings.append(f"Sheets {', '.join(others)} are not income statements and were not read.")
    return chosen


def read_xlsx(data: bytes, limits: SizeLimits | None = None) -> RawTable:
    """The workbook's first income statement (see read_xlsx_statements)."""
    return read_xlsx_statements(data, limits)[0]
