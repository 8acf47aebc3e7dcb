"""PDF statements by layout: words with positions → lines (by baseline) → the stretches of pages each
statement occupies (pipelines/ies/statements.py says which is the income statement) → period columns
(x-bands found where figures line up on their right edges, named by the header words above them, wrapped
headings included) → rows. Works the same on pdfplumber's text layer and on OCR words.

Why right edges: accountants right-align figures, so a column is where many figures end; a closing
parenthesis or trailing minus hangs a little to the right, which the band tolerance absorbs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median

from pipelines.ies.limits import Deadline, DocumentLimitExceeded, SizeLimits
from pipelines.ies.numbers import is_bare_year, parse_amount
from pipelines.ies.periods import MONTHS
from pipelines.ies.statements import Kind, classify, starts_statement
from pipelines.ies.table import RawRow, RawTable, UnreadableFile

_LEADER = re.compile(r"^[.\u00b7\u2026_\s]+$")
# page numbers, alone or at the end of a footer note ("Prepared by management. Page 1 of 2")
_FOOTER = re.compile(r"(^|\s)(page\s*\d+(\s*(of|/)\s*\d+)?|\d+\s*(of|/)\s*\d+)$", re.IGNORECASE)
_CODE = re.compile(r"^\d{3,6}([.\-]\d{1,4})?$")
_CURRENCY_TOKEN = re.compile(r"^(US\$|\$|P=|P/|P|\u20b1|Php|PHP|RMB|\u00a5|\u20ac|\u00a3)$")
_LABEL_HEADINGS = re.compile(r"^(acct\.?|account|gl|description|line item|category|#|acct #)$", re.IGNORECASE)


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool = False  # from the font name on a text layer; OCR cannot tell


@dataclass
class Line:
    page: int
    words: list[Word]
    code: Word | None = None
    label: list[Word] = field(default_factory=list)
    values: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def height(self) -> float:
        return median(w.bottom - w.top for w in self.words)


@dataclass
class Column:
    left: float  # smallest right edge of a figure in it
    right: float  # largest


def strip_leaders(word: Word) -> Word | None:
    """Drop dot leaders, alone or glued to a label ("Roofing........")."""
    if _LEADER.match(word.text):
        return None
    match = re.match(r"^(\.{2,})?(.*?)(\.{2,})?$", word.text)
    if not match or not (match[1] or match[3]):
        return word
    inner = match[2]
    if not inner:
        return None
    per_char = (word.x1 - word.x0) / len(word.text)
    return Word(inner, word.x0 + len(match[1] or "") * per_char, word.x1 - len(match[3] or "") * per_char,
                word.top, word.bottom, word.bold)


def group_lines(words: list[Word], page: int) -> list[Line]:
    """Words sharing a baseline (their bottoms within 2 pt) form a line."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (w.bottom, w.x0)):
        if lines and abs(word.bottom - lines[-1].words[-1].bottom) <= 2.0:
            lines[-1].words.append(word)
        else:
            lines.append(Line(page, [word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def split_line(line: Line, code_x: float | None) -> None:
    """A GL code at the left, the label, and the trailing run of figures."""
    words = list(line.words)
    if code_x is not None and len(words) > 1 and _CODE.match(words[0].text) and abs(words[0].x0 - code_x) <= 3:
        line.code = words.pop(0)
    values: list[Word] = []
    while words and (parse_amount(words[-1].text) is not None or _CURRENCY_TOKEN.match(words[-1].text)):
        word = words.pop()
        if not _CURRENCY_TOKEN.match(word.text):
            values.insert(0, word)
        elif values and parse_amount(word.text + values[0].text) is not None:
            values[0] = Word(word.text + values[0].text, word.x0, values[0].x1, values[0].top, values[0].bottom,
                             values[0].bold)  # "P 3,504,619": the sign belongs to the figure
    line.label, line.values = words, values


def code_column(lines: list[Line]) -> float | None:
    """The x where GL account numbers start, when at least three lines begin with one there."""
    starts = [ln.words[0].x0 for ln in lines
              if len(ln.words) > 1 and _CODE.match(ln.words[0].text) and re.search(r"[A-Za-z]", ln.words[1].text)]
    if len(starts) < 3:
        return None
    common = median(starts)
    return common if sum(abs(x - common) <= 3 for x in starts) >= 3 else None


def find_columns(lines: list[Line]) -> list[Column]:
    """Figure columns: right edges that line up on many lines."""
    edges = sorted((w.x1, id(line)) for line in lines for w in line.values)
    if not edges:
        return []
    # a hanging ")" or "-" is about half an em wide (Courier: 0.6 em): tolerate that much, no more
    reach = max(4.0, 0.8 * median(w.bottom - w.top for line in lines for w in line.values))
    groups: list[list[tuple[float, int]]] = [[edges[0]]]
    for edge in edges[1:]:
        if edge[0] - groups[-1][-1][0] <= reach:
            groups[-1].append(edge)
        else:
            groups.append([edge])
    value_lines = sum(1 for line in lines if line.values)
    # A column of totals printed to the right of its items' column (a cascade) holds few figures: a handful
    # is enough; columns that name no period are dropped later.
    need = max(2, round(0.03 * value_lines))
    return [Column(g[0][0], g[-1][0]) for g in groups if len({line for _, line in g}) >= need]


def column_of(x1: float, columns: list[Column], slack: float = 4.0) -> int | None:
    for k, col in enumerate(columns):
        if col.left - slack <= x1 <= col.right + slack:
            return k
    return None


def page_lines(pages: list[list[Word]]) -> list[Line]:
    """Every page's lines in reading order, dot leaders and page-number footers dropped."""
    lines = [line for n, words in enumerate(pages, start=1)
             for line in group_lines([w for w in (strip_leaders(w) for w in words) if w], n)]
    return [line for line in lines if not _FOOTER.search(line.text.strip())]


def _has_figures(line: Line) -> bool:
    """A row of figures: its last word an amount that is not a bare year (headings print years)."""
    last = line.words[-1].text
    return (len(line.words) > 1 and parse_amount(last) is not None and not is_bare_year(last)
            and any(ch.isdigit() for ch in last))  # a dash alone ends titles too ("STATEMENTS OF INCOME -")


@dataclass
class Statement:
    """The lines one statement occupies, on one page or running over several, and what it is."""

    kind: Kind
    title: str | None
    lines: list[Line]

    @property
    def pages(self) -> list[int]:
        return sorted({line.page for line in self.lines})


def statements(lines: list[Line]) -> list[Statement]:
    """The document cut where a title names a new statement, each stretch classified (its title, else its
    labels). A page whose top names no statement continues the one before it, and so does a page repeating
    the same title (a statement running over several pages)."""
    stretches: list[tuple[list[Line], list[str]]] = []  # (lines, title lines above its first figures)
    for page in sorted({line.page for line in lines}):
        current: list[Line] = []
        titles: list[str] = []
        seen_figures = False
        for line in (ln for ln in lines if ln.page == page):
            names = starts_statement(line.text) is not None and not _has_figures(line)
            if names and seen_figures:  # a second statement starts lower on the page
                stretches.append((current, titles))
                current, titles, seen_figures = [], [], False
            current.append(line)
            if _has_figures(line):
                seen_figures = True
            elif not seen_figures:
                titles.append(line.text)
        if current:
            stretches.append((current, titles))
    out: list[Statement] = []
    for stretch, titles in stretches:
        labels = [" ".join(w.text for w in line.words if parse_amount(w.text) is None) for line in stretch]
        kind, title = classify(titles, labels)
        named = title is not None
        previous = out[-1] if out else None
        if previous and previous.lines[-1].page < stretch[0].page and (
                not named or (_same_title(title, previous.title) and kind == previous.kind)):
            previous.lines.extend(stretch)  # the same statement, over the page break
            continue
        out.append(Statement(kind, title, list(stretch)))
    return out


def income_tables(pages: list[list[Word]], method: str = "layout") -> list[RawTable]:
    """The income statements of a PDF, one table each (a statement running over pages is one). A document
    whose stretches name no statement at all is read whole, as before; one that holds only other statements
    says which it found."""
    lines = page_lines(pages)
    found = statements(lines)
    income = [s for s in found if s.kind == Kind.income]
    if not income:
        named = sorted({s.kind.value for s in found if s.title})
        if named:
            raise UnreadableFile(f"No income statement was found: the PDF holds {', '.join(named)}. Upload the "
                                 "income (profit and loss, operating) statement.")
        income = [Statement(Kind.unknown, None, lines)]
    tables = []
    errors = []
    for statement in income:
        try:
            table = table_from_lines(statement.lines, method)
        except UnreadableFile as exc:
            errors.append(exc)
            continue
        pages_ = statement.pages
        table.where = f"page {pages_[0]}" if len(pages_) == 1 else f"pages {pages_[0]}-{pages_[-1]}"
        tables.append(table)
    if not tables:
        raise errors[0]
    return tables


_CONTINUED = re.compile(r"[\s(\-\u2013\u2014,]*\b(continued|cont[\u2019']?d|contd)\b[\s).]*", re.IGNORECASE)


def _same_title(a: str | None, b: str | None) -> bool:
    """'Statement of Operations (continued)' and 'Acme LLC - Statement of Operations' carry on 'Statement of
    Operations': a page that says it continues, or repeats the title (with or without the entity's name)."""
    def norm(t: str | None) -> str:
        return re.sub(r"\s+", " ", _CONTINUED.sub(" ", t or "")).strip().lower()

    if a and _CONTINUED.search(a):
        return True
    x, y = norm(a), norm(b)
    return x == y or (bool(x) and bool(y) and (x in y or y in x))


def table_from_words(pages: list[list[Word]], method: str = "layout") -> RawTable:
    """The whole document as one table (every page): for a statement the caller already chose."""
    return table_from_lines(page_lines(pages), method)


def table_from_lines(lines: list[Line], method: str = "layout") -> RawTable:
    lines = [Line(line.page, list(line.words)) for line in lines]  # split_line below fills these copies
    code_x = code_column(lines)
    for line in lines:
        split_line(line, code_x)
    space = space_width(lines)
    for line in lines:  # "Phase 2", "Note 3": a small number a word space after the label is part of it
        if line.label and line.values and re.fullmatch(r"\d{1,3}", line.values[0].text) and (
                line.values[0].x0 - line.label[-1].x1 <= 1.6 * space):
            line.label.append(line.values.pop(0))
    columns = find_columns(lines)
    if not columns:
        raise UnreadableFile("No columns of figures were found in the PDF; check that it is an income & expense "
                             "statement (a table of amounts by period).")
    gaps = [b.right - a.right for a, b in pairwise(columns)]
    col_w = min(median(gaps), 110.0) if gaps else 100.0
    label_edge = columns[0].left - 0.5 * col_w

    def in_columns(word: Word) -> bool:
        return word.x1 > columns[0].right - col_w

    def is_body(line: Line) -> bool:
        placed = [column_of(w.x1, columns) for w in line.values]
        return (bool(line.label) and all(w.x1 < label_edge for w in line.label) and bool(placed)
                and all(k is not None for k in placed) and not all(is_bare_year(w.text) for w in line.values))

    headings: list[str] | None = None
    context: list[str] = []
    rows: list[RawRow] = []
    warnings: list[str] = []
    for page in sorted({line.page for line in lines}):
        page_lines = [line for line in lines if line.page == page]
        first = next((i for i, line in enumerate(page_lines) if is_body(line)), None)
        if first is None:
            continue
        header = _header_lines(page_lines, first, in_columns)
        if header:
            page_headings = _headings(header, columns, col_w, space)
            if headings is None:
                headings = page_headings
            elif page_headings != headings:
                warnings.append(f"Page {page} repeats the column headings differently; page 1's were used.")
            start = page_lines.index(header[-1]) + 1
        else:
            start = first
        if not context:
            context = [line.text for line in page_lines[:start - len(header)]]
        for line in page_lines[start:]:
            row = _row(line, columns, warnings)
            if row:
                rows.append(row)
    if headings is None:
        # No heading over the figures at all (a ledger printing one unlabelled column): the columns stay
        # unnamed, and the title lines above the figures may still state the period.
        headings = [""] * len(columns)
    return RawTable(headings, rows, context, method, warnings)


def _header_lines(page_lines: list[Line], first: int, in_columns) -> list[Line]:
    """The header line above the first row of figures (section headings may sit between) and any
    line a wrapped heading spilled onto above it."""
    index, between = first - 1, 0
    # skipped on the way up: lines without words over the columns (section headings) and rows of figures the
    # body test refused (an OCR'd figure that strayed from its column), which are no header either
    while index >= 0 and (not any(in_columns(w) for w in page_lines[index].words)
                          or _figures_only(page_lines[index], in_columns)):
        between += not page_lines[index].values
        if between > 3:
            return []
        index -= 1
    if index < 0:
        return []
    header = [page_lines[index]]
    while index > 0:
        above, below = page_lines[index - 1], header[0]
        close = below.bottom - above.bottom <= 1.6 * max(above.height, below.height)
        if close and all(in_columns(w) for w in above.words):
            header.insert(0, above)
            index -= 1
        else:
            break
    return header


def _figures_only(line: Line, in_columns) -> bool:
    """Most words over the columns are amounts (not bare years, which headings print): a row of figures,
    even with a figure or two OCR garbled, where a header row has none."""
    over = [w for w in line.words if in_columns(w)]
    if any(w.text.lower().rstrip(".,") in MONTHS for w in over):
        return False  # "Jan - Dec 24": a heading names months, a row of figures never does
    amounts = sum(parse_amount(w.text) is not None and not is_bare_year(w.text) for w in over)
    return bool(over) and amounts >= 0.5 * len(over)


def space_width(lines: list[Line]) -> float:
    """The font's word space, from the gaps inside row labels (Courier's is twice Helvetica's)."""
    gaps = [b.x0 - a.x1 for line in lines if line.values for a, b in pairwise(line.label)]
    gaps = [g for g in gaps if 0 < g < 12]
    return median(gaps) if gaps else 2.5


def _headings(header: list[Line], columns: list[Column], col_w: float, space: float) -> list[str]:
    """Each header line cut into phrases at gaps wider than a word space; a phrase belongs to the
    column whose right edge its last word is nearest (headings are right-aligned like the figures)."""
    texts: list[list[str]] = [[] for _ in columns]
    for line in header:
        words = [w for w in line.words if not _LABEL_HEADINGS.match(w.text)]
        phrases: list[list[Word]] = []
        for word in words:
            if phrases and word.x0 - phrases[-1][-1].x1 <= 1.6 * space:
                phrases[-1].append(word)
            else:
                phrases.append([word])
        parts: list[list[str]] = [[] for _ in columns]
        for phrase in phrases:
            end = phrase[-1].x1
            k = min(range(len(columns)), key=lambda i: abs(end - columns[i].right))
            if abs(end - columns[k].right) < 0.5 * col_w:
                parts[k].extend(w.text for w in phrase)
        for k, part in enumerate(parts):
            if part:
                texts[k].append(" ".join(part))
    return [" ".join(t) for t in texts]


def _row(line: Line, columns: list[Column], warnings: list[str]) -> RawRow | None:
    cells: list[str | None] = [None] * len(columns)
    label = list(line.label)
    for word in line.values:
        k = column_of(word.x1, columns)
        if k is None:
            if not any(cells):
                label.append(word)  # a number that belongs to the label ("Phase 2")
            else:
                warnings.append(f"Page {line.page}: '{word.text}' on the line '{line.text}' lies outside every "
                                "column and was ignored.")
            continue
        cells[k] = word.text
    text = " ".join(w.text for w in label).strip()
    if not text and not any(cells):
        return None
    box = [round(min(w.x0 for w in line.words), 1), round(line.top, 1), round(max(w.x1 for w in line.words), 1),
           round(line.bottom, 1)]
    return RawRow(text, list(cells), {"page": line.page, "bbox": box}, line.code.text if line.code else None,
                  indent=label[0].x0 if label else None, bold=bool(label) and all(w.bold for w in label))


def read_pdf_words(data: bytes, deadline: Deadline | None = None,
                   limits: SizeLimits | None = None) -> tuple[list[list[Word]], int, int, list[int]]:
    """Words of every page from the text layer, the count of characters and of images, and the
    pages that are pictures only (a scan slipped into a text PDF). With a deadline: the page limit is
    checked before any page is read, and the time limit between pages. The streams' unpacked size is
    checked before the file is opened (pdf_bounds), every image's size against IES_MAX_IMAGE_PIXELS from
    its dictionary (nothing is decoded here; OCR would decode it)."""
    import io

    import pdfplumber

    from pipelines.ies.pdf_bounds import check_streams

    limits = limits or SizeLimits.from_env()
    check_streams(data, limits)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if deadline is not None:
                deadline.check_pages(len(pdf.pages))
            pages, chars, images, scanned = [], 0, 0, []
            for page in pdf.pages:
                if deadline is not None:
                    deadline.check(f"reading page {page.page_number} of {len(pdf.pages)}")
                chars += len(page.chars)
                images += len(page.images)
                for image in page.images:
                    check_image(page.page_number, image.get("srcsize"), limits)
                if not page.chars and page.images:
                    scanned.append(page.page_number)
                words = page.extract_words(x_tolerance=2, y_tolerance=2, keep_blank_chars=False,
                                           extra_attrs=["fontname"])
                pages.append([Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"],
                                   "bold" in str(w.get("fontname", "")).lower()) for w in words])
    except DocumentLimitExceeded:
        raise
    except Exception as exc:  # pdfminer raises many kinds of error on a damaged file; all mean the same here
        if _password_protected(exc, data):
            raise UnreadableFile("The PDF is password-protected (encrypted), so it cannot be read; remove the "
                                 "password (open it and print or save it as a new PDF) and upload that.") from exc
        raise UnreadableFile(f"The PDF cannot be opened ({exc.__class__.__name__}); it may be damaged or "
                             "truncated. Export it again and upload the new file.") from exc
    return pages, chars, images, scanned


def check_image(page: int, size: object, limits: SizeLimits) -> None:
    """Refuse an embedded image that decodes to more pixels than the limit (width and height as its
    dictionary declares them; pdfium, rendering a page for OCR, decodes the whole image first)."""
    from pdfminer.pdftypes import resolve1

    try:
        width, height = (int(resolve1(n)) for n in size)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return  # no usable size: the renderer refuses such an image itself
    if width * height > limits.image_pixels:
        raise DocumentLimitExceeded(
            f"Page {page} holds an image of {width:,} x {height:,} pixels ({width * height / 1e6:,.0f} million), more "
            f"than the {limits.image_pixels / 1e6:g}-million-pixel limit for one image (IES_MAX_IMAGE_PIXELS): "
            "decoding it would fill the worker's memory. Scan the statement again at 300 dpi (a letter page is "
            "about 8 million pixels) and upload that, or raise the limit and re-run the document.")


def _password_protected(exc: BaseException, data: bytes) -> bool:
    """pdfminer wraps its PDFPasswordIncorrect; an /Encrypt entry in the trailer says the same."""
    seen: BaseException | None = exc
    while seen is not None:
        if "Password" in type(seen).__name__ or "Encrypt" in type(seen).__name__:
            return True
        seen = seen.__cause__ or seen.__context__
    return b"/Encrypt" in data[-4096:] or b"/Encrypt" in data[:4096]
