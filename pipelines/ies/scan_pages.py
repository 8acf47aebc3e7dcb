"""Which pages of a scan are worth reading in full. Full-quality OCR costs seconds a page, and an audited
packet holds four or five statements of which only the income statement is read, so every page is first
read quickly at a low resolution (its titles are large print) and classified the way the layout reader
classifies pages (pdf_layout.statements). A page is passed over only when every statement on it names
itself as another one ("Statements of Financial Position", "Notes to the Financial Statements"). A page
with no title (a statement carried over, or a title the quick read garbled), one naming an income
statement, and every page of a document where the quick read finds no income statement at all, are read
in full: the quick read can save time but never lose a statement."""

from __future__ import annotations

from pipelines.ies.pdf_layout import Word, page_lines, statements
from pipelines.ies.statements import Kind


def pages_to_read(quick: list[list[Word]]) -> list[int]:
    """The page numbers (from 1) to read in full, given each page's words from the quick read."""
    found = [statements(page_lines([words])) for words in quick]  # each page alone: its own titles decide
    if not any(s.kind == Kind.income for on_page in found for s in on_page):
        return list(range(1, len(quick) + 1))
    return [number for number, on_page in enumerate(found, start=1)
            if not on_page or any(s.kind == Kind.income or s.title is None for s in on_page)]
