"""What every reader hands on: the statement as a table of printed rows under printed column
headings, before any meaning is given to them. Readers know layouts; nothing after them does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Cell = str | float | int | None


@dataclass
class RawRow:
    """One printed line: its label, one cell per column (as printed, or a spreadsheet number) and where it is."""

    label: str
    cells: list[Cell]
    source: dict[str, Any]
    code: str | None = None  # GL account number, when the books print one
    indent: float | None = None  # where the label starts (PDF points, or the column of a spreadsheet label)
    bold: bool = False

    def has_figures(self) -> bool:
        return any(cell not in (None, "") for cell in self.cells)


@dataclass
class RawTable:
    headings: list[str]  # per column, as printed (wrapped headings joined with a space)
    rows: list[RawRow]
    context: list[str]  # the lines above the table: entity, title, period line, "(in thousands)"
    method: str = "layout"
    warnings: list[str] = field(default_factory=list)
    where: str = ""  # "page 2", "pages 2-4", "sheet 'P&L'": where the statement was read


class UnreadableFile(Exception):
    """The file cannot be read as a statement; the message says why and what to do."""


class NoTextLayer(Exception):
    """A PDF whose pages are images only (a scan)."""
