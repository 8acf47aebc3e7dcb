"""XLSX statements via openpyxl: the statement sheet chosen among Cover/Notes sheets by its figures,
numbers and numbers stored as text alike (cached values of formulas, never the formulas)."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.ies.grid_table import table_from_grid
from pipelines.ies.numbers import cell_amount
from pipelines.ies.table import Cell, RawTable, UnreadableFile


def _grid(ws: Worksheet) -> list[list[Cell]]:
    return [[cell for cell in row] for row in ws.iter_rows(values_only=True)]


def _figures(grid: list[list[Cell]]) -> int:
    return sum(1 for row in grid for cell in row[1:] if cell_amount(cell) is not None)


def read_xlsx(data: bytes) -> RawTable:
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableFile(f"The workbook cannot be opened ({exc}); save it again as .xlsx and upload it.") from exc
    sheets = [(ws.title, _grid(ws)) for ws in workbook.worksheets]
    if not sheets:
        raise UnreadableFile("The workbook has no worksheets; upload the statement itself.")
    title, grid = max(sheets, key=lambda item: _figures(item[1]))  # Cover and Notes sheets carry no figures
    table = table_from_grid(grid, [{"sheet": title, "row": n} for n in range(1, len(grid) + 1)])
    others = [name for name, g in sheets if name != title and _figures(g) > 0]
    if others:
        table.warnings.append(f"Read sheet '{title}'; sheets {', '.join(others)} also hold figures and were not read.")
    return table
