"""Scanned PDFs (pages that are images, no text layer): render each page, straighten it, and read
words with positions through an offline OCR engine; the layout reader then treats them like a
text layer. A scan of several pages is read quickly first, and only the pages that may hold the
income statement are read at full quality (scan_pages.py). Tesseract (Debian's tesseract-ocr +
tesseract-ocr-eng, through PyPI's pytesseract) is the engine wired in: its language data ships in
the Debian package, so nothing is downloaded at run time. Without it, scans come out needs_review
with what to install."""

from __future__ import annotations

import io
import os
import re
import shutil
from collections import deque
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from statistics import median
from typing import Protocol

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from pipelines.ies.limits import Deadline, DocumentLimitExceeded, SizeLimits
from pipelines.ies.pdf_layout import Word
from pipelines.ies.scan_pages import pages_to_read

RENDER_DPI = 300
QUICK_DPI = 150  # the quick read that finds each page's titles: a 10 pt title is ~20 px tall, read well
DEFAULT_OCR_WORKERS = 2
TESSERACT_CONFIG = "--psm 6"  # one uniform block of text lines: a statement
RULE_LEVEL = 215  # darker than this may be a rule (text prints near 25, shading 225-238, paper 250)
PAPER_LEVEL = 200  # lighter than this is paper: specks, shading and JPEG noise are whitened
TEXT_LINE_PIXELS = 40.0  # text line height Tesseract reads best (its docs: x-height of 20+ pixels)
REREAD_CONFIDENCE = 60  # a figure Tesseract is less sure of than this (0-100) is read again on its own
SHARPEN = ImageFilter.UnsharpMask(radius=3, percent=200, threshold=0)  # on ~40 px text lines: undoes scan blur
TEXT_LEVEL = 120  # darker than this, a pixel beside a rule is a stroke of a letter or figure touching it
INSTALL_HINT = ("install the Debian packages tesseract-ocr and tesseract-ocr-eng and the PyPI package "
                "pytesseract, then extract again")


class OcrEngine(Protocol):
    name: str

    def page_words(self, image: Image.Image) -> list[tuple[str, float, float, float, float]]:
        """Words as (text, x0, top, x1, bottom) in the image's pixels."""
        ...


@dataclass
class OcrWord:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float
    line: tuple[int, ...]  # the engine's own line id

    @property
    def height(self) -> float:
        return self.bottom - self.top


