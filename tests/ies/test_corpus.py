"""Extraction of the generated corpus against its truth: values, statuses, sources, periods."""

from __future__ import annotations

from collections import defaultdict

import pytest

from pipelines.ies.evaluation import Score, headline_score, mapping_score, score, uncited
from pipelines.ies.result import validation_errors


def test_accuracy_by_format_against_the_truth(ies_cases: list[tuple[dict, dict]]) -> None:
    by_format: dict[str, Score] = defaultdict(Score)
    for truth, result in ies_cases:
        if not truth["scanned"]:
            by_format[truth["format"]].add(score(result, truth))
    overall = Score()
    for file_format, s in sorted(by_format.items()):
        print(f"{file_format}: {s.accuracy:.2%} of {s.total} truth values")
        overall.add(s)
    print(f"overall: {overall.accuracy:.2%} of {overall.total}")
    assert set(by_format) == {"pdf", "xlsx", "csv"}
    assert overall.accuracy >= 0.95, overall.misses[:10]
    for file_format, s in by_format.items():
        assert s.accuracy >= 0.9, (file_format, s.misses[:10])


def test_the_corpus_spans_every_layout_the_issue_names(ies_cases: list[tuple[dict, dict]]) -> None:
    truths = [t for t, _r in ies_cases]
    assert len(truths) >= 40
    pdfs = [t for t in truths if t["format"] == "pdf" and not t["scanned"]]
    seen = {
        "xlsx": any(t["format"] == "xlsx" for t in truths),
        "csv": any(t["format"] == "csv" for t in truths),
        "scanned pdf": any(t["scanned"] for t in truths),
        "ruled pdf": any(t["layout"]["ruled"] for t in pdfs),
        "unruled pdf": any(not t["layout"]["ruled"] for t in pdfs),
        "dot leaders": any(t["layout"]["leaders"] for t in pdfs),
        "multi-page pdf (headers repeated)": any((t["pages"] or 1) > 1 for t in pdfs),
        "t12": any(t["layout"]["period_layout"] == "t12" for t in truths),
        "multi-year": any(t["layout"]["period_layout"] == "multi_year" for t in truths),
        "in thousands": any(t["unit_multiplier"] == 1000 for t in truths),
        "currency signs": any(t["layout"]["dollar"] != "none" for t in truths),
        "statement that does not tie out": any(not t["ties_out"] for t in truths),
        **{f"negatives as {style}": any(t["layout"]["neg"] == style for t in truths)
           for style in ("parens", "minus", "trailing")},
    }
    assert [name for name, present in seen.items() if not present] == []


def test_the_issues_targets_hold_headline_mapping_and_citations(ies_cases: list[tuple[dict, dict]]) -> None:
    """Headline figures >= 99% within rounding, canonical mapping >= 95% of rows (text-layer files), and
    every line item of every file cited."""
    headline, mapping, items, missing = Score(), Score(), 0, []
    for truth, result in ies_cases:
        items += len(result["line_items"])
        missing += [(truth["file"], label) for label in uncited(result, truth["format"])]
        if not truth["scanned"]:
            headline.add(headline_score(result, truth))
            mapping.add(mapping_score(result, truth))
    print(f"headline {headline.accuracy:.2%} of {headline.total}, mapping {mapping.accuracy:.2%} of "
          f"{mapping.total} rows, {items} line items cited")
    assert headline.total >= 400 and headline.accuracy >= 0.99, headline.misses[:10]
    assert mapping.accuracy >= 0.95, mapping.misses[:10]
    assert items > 0 and missing == []


def test_every_result_validates_against_the_schema(ies_cases: list[tuple[dict, dict]]) -> None:
    for truth, result in ies_cases:
        assert validation_errors(result) == [], truth["file"]


def test_status_follows_the_tie_outs_and_names_the_failed_check(ies_cases: list[tuple[dict, dict]]) -> None:
    broken = 0
    for truth, result in ies_cases:
        if truth["scanned"]:
            continue
        if truth["ties_out"]:
            assert result["status"] == "extracted", (truth["file"], result["warnings"])
            continue
        broken += 1
        assert result["status"] == "needs_review", truth["file"]
        failed = {(c["name"], c["period"]) for c in result["checks"] if not c["passed"]}
        for error in truth["tie_out_errors"]:
            name = "t12_total" if "T-12" in error["reason"] else error["canonical"]
            assert (name, error["period"]) in failed, (truth["file"], error, failed)
        assert any(w.startswith("Tie-out failed:") for w in result["warnings"])
    assert broken >= 1


