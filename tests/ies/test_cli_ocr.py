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


def test_a_scanned_t12_is_read_month_by_month_by_tesseract(tmp_path: Path) -> None:
    """The bench corpus's scanned T-12 (150 dpi JPEG, tilt, specks, blur) read by the real tesseract: its
    bold, blurred month headings used to come out '08/2025' for 09/2025 and '1/2025' for 11/2025, and its
    figures with points for commas ('1.891'), so months went missing and 16 of 39 headline figures were right."""
    from datetime import UTC, datetime

    from brainops.sample.ies_statements import generate_ies
    from pipelines.ies.evaluation import headline_score

    generate_ies(tmp_path, scale=1, seed=42, as_of=datetime(2026, 11, 1, tzinfo=UTC))  # bench/ies_accuracy.py's
    truths = [json.loads(path.read_text()) for path in sorted((tmp_path / "truth" / "ies").glob("*.json"))]
    truth = next(t for t in truths if t["scanned"] and t["layout"]["period_layout"] == "t12")
    result = extract_module.extract(tmp_path / "ies" / truth["file"])
    assert result["method"].startswith("ocr:tesseract+layout")
    assert [p["key"] for p in result["periods"]] == [p["key"] for p in truth["periods"]]
    headline = headline_score(result, truth)
    assert headline.accuracy >= 0.95, headline.misses
    assert result["status"] == ("extracted" if truth["ties_out"] else "needs_review"), result["warnings"]


def test_ocr_figures_and_rule_scraps_are_repaired() -> None:
    from pipelines.ies.ocr import OcrWord, is_debris, repair_line

    def one(text: str) -> str:
        return repair_line([OcrWord(text, 0, 0, 10, 10, 90, (1, 1, 1))])[0][0]

    # a comma read as a point, or lost: money prints two decimals or none
    assert [one(t) for t in ("1.891", "$3.862516", "$3,.493546", "$1353,717", "(1.234)")] == [
        "1,891", "$3,862,516", "$3,493,546", "$1,353,717", "(1,234)"]
    assert [one(t) for t in ("1,234.56", "0.125", "09/2025", "2025")] == ["1,234.56", "0.125", "09/2025", "2025"]
    assert one("EG!") == "EGI" and one("\u00a9=\u2014-$135,903") == "$135,903"
    scraps = [is_debris(OcrWord(text, 0, 0, 10, 10, 50, (1,)))
              for text in ("\u00ab=", "=", "_\u2014", "-", "\u2014", "&", "$")]
    assert scraps == [True, True, True, False, False, False, False]  # a dash prints a zero; '&' is in labels