class TesseractOcr:
    """Tesseract in uniform-block mode (--psm 6: a statement is one table of text lines), twice on a page
    with dot leaders: Tesseract reads a row of leader dots as a run of flat letters ("csccsssn...") and then
    misreads the label beside it, so the dots it found are erased and the page read again."""

    name = "tesseract"

    def __init__(self) -> None:
        # Tesseract's OpenMP threads spin while they wait: on two cores shared with other work a page took
        # twice as long with them as on one thread (bench/ies_ocr_speed.py). A limit set by the user stays.
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")

    def page_words(self, image: Image.Image) -> list[tuple[str, float, float, float, float]]:
        words = self._read(image)
        leaders = [w for w in words if is_leader(w, words)]
        if leaders:
            image = image.copy()
            draw = ImageDraw.Draw(image)
            for w in leaders:
                draw.rectangle([w.x0 - 2, w.top - 2, w.x1 + 2, w.bottom + 2], fill=255)
            words = self._read(image)
        words = [w for w in words if not is_leader(w, words) and not is_debris(w)]
        words = [self._reread(image, w) if w.conf < REREAD_CONFIDENCE and any(ch.isdigit() for ch in w.text) else w
                 for w in words]
        lines: dict[tuple[int, ...], list[OcrWord]] = {}
        for w in words:
            lines.setdefault(w.line, []).append(w)
        out = []
        for found in lines.values():
            # A word's box takes in any speck of dust beside it, so bottoms on one printed line scatter by a
            # few points: more than the layout reader's 2 pt baseline tolerance. Tesseract's line is the truth.
            top, bottom = median(w.top for w in found), median(w.bottom for w in found)
            out += [(text, x0, top, x1, bottom) for text, x0, x1 in repair_line(found)]
        return out

    def quick_words(self, image: Image.Image) -> list[tuple[str, float, float, float, float]]:
        """One plain pass, no second look at leaders or unsure figures: enough to read a page's titles."""
        return [(w.text, w.x0, w.top, w.x1, w.bottom) for w in self._read(image)]

    @classmethod
    def _reread(cls, image: Image.Image, word: OcrWord) -> OcrWord:
        """A figure Tesseract was unsure of, read again alone as one line (--psm 7): within the page its
        guess is swayed by its neighbours ("$277,545" in a bold total row came out "$2775" at confidence 0).
        The new reading is kept when Tesseract is surer of it."""
        pad = round(word.height * 0.3)
        box = (max(0, round(word.x0) - pad), max(0, round(word.top) - pad),
               min(image.width, round(word.x1) + pad), min(image.height, round(word.bottom) + pad))
        found = cls._read(image.crop(box), "--psm 7")
        if not found or min(w.conf for w in found) <= word.conf:
            return word
        return OcrWord("".join(w.text for w in found), word.x0, word.top, word.x1, word.bottom,
                       min(w.conf for w in found), word.line)

    @staticmethod
    def _read(image: Image.Image, config: str = TESSERACT_CONFIG) -> list[OcrWord]:
        import pytesseract

        data = pytesseract.image_to_data(image, config=config, output_type=pytesseract.Output.DICT)
        return [OcrWord(text.strip(), data["left"][i], data["top"][i], data["left"][i] + data["width"][i],
                        data["top"][i] + data["height"][i], float(data["conf"][i]),
                        (data["block_num"][i], data["par_num"][i], data["line_num"][i]))
                for i, text in enumerate(data["text"]) if text.strip() and float(data["conf"][i]) >= 0]


def is_leader(word: OcrWord, words: list[OcrWord]) -> bool:
    """Dot leaders (or rule debris) read as a word: no digit, not a dash (a printed zero), and either flat
    (under 40% of the page's text height: dots sit on the baseline) or spread thin with low confidence."""
    if any(ch.isdigit() for ch in word.text) or set(word.text) <= set(_DASHES):
        return False
    sure = [w.height for w in words if w.conf >= 80] or [w.height for w in words]
    flat = word.height < 0.4 * median(sure)
    thin = word.conf < 30 and (word.x1 - word.x0) > 8 * max(word.height, 1) * max(len(word.text), 1) ** 0.5
    return flat or thin


def is_debris(word: OcrWord) -> bool:
    """A scrap of a rule read as a word: no letter or digit, and not a dash that prints a zero ("«=",
    "©=", "=" under a total row; "_—" where an underline meets a dash)."""
    text = word.text
    if not set(text) <= set(_RULE_SCRAPS):  # a word, a figure, or '&', '/', '$' that belong to one
        return False
    return not set(text) <= set(_DASHES) or ("_" in text and set(text) != {"_"})


_DASHES = "-\u2013\u2014_"
# What Tesseract makes of a scrap of a rule: = ~ | ¦ § « » © ® and quotes
_RULE_SCRAPS = _DASHES + "=~|\u00a6\u00a7\u00ab\u00bb\u00a9\u00ae\u2018\u2019\u201c\u201d'\"`"
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "`": "'", "\u00b4": "'"})
_NUMBERISH = re.compile(r"^[$(\-]?[\dOolIS,.$]*\d[\dOolIS,.]*[)\-.,]?$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SCRAP_BEFORE_FIGURE = re.compile(  # "©=—-$135,903": '=', '«', '©' are no part of a figure, nor the dashes by them
    r"^[=~\u00ab\u00bb\u00a9_\u2014\u2013-]*[=~\u00ab\u00bb\u00a9]+[\u2014\u2013_-]*(?=[$(\d])")
_CONFUSED = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "S": "5"})


