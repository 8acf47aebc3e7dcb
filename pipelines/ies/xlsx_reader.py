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

from pipelines.ies.grid_table import table_from_grid
from pipelines.ies.limits import DocumentLimitExceeded, SizeLimits
from pipelines.ies.numbers import cell_amount
from pipelines.ies.table import Cell, RawTable, UnreadableFile
from pipelines.ies.xlsx_bounds import WHAT_TO_DO, check_workbook


def _figures(grid: list[list[Cell]]) -> int:
    return sum(1 for row in grid for cell in row[1:] if cell_amount(cell) is not None)


def _grid(ws: Any, limits: SizeLimits, spent: int) -> list[list[Cell]]:
    """The sheet as rows padded to one width from row 1, as openpyxl's full load gives it; the grid's
    cells (rows x width, with `spent` by the sheets before) are counted as the rows stream in."""
    ws.reset_dimensions()  # rows as the sheet holds them: a wrong <dimension> neither cuts nor pads them
    rows: list[tuple[Cell, ...]] = []
    width = 0
    for row in ws.iter_rows(values_only=True):
        rows.append(row)
        width = max(width, len(row))
        if spent + len(rows) * max(width, 1) > limits.cells:
            raise DocumentLimitExceeded(
                f"Sheet '{ws.title}' holds more than the {limits.cells:,}-cell limit (IES_MAX_CELLS) by row "
                f"{len(rows):,}. {WHAT_TO_DO}")
    return [list(row) + [None] * (width - len(row)) for row in rows]


def sheet_grids(data: bytes, limits: SizeLimits) -> Iterator[tuple[str, list[list[Cell]]]]:
    """(title, grid) of every worksheet, streamed read-only; call check_workbook first."""
    workbook = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    try:
        spent = 0
        for ws in workbook.worksheets:
            grid = _grid(ws, limits, spent)
            spent += len(grid) * max(len(grid[0]) if grid else 0, 1)
            yield ws.title, grid
    finally:
        workbook.close()


def read_xlsx(data: bytes, limits: SizeLimits | None = None) -> RawTable:
    limits = limits or SizeLimits.from_env()
    check_workbook(data, limits)
    try:
        sheets = list(sheet_grids(data, limits))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as exc:  # SyntaxError: malformed XML
        raise UnreadableFile(f"The workbook cannot be opened ({exc}); save it again as .xlsx and upload it.") from exc
    if not sheets:
        raise UnreadableFile("The workbook has no worksheets; upload the statement itself.")
    title, grid = max(sheets, key=lambda item: _figures(item[1]))  # Cover and Notes sheets carry no figures
    table = table_from_grid(grid, [{"sheet": title, "row": n} for n in range(1, len(grid) + 1)])
    others = [name for name, g in sheets if name != title and _figures(g) > 0]
    if others:
        table.warnings.append(f"Read sheet '{title}'; sheets {', '.join(others)} also hold figures and were not read.")
    return table
