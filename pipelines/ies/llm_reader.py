"""The LLM as a second reader of an income statement: the statement's printed lines go to the model
numbered ("p2 L14: Net sales  1,234,567  1,100,000", or "'P&L' r14: ..." for a sheet), and it answers
through a tool whose row key can only be a chart key. Nothing it says is taken on trust:

- every amount must be printed on the line the row cites (the same number, as pipelines/ies/numbers.py
  parses the line's words or cells), else that amount is dropped and counted; a row left with no amount
  it was given is dropped whole; the cell kept is the printed token, so signs come from the page;
- a label is the model's only where the cited line prints it, else the line's own words;
- column headings and title lines are kept only where the document prints their words.

What survives becomes RawTables with real citations (page and box of the line, or sheet and row), so
periods, structure, roles and tie-outs run on it exactly as on the layout reader's tables."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipelines.ies.chart import SECTION_OF
from pipelines.ies.labels import LabelContext, LabelMatch, _match, normalize
from pipelines.ies.mapping_llm import _CHART, KEYS, MAX_CONFIDENCE
from pipelines.ies.numbers import Amount, cell_amount, parse_amount
from pipelines.ies.pdf_layout import Word, page_lines
from pipelines.ies.table import Cell, RawRow, RawTable
from pipelines.llm import LlmClient, Tool

PURPOSE = "ies_second_reading"
MAX_CHARS = 60_000  # about 15k tokens of prompt: a long T-12 fits, a 200-page bundle does not
MAX_IMAGES = 4  # page images of a scan sent along (about 1,600 tokens each)
IMAGE_EDGE = 1568  # pixels on a page image's long side: what Anthropic reads without scaling it down
_CURRENCY_ONLY = re.compile(r"^(US\$|\$|P=|P/|P|\u20b1|Php|PHP|RMB|\u00a5|\u20ac|\u00a3)$")


@dataclass
class SourceLine:
    """One printed line as the model sees it, and what grounds its answers: the amounts printed on it."""

    id: str  # "p2 L14" | "'P&L' r14" | "r14"
    text: str
    tokens: list[str]  # the words (PDF) or the label then the cells (sheet), left to right
    amounts: list[tuple[int, Amount, Cell]]  # (token index, its value, the printed cell to keep)
    source: dict[str, Any]
    indent: float | None = None
    bold: bool = False
    code: str | None = None


def pdf_lines(pages: list[list[Word]], wanted: set[int] | None = None) -> list[SourceLine]:
    """The lines of the pages the statement is printed on (all pages when `wanted` is None), numbered per page."""
    out: list[SourceLine] = []
    numbers: dict[int, int] = {}
    for line in page_lines(pages):
        if wanted is not None and line.page not in wanted:
            continue
        numbers[line.page] = numbers.get(line.page, 0) + 1
        words = line.words
        tokens = [w.text for w in words]
        amounts = []
        for k, word in enumerate(words):
            amount = parse_amount(word.text)  # "P 3,504,619": the sign alone is no amount, the figure is
            if amount is not None and (k > 0 or any(ch.isdigit() for ch in word.text)):
                amounts.append((k, amount, word.text))
        text = ""
        for k, word in enumerate(words):  # a wide gap (a new column) shows as wider space
            gap = word.x0 - words[k - 1].x1 if k else 0.0
            text += ("" if not k else "    " if gap > 12 else " ") + word.text
        box = [round(min(w.x0 for w in words), 1), round(line.top, 1), round(max(w.x1 for w in words), 1),
               round(line.bottom, 1)]
        out.append(SourceLine(f"p{line.page} L{numbers[line.page]}", text, tokens, amounts,
                              {"page": line.page, "bbox": box}, indent=words[0].x0,
                              bold=_bold([w for w in words if parse_amount(w.text) is None])))
    return out


def _bold(label: list[Word]) -> bool:
    return bool(label) and all(w.bold for w in label)


def table_lines(tables: list[RawTable]) -> list[SourceLine]:
    """A spreadsheet's (or CSV's) statement rows as lines: the label, then each period cell."""
    out: list[SourceLine] = []
    for table in tables:
        for row in table.rows:
            sheet = row.source.get("sheet")
            line_id = (f"'{sheet}' r{row.source.get('row')}" if sheet else f"r{row.source.get('row')}")
            cells = ["" if c is None else str(c) for c in row.cells]
            amounts = []
            for k, cell in enumerate(row.cells):
                amount = cell_amount(cell)
                if amount is not None:
                    amounts.append((k + 1, amount, cell))
            out.append(SourceLine(line_id, " | ".join([row.label, *cells]).rstrip(" |"), [row.label, *cells],
                                  amounts, dict(row.source), row.indent, row.bold, row.code))
    return out


def grid_lines(sheets: list[tuple[str | None, list[list[Any]]]]) -> list[SourceLine]:
    """Every non-empty row of a workbook's sheets (or of a CSV: sheet None) as a line, for a statement no reader
    could structure: the row's first text cell as its label, then its cells left to right."""
    out: list[SourceLine] = []
    for sheet, grid in sheets:
        for n, row in enumerate(grid, start=1):
            cells = ["" if c is None else str(c).strip() for c in row]
            if not any(cells):
                continue
            label = next((c for c, raw in zip(cells, row, strict=True) if c and cell_amount(raw) is None), "")
            amounts = [(k + 1, amount, raw) for k, raw in enumerate(row) if (amount := cell_amount(raw)) is not None]
            source: dict[str, Any] = {"sheet": sheet, "row": n} if sheet else {"row": n}
            out.append(SourceLine(f"'{sheet}' r{n}" if sheet else f"r{n}", " | ".join(c for c in cells if c),
                                  [label, *cells], amounts, source))
    return out