def repair_line(words: list[OcrWord]) -> list[tuple[str, float, float]]:
    """The figures of one OCR'd line put back together: quotes made plain ("Aug \u201825" is "Aug '25"),
    letters that stand for digits inside a figure (O, l, I, S), a figure split where Tesseract took a
    thin comma or point for a space ("$75," "483.68"; "77,385" "12" is 77,385.12), and a trailing minus
    read as a point ("6,384.47." is 6,384.47-)."""
    items = [[w.text.translate(_QUOTES), w.x0, w.x1, w.height] for w in sorted(words, key=lambda w: w.x0)]
    for item in items:
        if _NUMBERISH.match(item[0]) and sum(ch.isdigit() for ch in item[0]) >= 2:
            item[0] = item[0].translate(_CONFUSED)
        # "EG!" is EGI: a statement's labels print no "!", Tesseract reads a sharp I or l as one
        item[0] = re.sub(r"(?<=[A-Za-z])!|!(?=[A-Za-z])", lambda m: "I" if m.string.isupper() else "l", item[0])
        # "©=—-$135,903": a scrap of the rule above stuck to a figure
        item[0] = _SCRAP_BEFORE_FIGURE.sub("", item[0])
    for item, after in zip(items, [*items[1:], None], strict=True):  # "Now '25" is Nov '25 in a heading
        if after and re.fullmatch(r"'?\d\d|(19|20)\d\d", after[0]) and item[0].isalpha() and len(item[0]) == 3:
            near = [m for m in _MONTHS if sum(a != b for a, b in zip(m, item[0].lower(), strict=True)) <= 1]
            if len(near) == 1:
                item[0] = near[0].title()
    merged: list[list] = []
    for item in items:
        if merged and _joins(merged[-1], item):
            last = merged[-1]
            glue = ("." if re.fullmatch(r"\d\d[)\-.]?", item[0]) else
                    "," if re.fullmatch(r"\d{3}(\.\d\d)?[)\-]?", item[0]) else "")
            glue = glue if re.search(r"\d$", last[0]) else ""
            if glue and re.search(r"\d\.\d{3}$", last[0]):  # "2.567" "43": the point was a comma
                last[0] = last[0][:-4] + "," + last[0][-3:]
            last[0], last[2] = last[0] + glue + item[0], item[2]
        else:
            merged.append(item)
    out = []
    for text, x0, x1, _ in merged:
        if re.fullmatch(r"[$(]?\d{1,3}(,\d{3})*\.\d\d[.,]", text):
            text = text[:-1] + "-"
        # "76,04339" and "2.21058": a group of five digits is a thousands group and the cents, point lost
        text = re.sub(r"^([$(]?\d{1,3}(?:,\d{3})*)[.,](\d{3})(\d\d)([)\-]?)$", r"\1,\2.\3\4", text)
        out.append((_whole_figure(text), x0, x1))
    return out


_SEPARATED = re.compile(r"^(?P<lead>[$(]?)(?P<body>[1-9][\d.,]*[.,]\d{3,})(?P<trail>[)\-]?)$")


def _whole_figure(text: str) -> str:
    """A figure with no cents whose separators OCR garbled, grouped again: "1.891" (a comma read as a
    point), "$3.862516" and "$3,.493546" (a comma lost or doubled), "$1353,717". Money prints two decimals
    or none, so a last separator followed by three or more digits cannot be a decimal point."""
    match = _SEPARATED.match(text)
    if not match:
        return text
    digits = re.sub(r"[.,]", "", match["body"])
    return f"{match['lead']}{int(digits):,}{match['trail']}"


