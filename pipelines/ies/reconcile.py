"""Two readings of one statement (the layout reader's and the LLM's) → one result.

- They agree on every headline figure the layout gives → the layout result, confirmed.
- They disagree on a headline figure and the LLM's reading ties out too → needs_review, naming the figure,
  the period and both values: two readings that each add up cannot both be right (unless the layout did not
  tie out: then the LLM's reading, with the layout's values said).
- They disagree, the layout ties out and the LLM's reading does not → the layout result: a misreading that
  does not add up is no evidence against figures that passed every check (a warning says what it read).
- The layout did not tie out and the LLM's reading does → the LLM's reading, with a warning that says so
  and which checks passed.
- Neither ties out → the layout result, with the LLM's reasons added.
A figure both readers give alike, and that passed every check, is never flagged."""

from __future__ import annotations

from typing import Any

HEADLINE = ("total_income", "total_operating_expenses", "net_operating_income", "net_income")


def differences(layout: dict[str, Any], llm: dict[str, Any]) -> tuple[list[tuple[str, str]],
                                                                     list[tuple[str, str, float, float]]]:
    """(agreed, disagreed) headline figures per period both readings give; within one unit of the document
    (its multiplier) they agree."""
    unit = float(layout.get("unit_multiplier") or 1)
    agreed, disagreed = [], []
    for period, figures in layout["totals"].items():
        other = llm["totals"].get(period) or {}
        for name in HEADLINE:
            a, b = figures.get(name), other.get(name)
            if a is None or b is None:
                continue
            if abs(a - b) <= unit + 1e-6:
                agreed.append((name, period))
            else:
                disagreed.append((name, period, a, b))
    return agreed, disagreed


def reconcile(layout: dict[str, Any], llm: dict[str, Any], reader: str, extra: list[str]) -> dict[str, Any]:
    """`reader`: the LLM named for people ("anthropic claude-haiku-4-5"); `extra`: warnings about the LLM's
    reading (values it cited that the page does not print)."""
    agreed, disagreed = differences(layout, llm)
    given = [(name, period) for period, figures in layout["totals"].items() for name in HEADLINE
             if figures.get(name) is not None]
    ties = llm["status"] == "extracted"
    if layout["status"] != "extracted" and ties:
        passed = sorted({f"{c['name']} ({c['period']})" for c in llm["checks"] if c["passed"]})
        note = (f"The layout reader's result needed review ({_first(layout)}); an LLM ({reader}) read the "
                f"statement's printed lines and its reading ties out (checks passed: {', '.join(passed[:12])}"
                f"{' and more' if len(passed) > 12 else ''}), so its reading is given: every figure is one "
                "printed on the line it cites.")
        said = [f"{name} ({period}): the layout reader read {_money(a)}, the LLM {_money(b)}"
                for name, period, a, b in disagreed]
        if said:
            note += " The layout reader read differently: " + "; ".join(said[:6]) + "."
        return {**llm, "warnings": [note, *extra, *llm["warnings"]]}
    if disagreed and layout["status"] == "extracted" and not ties:
        said = "; ".join(f"{name} ({period}) {_money(b)}" for name, period, _, b in disagreed[:6])
        note = (f"An LLM ({reader}) read the statement a second time and gave {said}, but its reading does not "
                f"tie out ({'; '.join(r.rstrip('.') for r in _reasons(llm)[:2])}); the layout reader's figures "
                "passed every check and stand.")
        return {**layout, "warnings": [*layout["warnings"], note, *extra]}
    if disagreed:
        reasons = [f"The layout reader and an LLM ({reader}) read {name} ({period}) differently: the layout "
                   f"{_money(a)} ({_state(layout)}), the LLM {_money(b)} ({_state(llm)}); check it against the "
                   "document." for name, period, a, b in disagreed]
        return {**layout, "status": "needs_review", "warnings": [*reasons, *layout["warnings"], *extra]}
    if layout["status"] == "extracted":
        if given and set(given) <= set(agreed):
            return {**layout, "method": layout["method"] + "+llm-confirmed", "warnings": [*layout["warnings"], *extra]}
        missing = sorted({f"{n} ({p})" for n, p in given if (n, p) not in agreed})
        note = (f"An LLM ({reader}) read the statement a second time and confirmed {len(agreed)} of {len(given)} "
                f"headline figure(s); it gave none for {', '.join(missing[:6])}.")
        return {**layout, "warnings": [*layout["warnings"], note, *extra]}
    why = "; ".join(r.rstrip(".") for r in _reasons(llm)[:3]) or "it found no statement to read"
    note = f"An LLM ({reader}) read the statement a second time and could not settle it either: {why}."
    return {**layout, "warnings": [*layout["warnings"], note, *extra]}


def failed_second_read(layout: dict[str, Any], reader: str, why: str) -> dict[str, Any]:
    """The LLM could not read (an API error, a timeout, nothing it cited is printed): the layout result stands."""
    note = f"An LLM ({reader}) was to read the statement a second time but could not: {why.rstrip('.')}."
    if layout["status"] == "extracted":
        note += " The layout reader's result stands on its own tie-outs."
    return {**layout, "warnings": [*layout["warnings"], note]}


def _state(result: dict[str, Any]) -> str:
    return "its tie-outs pass" if result["status"] == "extracted" else "its tie-outs do not all pass"


def _reasons(result: dict[str, Any]) -> list[str]:
    if result["status"] == "failed":
        return [result.get("error") or "it could not be read"]
    return [w for w in result["warnings"] if w.startswith("Tie-out failed") or "could not" in w] or result["warnings"]


def _first(result: dict[str, Any]) -> str:
    return (result["warnings"][0].rstrip(".") if result["warnings"] else result["status"])[:200]


def _money(value: float) -> str:
    return f"{value:,.2f}"
