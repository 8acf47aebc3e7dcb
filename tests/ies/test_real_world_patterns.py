"""The layouts of real statements (issue 12), each in a document the test generates with invented
figures (tests/ies/pattern_docs.py), asserted on the contract output only: the periods found, the
headline figures per period, the currency, the status; and never a confident wrong number.

Patterns: which page of a packet is the income statement; periods printed in titles, date cells,
fiscal years, T-12 and 13-month totals, two-row headings; subtotals that do not say "Total", rows
below NOI, a CASH FLOW row; peso, yuan, euro and pound amounts, "in thousands"; statements that
do not tie."""

from __future__ import annotations

import calendar
from datetime import date
from functools import cache

import pytest

from pipelines.ies.extract import extract_bytes
from tests.ies.pattern_docs import DOCS
from tests.ies.patterns import HEADLINE, Doc, Period, read_back

NAMES = list(DOCS)


@cache
def built(name: str) -> Doc:
    doc = DOCS[name]()
    read_back(doc)  # a generator slip fails here, before anything is extracted
    return doc


@cache
def extracted(name: str) -> dict:
    doc = built(name)
    return extract_bytes(doc.data, doc.filename, llm=None)


def _months(p: dict) -> int | None:
    if isinstance(p.get("months"), int):
        return p["months"]
    start, end = (date.fromisoformat(p[k]) if p.get(k) else None for k in ("start", "end"))
    if start and end and start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]:
        return (end.year - start.year) * 12 + end.month - start.month + 1
    return None


def _spans(result: dict) -> set[tuple]:
    return {(p.get("start"), p.get("end"), _months(p)) for p in result["periods"]}


def _found(result: dict) -> str:
    shown = ", ".join(f"{p['key']} {p.get('start')}..{p.get('end')} ({p.get('months')} mo, {p['label']!r})"
                      for p in result["periods"])
    why = f"; error: {result['error']}" if result.get("error") else ""
    return f"status {result['status']}{why}; periods found: [{shown}]"


def _output_period(result: dict, want: Period) -> dict | None:
    return next((p for p in result["periods"] if p.get("start") == want.start and p.get("end") == want.end), None)


def _wrong_figures(doc: Doc, result: dict) -> list[str]:
    """Each expected headline figure the result misses or gets wrong, as a readable line."""
    tolerance = 0.011 if doc.expect.cents else 1.0
    out = []
    for want in doc.expect.periods:
        if not want.figures:
            continue
        period = _output_period(result, want)
        if period is None:
            out.append(f"{want.label} ({want.start}..{want.end}): period not found")
            continue
        got = result["totals"].get(period["key"]) or {}
        for figure in HEADLINE:
            if figure in want.figures:
                value = got.get(figure)
                if not isinstance(value, int | float) or abs(value - want.figures[figure]) > tolerance:
                    out.append(f"{want.label} [{period['key']}] {figure}: want {want.figures[figure]:,.2f}, "
                               f"got {value if value is None else f'{value:,.2f}'}")
    return out


@pytest.mark.parametrize("name", NAMES)
def test_the_generated_document_reads_back_as_its_test_expects(name: str) -> None:
    doc = built(name)
    assert doc.data and doc.expect.periods
    assert all(set(p.figures) <= set(HEADLINE) for p in doc.expect.periods)


@pytest.mark.parametrize("name", NAMES)
def test_the_periods_are_the_statements_own(name: str) -> None:
    doc, result = built(name), extracted(name)
    want = {(p.start, p.end, p.months) for p in doc.expect.periods}
    assert _spans(result) == want, f"{doc.about}: want {sorted(want)}; {_found(result)}"
    for p in doc.expect.periods:
        if p.key:
            out = _output_period(result, p)
            assert out is not None and out["key"] == p.key, f"{p.label}: want key {p.key}; {_found(result)}"