def test_scanned_pdfs_are_read_by_ocr_or_say_what_to_install(ies_cases: list[tuple[dict, dict]]) -> None:
    from pipelines.ies.ocr import available_engine

    scans = [(t, r) for t, r in ies_cases if t["scanned"]]
    assert scans
    engine, _reason = available_engine()
    for _truth, result in scans:
        if engine is None:
            assert result["status"] == "needs_review"
            assert result["line_items"] == []
            assert any("No text layer" in w and "tesseract" in w for w in result["warnings"])
        else:  # OCR installed: a real spread comes back
            assert result["status"] in ("extracted", "needs_review")
            assert result["line_items"], result["warnings"]


def test_period_keys_match_the_truth_including_t12_and_newest_first(ies_cases: list[tuple[dict, dict]]) -> None:
    layouts = set()
    for truth, result in ies_cases:
        if truth["scanned"] or "fiscal year end is not stated" in " ".join(result["warnings"]):
            continue
        layouts.add(truth["layout"]["period_layout"])
        assert [p["key"] for p in result["periods"]] == [p["key"] for p in truth["periods"]], truth["file"]
        if truth["layout"]["period_layout"] == "t12":
            keys = [p["key"] for p in result["periods"]]
            assert len(keys) == 13 and keys[-1].startswith("T12-") and keys[-1].endswith(keys[-2][-7:])
    assert layouts == {"single", "multi_year", "t12"}


def test_non_period_columns_are_ignored(ies_cases: list[tuple[dict, dict]]) -> None:
    with_extra = [(t, r) for t, r in ies_cases if t["layout"].get("extra") and not t["scanned"]]
    assert with_extra, "the corpus should hold a '% of Income' or 'Per Unit' column"
    for truth, result in with_extra:
        assert len(result["periods"]) == len(truth["periods"])
        assert any("is not a period" in w for w in result["warnings"])


def test_every_line_item_points_at_its_row(ies_cases: list[tuple[dict, dict]]) -> None:
    for truth, result in ies_cases:
        if truth["scanned"]:
            continue
        rows = truth["rows"]
        assert len(result["line_items"]) == len(rows), truth["file"]
        for row, item in zip(rows, result["line_items"], strict=True):
            assert " ".join(item["label"].split()) == row["label"], truth["file"]
            want, got = row["source"], item["source"]
            if truth["format"] == "pdf":
                assert got["page"] == want["page"]
                middle = (got["bbox"][1] + got["bbox"][3]) / 2
                assert want["bbox"][1] <= middle <= want["bbox"][3], (truth["file"], row["label"])
            else:
                assert {k: v for k, v in got.items() if k in want} == want, (truth["file"], row["label"])


@pytest.mark.parametrize("field", ["canonical", "section", "is_total"])
def test_rows_map_onto_the_chart_like_the_truth(ies_cases: list[tuple[dict, dict]], field: str) -> None:
    wrong = [(t["file"], row["label"], row[field], item[field]) for t, r in ies_cases if not t["scanned"]
             for row, item in zip(t["rows"], r["line_items"], strict=True) if row[field] != item[field]]
    assert wrong == []


def test_thousands_statements_are_multiplied(ies_cases: list[tuple[dict, dict]]) -> None:
    thousands = [(t, r) for t, r in ies_cases if t["unit_multiplier"] == 1000 and not t["scanned"]]
    assert thousands
    for truth, result in thousands:
        assert result["unit_multiplier"] == 1000
        assert score(result, truth).accuracy > 0.9


def test_document_id_is_stable_from_the_bytes(ies_corpus, ies_cases) -> None:
    from pipelines.ies.extract import content_document_id

    truth, result = ies_cases[0]
    data = (ies_corpus / "ies" / truth["file"]).read_bytes()
    assert result["document_id"] == content_document_id(data) == "ies_" + result["sha256"][:16]
    assert result["source_file"] == truth["file"]