def page_images(data: bytes, pages: set[int]) -> list[bytes]:
    """PNG pictures of a scan's statement pages (the first MAX_IMAGES), each at most IMAGE_EDGE pixels on its long
    side whatever the page's size, so a model can check the OCR's lines against the page itself."""
    import io

    import pypdfium2 as pdfium

    out = []
    pdf = pdfium.PdfDocument(io.BytesIO(data))
    try:
        for number in sorted(pages)[:MAX_IMAGES]:
            page = pdf[number - 1]
            width, height = page.get_size()
            image = page.render(scale=min(IMAGE_EDGE / max(width, height, 1.0), 150 / 72)).to_pil().convert("L")
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            out.append(buffer.getvalue())
    finally:
        pdf.close()
    return out


def prompt_of(lines: list[SourceLine], tables: list[RawTable], *, images: int = 0) -> tuple[str, bool]:
    """(prompt, truncated): the numbered lines, capped; for sheets the titles and headings come first."""
    head: list[str] = []
    if lines and "page" not in lines[0].source:
        for table in tables:
            head += [f"(title) {line}" for line in table.context]
            head.append("(column headings) " + " | ".join(["label", *table.headings]))
    body, size, truncated = [], sum(len(h) + 1 for h in head), False
    for line in lines:
        text = f"{line.id}: {line.text}"
        if size + len(text) + 1 > MAX_CHARS:
            truncated = True
            break
        body.append(text)
        size += len(text) + 1
    note = "\n(The document was cut short here; read what is shown.)" if truncated else ""
    lead = "The statement's printed lines, each with its id:"
    if images:
        lead = (f"The {images} image(s) above are the scanned pages; the lines below are what OCR read on them, each "
                "with its id. Cite those lines; an amount counts only as OCR read it on the cited line:")
    return lead + "\n\n" + "\n".join([*head, *body]) + note, truncated


READER_TOOL = Tool(
    name="record_income_statement",
    description="Record each income statement printed in the lines: its columns and its rows, every row citing "
                "the id of the line it is printed on.",
    input_schema={
        "type": "object",
        "properties": {"statements": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "title_lines": {"type": "array", "items": {"type": "string"}, "description":
                                "The lines above the table as printed: entity, title, period line, units note "
                                "such as '(in thousands)'."},
                "columns": {"type": "array", "items": {"type": "string"}, "description":
                            "The period columns' headings as printed, left to right ('Dec 31, 2025', 'Jan 2026', "
                            "'Total', 'Amount'); leave out columns that are not amounts of a period (% of income, "
                            "per unit, note references)."},
                "rows": {"type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "line": {"type": "string", "description": "The id of the line the row is printed on, "
                                                                  "e.g. 'p1 L12'."},
                        "label": {"type": "string", "description": "The row label as printed."},
                        "key": {"type": ["string", "null"], "enum": [*KEYS, None], "description":
                                "The chart-of-accounts key of the row; null for a heading or a line the chart has "
                                "no key for."},
                        "amounts": {"type": "array", "items": {"type": ["number", "null"]}, "description":
                                    "One per column, as printed on the cited line, in the document's own units "
                                    "(do not multiply thousands); negative when printed in parentheses or with a "
                                    "minus; null when blank; all null for a heading."},
                    },
                    "required": ["line", "label", "key", "amounts"],
                    "additionalProperties": False,
                }},
            },
            "required": ["title_lines", "columns", "rows"],
            "additionalProperties": False,
        }}},
        "required": ["statements"],
        "additionalProperties": False,
    },
)
SYSTEM = (
    "You read income & expense statements (property operating statements, business P&Ls, T-12s) for a lender, "
    "from their printed lines, each given with an id. Record every income statement the lines hold (leave out "
    "balance sheets, cash flows and notes): its period columns, and every row in order (section headings and "
    "totals included), each citing the id of the line it is printed on, with the amounts printed on that very "
    "line. Copy; do not compute, correct, round or re-order anything: every amount is checked against the "
    "cited line, and one not printed there is thrown away. Give each row one key of this chart of accounts, or "
    "null:\n" + _CHART + "\nAnswer with the record_income_statement tool.")


