"""`brainops ies extract` as a user runs it, and the scanned-PDF path with and without an OCR engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from pipelines.ies import extract as extract_module
from pipelines.ies.ocr import skew_angle
from pipelines.ies.pdf_layout import read_pdf_words
from pipelines.ies.result import validation_errors
from tests.ies.handmade import image_only_copy, write_pdf
from tests.ies.test_edge_cases import PROPERTY_ROWS

BRAINOPS = str(Path(sys.executable).parent / "brainops")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BRAINOPS, "ies", "extract", *args], capture_output=True, text=True, timeout=120)


def test_json_output_validates_and_exit_codes_follow_the_status(ies_corpus: Path, ies_cases, tmp_path) -> None:
    for want in ("extracted", "needs_review"):
        truth, _ = next((t, r) for t, r in ies_cases if r["status"] == want)
        done = run(str(ies_corpus / "ies" / truth["file"]), "--json")
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        assert result["status"] == want and validation_errors(result) == []
    summary = run(str(ies_corpus / "ies" / truth["file"]))
    assert summary.returncode == 0 and "checks:" in summary.stdout and truth["file"] in summary.stdout
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(bytes(range(256)) * 4)
    failed = run(str(garbage), "--json")
    assert failed.returncode == 1
    assert json.loads(failed.stdout)["status"] == "failed"
    assert len(failed.stderr.strip().splitlines()) == 1 and "not a PDF, XLSX or CSV" in failed.stderr
    missing = run(str(tmp_path / "nope.pdf"))
    assert missing.returncode == 2 and "No file at" in missing.stderr


@pytest.fixture
def scanned_statement(tmp_path: Path) -> tuple[Path, Path]:
    text = tmp_path / "text.pdf"
    write_pdf(text, ["Maple Court Apartments", "Operating Statement", "Years Ended December 31, 2024 - 2025",
                     "(in thousands)"], [["Dec 31, 2025"], ["Dec 31, 2024"]], PROPERTY_ROWS)
    scan = tmp_path / "scan.pdf"
    image_only_copy(text, scan)
    return text, scan


def test_a_scan_without_ocr_needs_review_and_says_what_to_install(scanned_statement, monkeypatch) -> None:
    _, scan = scanned_statement
    assert read_pdf_words(scan.read_bytes())[3] == [1]  # page 1 is a picture: a scan
    monkeypatch.setattr(extract_module, "available_engine", lambda: (None, "OCR not installed: install tesseract"))
    result = extract_module.extract(scan)
    assert result["status"] == "needs_review" and result["line_items"] == []
    assert result["warnings"] == ["No text layer (a scanned document); OCR not installed: install tesseract."]


class WordsFromTextLayer:
    """A stand-in OCR engine that 'recognises' the words of the original text PDF, in image pixels."""

    name = "fake"

    def __init__(self, text_pdf: Path) -> None:
        self.pages = read_pdf_words(text_pdf.read_bytes())[0]
        self.calls = 0

    def page_words(self, image: Image.Image):
        scale = image.width / 612
        words = self.pages[self.calls]
        self.calls += 1
        return [(w.text, w.x0 * scale, w.top * scale, w.x1 * scale, w.bottom * scale) for w in words]


def test_a_scan_is_read_through_an_ocr_engine_when_one_is_there(scanned_statement, monkeypatch) -> None:
    text, scan = scanned_statement
    engine = WordsFromTextLayer(text)
    monkeypatch.setattr(extract_module, "available_engine", lambda: (engine, ""))
    result = extract_module.extract(scan)
    assert result["method"] == "ocr:fake+layout"
    assert result["status"] == "extracted", result["warnings"]
    from_text = extract_module.extract(text)["line_items"]
    assert [(i["label"], i["values"]) for i in result["line_items"]] == [(i["label"], i["values"]) for i in from_text]
    assert all(i["confidence"] < 0.9 for i in result["line_items"])  # OCR: a little less sure


def test_skew_is_measured_so_scanned_rows_line_up(scanned_statement) -> None:
    from pipelines.ies.ocr import render_pages

    _, scan = scanned_statement
    page = render_pages(scan.read_bytes(), dpi=100)[0]
    assert skew_angle(page) == pytest.approx(0, abs=0.15)
    tilted = page.rotate(1.0, resample=Image.Resampling.BILINEAR, fillcolor=255)
    assert skew_angle(tilted) == pytest.approx(-1.0, abs=0.25)
