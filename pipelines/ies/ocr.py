"""Scanned PDFs (pages that are images, no text layer): render each page, straighten it, and read
words with positions through an offline OCR engine; the layout reader then treats them like a
text layer. Tesseract (Debian's tesseract-ocr + tesseract-ocr-eng, through PyPI's pytesseract)
is the engine wired in: its language data ships in the Debian package, so nothing is downloaded
at run time. Without it, scans come out needs_review with what to install."""

from __future__ import annotations

import io
import shutil
from typing import Protocol

from PIL import Image, ImageOps

from pipelines.ies.pdf_layout import Word

RENDER_DPI = 300
INSTALL_HINT = ("install the Debian packages tesseract-ocr and tesseract-ocr-eng and the PyPI package "
                "pytesseract, then extract again")


class OcrEngine(Protocol):
    name: str

    def page_words(self, image: Image.Image) -> list[tuple[str, float, float, float, float]]:
        """Words as (text, x0, top, x1, bottom) in the image's pixels."""
        ...


class TesseractOcr:
    name = "tesseract"

    def page_words(self, image: Image.Image) -> list[tuple[str, float, float, float, float]]:
        import pytesseract

        data = pytesseract.image_to_data(image, config="--psm 6", output_type=pytesseract.Output.DICT)
        words = []
        for text, left, top, width, height, conf in zip(data["text"], data["left"], data["top"], data["width"],
                                                        data["height"], data["conf"], strict=True):
            if text.strip() and float(conf) >= 0:
                words.append((text.strip(), left, top, left + width, top + height))
        return words


def available_engine() -> tuple[OcrEngine | None, str]:
    """The OCR engine to use, or None and why not (a sentence that says what to install)."""
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return None, f"OCR not installed: {INSTALL_HINT}"
    if not shutil.which("tesseract"):
        return None, f"pytesseract is installed but the tesseract program is not: {INSTALL_HINT}"
    return TesseractOcr(), ""


def render_pages(data: bytes, dpi: int = RENDER_DPI) -> list[Image.Image]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(io.BytesIO(data))
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("L") for page in pdf]
    finally:
        pdf.close()


def skew_angle(image: Image.Image, limit: float = 2.0, step: float = 0.1) -> float:
    """The rotation (degrees) that makes text lines horizontal: where row sums of ink are most peaked.
    A scanner tilts pages by a degree or so; one degree moves a figure 10 pt across a page."""
    small = ImageOps.invert(image.convert("L")).resize((image.width // 4, image.height // 4))
    best, best_score = 0.0, -1.0
    steps = int(limit / step)
    for i in range(-steps, steps + 1):
        angle = i * step
        rotated = small.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0)
        rows = list(rotated.resize((1, rotated.height), Image.Resampling.BOX).tobytes())  # ink per pixel row
        mean = sum(rows) / len(rows)
        score = sum((r - mean) ** 2 for r in rows)
        if score > best_score:
            best, best_score = angle, score
    return best


def ocr_words(data: bytes, engine: OcrEngine) -> list[list[Word]]:
    """Words of every page in PDF points, as the layout reader expects them."""
    pages = []
    scale = RENDER_DPI / 72
    for image in render_pages(data):
        angle = skew_angle(image)
        if angle:
            image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        pages.append([Word(text, x0 / scale, x1 / scale, top / scale, bottom / scale)
                      for text, x0, top, x1, bottom in engine.page_words(image)])
    return pages