@dataclass
class Grounding:
    """What the model answered that the document does not print, counted for the warnings."""

    dropped: list[str] = field(default_factory=list)  # "'Rent' 773,046 (p1 L9)"
    rows_dropped: int = 0
    unknown_lines: int = 0
    repeated_lines: int = 0
    titles_dropped: int = 0
    headings_dropped: list[str] = field(default_factory=list)

    def warnings(self) -> list[str]:
        out = []
        if self.dropped:
            more = " and more" if len(self.dropped) > 5 else ""
            out.append(f"The LLM cited {len(self.dropped)} value(s) not printed on the line it named; they were "
                       f"dropped, never used: {', '.join(self.dropped[:5])}{more}.")
        if self.rows_dropped:
            out.append(f"{self.rows_dropped} row(s) of the LLM's reading had no amount printed on their line and "
                       "were dropped.")
        if self.repeated_lines:
            out.append(f"{self.repeated_lines} row(s) of the LLM's reading cited a line another row had cited "
                       "already and were dropped.")
        if self.unknown_lines:
            out.append(f"{self.unknown_lines} row(s) of the LLM's reading cited a line that does not exist and "
                       "were dropped.")
        if self.headings_dropped:
            out.append("The LLM named column heading(s) the document does not print ("
                       f"{', '.join(map(repr, self.headings_dropped[:3]))}); that statement was not used.")
        return out


@dataclass
class SecondRead:
    tables: list[RawTable]
    keys: dict[str, str | None]  # normalized label -> the model's chart key
    grounding: Grounding
    truncated: bool