def _joins(left: list, right: list) -> bool:
    """Two tokens that are one figure: close together (under a third of the text height apart), and the
    left one ends in a separator or the right one is the two cents digits or starts with a separator."""
    if right[1] - left[2] > 0.6 * max(left[3], right[3]):
        return False
    a, b = left[0], right[0]
    if not re.search(r"\d[,.]?$", a) or not re.match(r"^[,.]?\d", b):
        return False
    return (a.endswith((",", ".")) or b.startswith((",", "."))
            or re.search(r",\d{1,2}$", a) is not None  # "1,96" "1.03-": a group cut short is no figure alone
            or (re.fullmatch(r"\d\d[)\-.]?", b) is not None  # the cents, their point read as a space
                and re.fullmatch(r"[$(]?\d[\d,]*", a) is not None and not re.fullmatch(r"(19|20)\d\d", a))
            or (re.fullmatch(r"\d{3}(\.\d\d)?[)\-]?", b) is not None  # "$76" "982.27": a comma read as a space
                and re.fullmatch(r"[$(]?\d{1,3}", a) is not None))


def available_engine() -> tuple[OcrEngine | None, str]:
    """The OCR engine to use, or None and why not (a sentence that says what to install)."""
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return None, f"OCR not installed: {INSTALL_HINT}"
    if not shutil.which("tesseract"):
        return None, f"pytesseract is installed but the tesseract program is not: {INSTALL_HINT}"
    return TesseractOcr(), ""


def render_pages(data: bytes, dpi: int = RENDER_DPI, limits: SizeLimits | None = None) -> list[Image.Image]:
    return [image for _, image in iter_pages(data, dpi, limits)]


def page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(io.BytesIO(data))
    try:
        return len(pdf)
    finally:
        pdf.close()


def iter_pages(data: bytes, dpi: int = RENDER_DPI, limits: SizeLimits | None = None,
               only: Collection[int] | None = None) -> Iterator[tuple[int, Image.Image]]:
    """(number, image) of each page (or of the page numbers in `only`), rendered one at a time (a long scan
    never sits in memory whole), each only once its size at `dpi` is known to be within IES_MAX_PAGE_PIXELS
    (PDF allows pages of 200 x 200 inches: 3.6 billion pixels at 300 dpi, and OCR needs ~40 bytes a pixel)."""
    import pypdfium2 as pdfium

    limit = (limits or SizeLimits.from_env()).page_pixels
    pdf = pdfium.PdfDocument(io.BytesIO(data))
    try:
        for number, page in enumerate(pdf, start=1):
            if only is not None and number not in only:
                continue
            width, height = page.get_size()  # points
            pixels = round(width * dpi / 72) * round(height * dpi / 72)
            if pixels > limit:
                raise DocumentLimitExceeded(
                    f"Page {number} is {width / 72:,.1f} x {height / 72:,.1f} inches: rendered at {dpi} dpi to be "
                    f"read by OCR it would be {pixels / 1e6:,.0f} million pixels, more than the "
                    f"{limit / 1e6:g}-million-pixel limit (IES_MAX_PAGE_PIXELS). Scan the statement on letter or "
                    "A4 pages and upload that, or raise the limit and re-run the document.")
            yield number, page.render(scale=dpi / 72).to_pil().convert("L")
    finally:
        pdf.close()