@pytest.mark.parametrize("name", NAMES)
def test_the_headline_figures_are_the_documents(name: str) -> None:
    doc, result = built(name), extracted(name)
    wrong = _wrong_figures(doc, result)
    assert not wrong, f"{doc.about}; {_found(result)}\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("name", NAMES)
def test_the_currency_is_the_one_the_document_shows(name: str) -> None:
    doc, result = built(name), extracted(name)
    assert result["currency"] == doc.expect.currency, f"{doc.about}; {_found(result)}"


@pytest.mark.parametrize("name", [n for n in NAMES if built(n).expect.status is not None])
def test_the_status_says_whether_to_trust_it(name: str) -> None:
    doc, result = built(name), extracted(name)
    assert result["status"] in doc.expect.status, (
        f"{doc.about}: want {' or '.join(doc.expect.status)}; {_found(result)}; warnings: {result['warnings'][:4]}")


@pytest.mark.parametrize("name", NAMES)
def test_never_a_confident_wrong_figure(name: str) -> None:
    """What is marked extracted is right: every period the statement's own, every headline figure its own."""
    doc, result = built(name), extracted(name)
    if result["status"] != "extracted":
        return
    want = {(p.start, p.end, p.months) for p in doc.expect.periods}
    assert _spans(result) == want, f"extracted with the wrong periods; {_found(result)}"
    wrong = _wrong_figures(doc, result)
    assert not wrong, "extracted with wrong figures:\n  " + "\n  ".join(wrong)


PACKETS = [n for n in NAMES if built(n).expect.pages is not None]


@pytest.mark.parametrize("name", PACKETS)
def test_line_items_come_only_from_the_income_statement_pages(name: str) -> None:
    doc, result = built(name), extracted(name)
    assert result["line_items"], _found(result)
    pages = {item["source"].get("page") for item in result["line_items"]}
    assert pages <= doc.expect.pages, f"{doc.about}: rows read from pages {sorted(pages, key=str)}"
    foreign = {label.lower() for label in doc.expect.foreign_labels}
    leaked = sorted({i["label"] for i in result["line_items"] if i["label"].strip().lower() in foreign})
    assert not leaked, f"rows of other statements became line items: {leaked}"


def test_an_income_statement_over_two_pages_is_read_from_both() -> None:
    result = extracted("income_statement_over_two_pages")
    by_label = {i["label"]: i for i in result["line_items"]}
    assert by_label.get("Contract revenue", {}).get("source", {}).get("page") == 1, _found(result)
    assert by_label.get("Depreciation", {}).get("source", {}).get("page") == 2, _found(result)
    assert sum(i["label"] == "Total operating expenses" for i in result["line_items"]) == 1


def test_in_thousands_multiplies_every_figure() -> None:
    doc, result = built("in_thousands_of_euros"), extracted("in_thousands_of_euros")
    assert result["unit_multiplier"] == 1000, _found(result)
    revenue = next((i for i in result["line_items"] if i["label"] == "Revenue"), None)
    assert revenue is not None, _found(result)
    assert revenue["values"].get("2024") == doc.expect.periods[0].figures["total_income"]
    assert all(v % 1000 == 0 for i in result["line_items"] for v in i["values"].values())


UNTIED = [n for n in NAMES if built(n).expect.untied]


@pytest.mark.parametrize("name", UNTIED)
def test_a_total_that_does_not_tie_is_named_with_its_period(name: str) -> None:
    doc, result = built(name), extracted(name)
    assert result["status"] == "needs_review", _found(result)
    for label, key in doc.expect.untied:
        period = next(p for p in doc.expect.periods if p.key == key)
        assert any(not c["passed"] and c["period"] == key for c in result["checks"]), (
            f"no failed check for {key}: {result['checks']}")
        named = [w for w in result["warnings"] if label.lower() in w.lower() and (key in w or period.label in w)]
        assert named, f"no warning names the row {label!r} and the period {key}: {result['warnings']}"