def read_lines(llm: LlmClient, lines: list[SourceLine], tables: list[RawTable], *,
               document_id: str | None = None, images: list[bytes] | None = None) -> SecondRead:
    """One call: the model's reading of the lines (and of the page images of a scan, where the provider takes
    images), grounded. LlmError when the call fails."""
    images = list(images or []) if getattr(llm, "takes_images", False) else []
    prompt, truncated = prompt_of(lines, tables, images=len(images))
    # the answer restates each line's figures with a label, a key and its line id: about the prompt's size in
    # tokens and 40 more a line; a cut answer fails its schema and the layout result stands
    budget = min(16_000, 1_000 + 40 * len(prompt.splitlines()) + len(prompt) // 2)
    answer = llm.call_tool(system=SYSTEM, prompt=prompt, tool=READER_TOOL, purpose=PURPOSE,
                           document_id=document_id, max_tokens=budget,
                           **({"images": images} if images else {}))
    method = f"llm:{llm.provider}:{llm.model}"
    return ground(answer, lines, method, truncated=truncated, tables=tables)


def ground(answer: dict[str, Any], lines: list[SourceLine], method: str, *, truncated: bool = False,
           tables: list[RawTable] | None = None) -> SecondRead:
    """The model's answer, kept only where the document prints it."""
    by_id = {_norm_id(line.id): line for line in lines}
    vocabulary = _words(" ".join([line.text for line in lines]
                                 + [x for t in tables or [] for x in [*t.context, *t.headings]]))
    grounding = Grounding()
    out: list[RawTable] = []
    keys: dict[str, str | None] = {}
    for statement in answer["statements"]:
        columns = [str(c).strip() for c in statement["columns"]]
        unprinted = [c for c in columns if not _words(c) <= vocabulary]
        if unprinted or not columns:
            grounding.headings_dropped += unprinted
            continue
        titles = [str(t).strip() for t in statement["title_lines"]]
        kept_titles = [t for t in titles if t and _words(t) <= vocabulary]
        grounding.titles_dropped += len(titles) - len(kept_titles)
        rows: list[RawRow] = []
        used: set[str] = set()
        for row in statement["rows"]:
            line = by_id.get(_norm_id(str(row["line"])))
            if line is None or _norm_id(line.id) in used:
                grounding.unknown_lines += line is None
                grounding.repeated_lines += line is not None
                continue
            amounts = list(row["amounts"]) + [None] * max(0, len(columns) - len(row["amounts"]))
            cells, first_used, dropped = _grounded_cells(amounts[:len(columns)], line)
            dropped += [a for a in amounts[len(columns):] if a is not None]
            label = _label(str(row["label"]), line, first_used)
            grounding.dropped += [f"'{label}' {_show(a)} ({line.id})" for a in dropped]
            given = any(a is not None for a in amounts)
            if given and not any(c is not None for c in cells):
                grounding.rows_dropped += 1
                continue
            if not label:
                continue
            used.add(_norm_id(line.id))
            key = row["key"] if row["key"] in SECTION_OF else None
            keys.setdefault(normalize(label), key)
            rows.append(RawRow(label, cells, line.source, line.code, indent=line.indent, bold=line.bold))
        # A column the model gave no printed figure for is no period it read (not a period of zeros).
        keep = [k for k in range(len(columns)) if any(r.cells[k] not in (None, "") for r in rows)]
        if len(keep) < len(columns):
            columns = [columns[k] for k in keep]
            rows = [RawRow(r.label, [r.cells[k] for k in keep], r.source, r.code, indent=r.indent, bold=r.bold)
                    for r in rows]
        if any(r.has_figures() for r in rows):
            table = RawTable(columns, rows, kept_titles, method)
            pages = sorted({r.source["page"] for r in rows if r.source.get("page")})
            table.where = (f"page {pages[0]}" if len(pages) == 1 else f"pages {pages[0]}-{pages[-1]}") if pages else ""
            out.append(table)
    return SecondRead(out, keys, grounding, truncated)


def _grounded_cells(amounts: list[Any], line: SourceLine) -> tuple[list[Cell], int | None, list[float]]:
    """Each amount matched to a number printed on the line, left to right (columns print in order); the
    cell is the printed token. Returns the cells, the token index of the first match, the unmatched amounts."""
    cells: list[Cell] = []
    dropped: list[float] = []
    after, first = -1, None
    for amount in amounts:
        if amount is None:
            cells.append(None)
            continue
        hit = next(((k, printed) for k, value, printed in line.amounts
                    if k > after and not value.percent and abs(abs(value.value) - abs(float(amount))) < 0.005), None)
        if hit is None:
            cells.append(None)
            dropped.append(float(amount))
            continue
        after = hit[0]
        first = hit[0] if first is None else first
        cells.append(hit[1])
    return cells, first, dropped


def _label(given: str, line: SourceLine, first_amount: int | None) -> str:
    """The model's label where the line prints it, else the line's words before its first amount."""
    if given.strip() and normalize(given) and normalize(given) in normalize(" ".join(line.tokens)):
        return given.strip()
    if "page" not in line.source:
        return line.tokens[0].strip()
    stop = first_amount if first_amount is not None else len(line.tokens)
    words = [t for t in line.tokens[:stop]]
    while words and (_CURRENCY_ONLY.match(words[-1]) or parse_amount(words[-1]) is not None):
        words.pop()  # a note reference or a currency sign just before the figures
    return " ".join(words).strip()


def _norm_id(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _show(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


class ReaderKeys:
    """The second reading's own chart keys as a stage of the mapper chain (after the dictionary and the
    embeddings, in place of the label call): its rows need no second call."""

    def __init__(self, keys: dict[str, str | None], name: str) -> None:
        self.keys = keys
        self.name = name

    def map(self, label: str, context: LabelContext) -> LabelMatch | None:
        key = self.keys.get(normalize(label))
        if key is None:
            return None
        match = _match(key, normalize(label), context.section or SECTION_OF[key], MAX_CONFIDENCE, self.name)
        return LabelMatch(key, match.section, match.is_total, MAX_CONFIDENCE, self.name)