def skew_angle(image: Image.Image, limit: float = 2.0, step: float = 0.1) -> float:
    """The rotation (degrees) that makes text lines horizontal: where row sums of ink are most peaked.
    A scanner tilts pages by a degree or so; one degree moves a figure 10 pt across a page. Searched in
    `step`s, then refined to a quarter step around the best."""
    small = ImageOps.invert(image.convert("L")).resize((image.width // 4, image.height // 4))

    def peakedness(angle: float) -> float:
        rotated = small.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0)
        rows = np.frombuffer(rotated.resize((1, rotated.height), Image.Resampling.BOX).tobytes(), dtype=np.uint8)
        return float(np.var(rows.astype(np.float64)))  # ink per pixel row

    steps = int(limit / step)
    best = max((i * step for i in range(-steps, steps + 1)), key=lambda a: (peakedness(a), -abs(a)))
    fine = max((best + k * step / 4 for k in range(-3, 4)), key=lambda a: (peakedness(a), -abs(a)))
    return round(fine, 3)


def _long_runs(ink: np.ndarray, length: int) -> np.ndarray:
    """Pixels that lie in a horizontal run of at least `length` ink pixels."""
    height, width = ink.shape
    if width < length:
        return np.zeros_like(ink)
    sums = np.zeros((height, width + 1), dtype=np.int32)
    np.cumsum(ink, axis=1, out=sums[:, 1:])
    starts = np.zeros((height, width + 1), dtype=np.int32)
    starts[:, 1:width - length + 2] = (sums[:, length:] - sums[:, :-length]) == length  # a full window starts here
    covered = np.cumsum(starts, axis=1)[:, 1:]
    covered[:, length:] -= np.cumsum(starts, axis=1)[:, 1:width - length + 1]
    return covered > 0


def even_paper(image: Image.Image) -> Image.Image:
    """A photographed or grey-scanned page brought to white paper: each pixel divided by the brightness of the
    paper around it (the page with its text filtered out: a coarse maximum, smoothed), so grey or unevenly lit
    paper reads 255 and text keeps its contrast. A page already on white paper is returned as it is."""
    gray = image.convert("L")
    if np.median(np.asarray(gray)) >= 240:  # most of a page is paper: white already
        return gray
    small = gray.resize((max(1, gray.width // 16), max(1, gray.height // 16)), Image.Resampling.BOX)
    paper = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(2)).resize(
        gray.size, Image.Resampling.BILINEAR)
    page, light = np.asarray(gray, dtype=np.float32), np.maximum(np.asarray(paper, dtype=np.float32), 1.0)
    return Image.fromarray(np.clip(page * 255.0 / light, 0, 255).astype(np.uint8))


def clean_page(image: Image.Image, dpi: int = RENDER_DPI) -> Image.Image:
    """What an OCR engine reads best: table rules and underlines erased (Tesseract reads a ruled cell's
    border as letters and runs the cells of a row together), shading, specks and JPEG noise lightened to
    paper. Text keeps its grey edges, and the dark strokes of figures an underline touches stay."""
    page = np.asarray(image.convert("L"), dtype=np.uint8).copy()
    ink = page < RULE_LEVEL  # hairline rules print grey once scanned: anything darker than shading counts
    reach = round(dpi * 0.9)  # even a bold figure's strokes break within an inch; rules run on
    rules = _long_runs(_close_gaps(ink), reach) | _long_runs(_close_gaps(ink.T), reach).T
    edges = np.zeros_like(rules)  # a rule's anti-aliased edges, one pixel either side, where they are not text
    edges[1:] |= rules[:-1]
    edges[:-1] |= rules[1:]
    edges[:, 1:] |= rules[:, :-1]
    edges[:, :-1] |= rules[:, 1:]
    page[rules | (edges & (page > TEXT_LEVEL))] = 255
    page[page > PAPER_LEVEL] = 255
    return Image.fromarray(page)


def _close_gaps(ink: np.ndarray) -> np.ndarray:
    """Ink with one-pixel breaks along each row filled (JPEG blocks fade a grey rule in places)."""
    closed = ink.copy()
    closed[:, 1:-1] |= ink[:, :-2] & ink[:, 2:]
    return closed


def ocr_words(data: bytes, engine: OcrEngine, dpi: int | None = None, deadline: Deadline | None = None,
              limits: SizeLimits | None = None, workers: int | None = None) -> list[list[Word]]:
    """Words of every page in PDF points, as the layout reader expects them. A scan of several pages is
    first read quickly (QUICK_DPI, one plain Tesseract pass) and only the pages that may hold the income
    statement are read in full (scan_pages); the others keep their quick words, enough for the layout
    reader to see what they are. `workers` pages are read at once (IES_OCR_WORKERS). The deadline is
    checked before each page (OCR is the slowest reader: seconds a page), the page's size before it is
    rendered."""
    dpi = dpi or RENDER_DPI
    workers = workers or ocr_workers()
    quick = getattr(engine, "quick_words", None)
    pages: dict[int, list[Word]] = {}
    wanted: list[int] | None = None  # None: every page
    if quick is not None and page_count(data) > 1:
        scale = QUICK_DPI / 72

        def read_quickly(image: Image.Image) -> list[Word]:
            return [Word(text, x0 / scale, x1 / scale, top / scale, bottom / scale)
                    for text, x0, top, x1, bottom in quick(even_paper(image))]

        pages = _each_page(iter_pages(data, QUICK_DPI, limits), read_quickly, workers, deadline,
                           "reading scanned page {} quickly by OCR")
        wanted = pages_to_read([pages[n] for n in sorted(pages)])
    pages |= _each_page(iter_pages(data, dpi, limits, only=wanted), lambda image: _read_page(image, engine, dpi),
                        workers, deadline, "reading scanned page {} by OCR")
    return [pages[n] for n in sorted(pages)]


def _read_page(image: Image.Image, engine: OcrEngine, dpi: int) -> list[Word]:
    """One page at full quality: paper evened, straightened, rules erased, small print enlarged, sharpened."""
    image = even_paper(image)
    angle = skew_angle(image)
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    image = clean_page(image, dpi)
    zoom = text_zoom(image)
    if zoom > 1:
        image = image.resize((round(image.width * zoom), round(image.height * zoom)), Image.Resampling.LANCZOS)
    # Scans are blurred (optics, JPEG): bold print smears, 9 and 5 turn into 8 and 6. Sharpening the
    # strokes back makes Tesseract read a T-12's bold month headings and total rows right.
    image = image.filter(SHARPEN)
    scale = dpi * zoom / 72
    return [Word(text, x0 / scale, x1 / scale, top / scale, bottom / scale)
            for text, x0, top, x1, bottom in engine.page_words(image)]


def _each_page(images: Iterator[tuple[int, Image.Image]], read: Callable[[Image.Image], list[Word]],
               workers: int, deadline: Deadline | None, doing: str) -> dict[int, list[Word]]:
    """`read` of every page, `workers` pages at a time in threads (Tesseract runs in a child process, and
    numpy and PIL let go of the GIL). Pages are rendered here, in order (pdfium is not thread-safe), and
    at most `workers` ahead of the reading, so a long scan never sits in memory whole."""
    out: dict[int, list[Word]] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[tuple[int, Future[list[Word]]]] = deque()
        for number, image in images:
            if deadline is not None:
                deadline.check(doing.format(number))
            pending.append((number, pool.submit(read, image)))
            if len(pending) >= workers:
                done, future = pending.popleft()
                out[done] = future.result()
        for done, future in pending:
            out[done] = future.result()
    return out


def ocr_workers() -> int:
    """IES_OCR_WORKERS: scanned pages read at once (default 2, this machine's cores; each needs ~40 bytes
    a pixel of its page while it is read)."""
    from brainops.env_file import setting

    raw = setting("IES_OCR_WORKERS")
    try:
        workers = int(raw) if raw not in (None, "") else DEFAULT_OCR_WORKERS
    except ValueError as exc:
        raise ValueError(f"IES_OCR_WORKERS={raw!r} is not a whole number; set it to how many scanned pages "
                         "to read at once (e.g. 2), or unset it.") from exc
    return max(1, workers)


def text_zoom(image: Image.Image, want: float = TEXT_LINE_PIXELS) -> float:
    """How much to enlarge a page so its text lines are about `want` pixels tall: Tesseract misreads small
    print (a T-12's 6 pt figures are ~25 px tall at 300 dpi) and reads ~40 px lines best. 1 when large."""
    ink = (np.asarray(image.convert("L")) < 128).any(axis=1)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], ink.astype(np.int8), [0]])))
    bands = edges[1::2] - edges[::2]  # heights of the runs of inked pixel rows: the text lines
    bands = bands[bands >= 4]
    if not len(bands):
        return 1.0
    height = float(np.median(bands))
    return min(2.0, want / height) if height < 0.75 * want else 1.0
