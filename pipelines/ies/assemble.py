"""Income statements (tables) → the contract's periods, line items, totals, checks and status.

For each income statement the document holds: its periods (column headings, else the title's period
for a single column of figures), its rows as printed, the structure their sums show
(pipelines/ies/structure.py), and the rows that play each headline role (pipelines/ies/roles.py). Line
items take their section from where they sit in that structure (what the income total closes is income,
what the expense total closes is an operating expense, what follows NOI is below it), and their chart
key from the label mappers within that section. Several statements (comparative sets in one packet) each
give their own periods; a period two of them print is taken from the first (the most recent set, where a
restatement is printed).

Status: `extracted` only when every headline figure given is proved by an identity of the statement
(income - cost of sales - operating expenses = NOI; net income reached from NOI), and the printed
subtotals tie; otherwise `needs_review`, with a sentence per figure in doubt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipelines.ies import roles as headline_roles
from pipelines.ies import structure as struct
from pipelines.ies.chart import SECTION_OF
from pipelines.ies.labels import MapperChain, classify_heading, is_heading_wording, says_less
from pipelines.ies.limits import Deadline
from pipelines.ies.numbers import cell_amount, unit_multiplier
from pipelines.ies.periods import NOT_A_PERIOD, Period, read_columns, title_period
from pipelines.ies.result import LOW_CONFIDENCE
from pipelines.ies.spread import LineItem, Spread, build_spread, guess_statement_type, infer_ytd_months
from pipelines.ies.table import RawTable, UnreadableFile
from pipelines.ies.tieouts import Check, _t12_checks, run_checks

ROLES = headline_roles.ROLES
ROLE_SECTION = {"total_income": "income", "cost_of_goods_sold": "cost_of_sales",
                "total_operating_expenses": "operating_expense", "net_operating_income": "summary",
                "net_income": "summary"}
GENERIC = {"income": "other_income", "cost_of_sales": "cost_of_goods_sold",
           "operating_expense": "other_operating_expenses"}
SUMMARY_KEYS = frozenset({"gross_profit", "net_operating_income", "net_income"})


@dataclass
class Read:
    """One income statement, read."""

    table: RawTable
    periods: list[Period | None]  # per column
    multiplier: int
    spread: Spread
    headline: headline_roles.Headline
    structure: struct.Structure
    rows: list[struct.Row]
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _periods(table: RawTable) -> tuple[list[Period | None], list[str]]:
    """Each column's period: its heading, or, for a statement with a single period and no period in its
    headings ('Amount', 'Amount in US$', nothing), the period its title states. A single-period statement
    that prints items in one column and their totals in another (a cascade) has all its figure columns
    folded into the one period."""
    context = "\n".join(table.context)
    reading = read_columns(table.headings, context)
    periods, warnings = list(reading.periods), list(reading.warnings)
    figures = [k for k in range(len(table.headings)) if not NOT_A_PERIOD.search(table.headings[k])
               and any(_amount(row.cells[k]) is not None for row in table.rows if k < len(row.cells))]
    if not any(periods):
        stated = title_period(context)
        # Two headed columns of figures ("Current Month", "Year to Date") under one stated period: which of
        # them it is cannot be told, so neither is read as it.
        headed = [k for k in figures if table.headings[k].strip()]
        # Columns that print figures side by side on most rows are periods of their own, not a cascade of
        # items and totals: one stated period cannot be all of them.
        both = sum(sum(_amount(row.cells[k]) is not None for k in figures if k < len(row.cells)) > 1
                   for row in table.rows)
        side_by_side = len(figures) > 1 and both > 0.5 * sum(row.has_figures() for row in table.rows)
        if stated is None or not figures or len(headed) > 1 or side_by_side:
            return periods, warnings
        periods = [None] * len(table.headings)
        periods[figures[-1]] = stated
        warnings = [w for w in warnings if "not a recognisable period" not in w and "totals other columns" not in w]
    named = [k for k, p in enumerate(periods) if p is not None]
    blank = [k for k in figures if periods[k] is None and not table.headings[k].strip()]
    if len(named) == 1 and blank:
        _fold(table, [*sorted({*blank, named[0]})], named[0])
        warnings.append("The statement prints its figures in more than one column (items and their totals); "
                        f"all were read as {periods[named[0]].label}.")  # type: ignore[union-attr]
    return periods, warnings


def _fold(table: RawTable, columns: list[int], into: int) -> None:
    """Cells of a cascade's columns moved into one: the rightmost figure a row prints."""
    for row in table.rows:
        printed = [row.cells[k] for k in columns if k < len(row.cells) and _amount(row.cells[k]) is not None]
        for k in columns:
            if k < len(row.cells):
                row.cells[k] = None
        if printed and into < len(row.cells):
            row.cells[into] = printed[-1]


def _amount(cell: Any) -> float | None:
    amount = cell_amount(cell)
    return None if amount is None or amount.percent else amount.value


def _is_heading(table: RawTable, index: int) -> bool:
    """A row without figures that opens a section (as opposed to an item whose figures print as blanks)."""
    row = table.rows[index]
    label = row.label.strip()
    if not label:
        return False
    if row.bold or label.endswith(":") or classify_heading(label) or is_heading_wording(label):
        return True
    if label.isupper() and len(label) > 3:
        return True
    following = next((r for r in table.rows[index + 1:] if r.label.strip()), None)
    return bool(following and row.indent is not None and following.indent is not None
                and following.indent > row.indent + 2)


_UNFINISHED = re.compile(r"(\b(and|or|of|for|from|to|in|on|the|with|by)|[,&(/])\s*$", re.I)


def _join_wrapped(table: RawTable) -> None:
    """A label a PDF prints over two lines ("PROVISION FOR" / "INCOME TAX  198,836"): a line without figures that
    stops mid-phrase, printed right above a row of figures, joins it. (A spreadsheet's row is one cell.)"""
    rows = table.rows
    for k in range(len(rows) - 1, 0, -1):
        above, row = rows[k - 1], rows[k]
        box_a, box_b = above.source.get("bbox"), row.source.get("bbox")
        if not (box_a and box_b) or above.source.get("page") != row.source.get("page"):
            continue
        close = 0 <= box_b[1] - box_a[3] <= 0.8 * (box_a[3] - box_a[1])
        if (close and not above.has_figures() and row.has_figures() and above.label.strip() and row.label.strip()
                and _UNFINISHED.search(above.label)):
            row.label = f"{above.label.strip()} {row.label.strip()}"
            del rows[k - 1]


def _rows(table: RawTable, columns: list[int]) -> list[struct.Row]:
    out = []
    for index, row in enumerate(table.rows):
        values = [_amount(row.cells[k]) if k < len(row.cells) else None for k in columns]
        if says_less(row.label) and all(v is None or v >= 0 for v in values):
            values = [None if v is None else -v for v in values]  # "Less: Vacancy 40,822" is a deduction
        item = struct.Row(row.label, values, row.indent, row.bold)
        item.heading = not item.has_figures and _is_heading(table, index)
        out.append(item)
    return out


def read_statement(table: RawTable, chain: MapperChain, deadline: Deadline, keep: set[str] | None = None
                   ) -> Read | None:
    """One statement read; with `keep`, only the columns of those periods (the others are read elsewhere)."""
    periods, warnings = _periods(table)
    if keep is not None:
        periods = [p if p is not None and p.key in keep else None for p in periods]
    columns = [k for k, p in enumerate(periods) if p is not None]
    if not columns:
        return None
    _join_wrapped(table)
    multiplier = unit_multiplier(table.context + table.headings)
    rows = _rows(table, columns)
    structure = struct.build(rows)
    headline = headline_roles.solve(rows, structure)
    chain.prepare([row.label for row in table.rows])
    spread = build_spread(table, periods, chain, multiplier)
    for _ in range(3):  # a stage that batches (the LLM) answered what it deferred: map the rows again
        deadline.check("while mapping labels")
        if not chain.resolve():
            break
        spread = build_spread(table, periods, chain, multiplier)
    infer_ytd_months(spread)  # a "2026 YTD" column's months, from steady rows; the columns follow
    named = iter(spread.periods)
    periods = [next(named) if p is not None else None for p in periods]
    read = Read(table, periods, multiplier, spread, headline, structure, rows, warnings=warnings)
    if headline.found:
        _place(read)
    if table.method.startswith(("ocr", "llm")):
        for item in spread.items:  # OCR can misread a digit, an LLM miscopy one, that the tie-outs happen not to catch
            item.confidence *= 0.9
    return read


def _section_by_position(read: Read) -> dict[int, str]:
    """Each row's section, from where it sits relative to the headline rows."""
    r, blocks = read.headline.rows, read.headline.blocks
    income, cogs, opex = r.get("total_income"), r.get("cost_of_goods_sold"), r.get("total_operating_expenses")
    noi, net = r.get("net_operating_income"), r.get("net_income")
    if income is None and "total_income" in blocks:
        income = blocks["total_income"][1] - 1
    if opex is None and "total_operating_expenses" in blocks:
        opex = blocks["total_operating_expenses"][1] - 1
    summary = {row for row, made in read.structure.made.items()
               if not made.is_sum or headline_roles.is_summary_label(read.rows[row].label)}
    summary |= {row for row in (noi, net) if row is not None}
    sections: dict[int, str] = {}
    below_from = noi if noi is not None else opex
    for index in range(len(read.rows)):
        if index in summary:
            sections[index] = "summary"
        elif income is not None and index <= income:
            sections[index] = "income"
        elif cogs is not None and index <= cogs:
            sections[index] = "cost_of_sales"
        elif opex is not None and index <= opex:
            sections[index] = "operating_expense"
        elif below_from is not None and index > below_from:
            sections[index] = "below_noi"
        else:
            sections[index] = "other"
    if cogs is not None and income is not None:
        # rows between income and cost of sales that cost of sales does not close are operating items only
        # when the expense total closes them
        for leaf in read.structure.leaves(cogs):
            sections[leaf] = "cost_of_sales"
    if r.get("total_operating_expenses") is not None:
        for leaf in read.structure.leaves(r["total_operating_expenses"]):  # type: ignore[arg-type]
            sections[leaf] = "operating_expense"
    for role, section in (("total_income", "income"), ("total_operating_expenses", "operating_expense")):
        if role in blocks:
            start, end = blocks[role]
            for index in range(start, end):
                if sections.get(index) != "summary":
                    sections[index] = section
    return sections


def _place(read: Read) -> None:
    """Line items take their section from the structure and their key from the mappers within it; the
    headline rows become the headline keys; other subtotals stay totals with no key of their own (the
    spread sums their parts instead)."""
    sections = _section_by_position(read)
    role_of = {row: role for role, row in read.headline.rows.items() if row is not None}
    taken = set(role_of.values())
    signs = read.headline.signs
    for item in read.spread.items:
        index = item.row
        section = sections.get(index, item.section)
        if index in role_of:
            role = role_of[index]
            sign = signs.get(role, 1)
            item.values = {k: round(sign * v * read.multiplier, 2) + 0.0 for k, v in _printed(read, index).items()}
            item.known = True
            line = ROLE_SECTION[role]
            if (role in ("net_operating_income", "net_income") or read.structure.is_subtotal(index)
                    or len(_section_parts(read, role)) >= 2):
                item.canonical, item.section, item.is_total = role, line, True
            else:  # a single printed line plays the role ("Cost of Sales 600"): an item of its section
                keep = item.canonical is not None and SECTION_OF.get(item.canonical) == line
                item.canonical = item.canonical if keep else (
                    GENERIC[line] if role != "total_income" else "revenue")
                item.section, item.is_total = line, False
            continue
        if item.canonical in SUMMARY_KEYS and item.canonical not in taken:
            item.section, item.is_total, item.known = "summary", True, True  # a gross profit line, say
            continue
        if read.structure.is_subtotal(index):
            # A subtotal keeps a summary key its label gives (gross profit, a cash flow line read as net income
            # below the roles) unless a headline row already holds that key; section subtotals get none (the
            # spread sums their parts instead).
            keep = item.canonical in SUMMARY_KEYS and item.canonical not in taken
            item.is_total, item.canonical = True, item.canonical if keep else None
            item.section = "summary" if section == "summary" or keep else section
            item.known = True
            continue
        if section in GENERIC:
            if item.canonical is None or SECTION_OF.get(item.canonical) != section:
                item.canonical, item.known = GENERIC[section], True
                item.mapper = "structure"
            item.section = section
            if section != "income":
                role = "cost_of_goods_sold" if section == "cost_of_sales" else "total_operating_expenses"
                sign = signs.get(role, 1)
                item.values = {k: round(sign * v * read.multiplier, 2) + 0.0
                               for k, v in _printed(read, index).items()}
        elif section == "below_noi":
            item.section = "below_noi"
            item.known = True
        item.is_total = False


def _printed(read: Read, index: int) -> dict[str, float]:
    keys = [p.key for p in read.periods if p is not None]
    return {key: (v or 0.0) for key, v in zip(keys, read.rows[index].values, strict=True)}


def _checks(read: Read) -> list[Check]:
    """The identities behind the headline figures, per period, and printed totals the sums cannot explain."""
    checks: list[Check] = []
    h, rows = read.headline, read.rows
    keys = [p.key for p in read.periods if p is not None]
    unit_ = struct.unit(rows)
    noi_row = h.rows.get("net_operating_income")
    for k, key in enumerate(keys):
        v = h.values[k] if k < len(h.values) else {}
        if noi_row is not None and v.get("total_income") is not None and v.get("total_operating_expenses") is not None:
            expected = v["total_income"] - (v.get("cost_of_goods_sold") or 0.0) - v["total_operating_expenses"]
            actual = rows[noi_row].values[k] or 0.0
            passed = abs(expected - actual) <= struct.tolerance(unit_, 3)
            parts = " - ".join(_role_name(read, role) for role in (
                "total_income", "cost_of_goods_sold", "total_operating_expenses") if v.get(role) is not None)
            detail = "" if passed else (
                f"{parts} = {expected * read.multiplier:,.2f} in {_period_name(read, k)}, but '{rows[noi_row].label}' "
                f"({_where(read, noi_row)}) prints {actual * read.multiplier:,.2f}: one of them is misread or "
                "misprinted.")
            checks.append(Check("net_operating_income", key, passed, expected * read.multiplier,
                                actual * read.multiplier, detail))
        if h.rows.get("net_income") is not None:
            checks.append(Check("net_income", key, "net_income" in h.verified, None,
                                (rows[h.rows["net_income"]].values[k] or 0.0) * read.multiplier))
    checks += _gross_profit_checks(read, keys, unit_)
    checks += _role_total_checks(read, keys, unit_)
    headings = [(i, r.label) for i, r in enumerate(rows) if r.heading]
    bottom = h.rows.get("net_income")
    for index, row in enumerate(rows):
        # A total whose section heading was printed above it must close that section's rows; a "Total X"
        # with no heading of its own is a collapsed group (one line for its accounts), an item like any other.
        # A zero total cannot mislead, nor can a row printed after the bottom line (a repeated total there is
        # warned about, not trusted).
        if not (row.has_figures and any(row.values) and re.match(r"^\s*total\b", row.label, re.I)
                and not read.structure.is_subtotal(index) and not (bottom is not None and index > bottom)):
            continue
        opened = [hd for hd, label in headings if hd < index and struct.echoes(row.label, label)]
        if not opened:
            continue
        parts = [r for r in range(opened[-1] + 1, index) if rows[r].has_figures
                 and read.structure.parent.get(r, index) >= index]  # the rows its section left open
        for k, key in enumerate(keys):
            expected = sum(rows[r].values[k] or 0.0 for r in parts)
            actual = row.values[k] or 0.0
            if abs(expected - actual) > struct.tolerance(unit_, len(parts)):
                checks.append(Check(
                    "subtotal", key, False, expected * read.multiplier, actual * read.multiplier,
                    f"'{row.label}' ({_where(read, index)}) prints {actual * read.multiplier:,.2f} in "
                    f"{_period_name(read, k)}, but the rows above it add up to {expected * read.multiplier:,.2f}."))
    checks += _t12_checks(read.spread)
    return checks


_GROSS = re.compile(r"\bgross\s+(profit|margin)\b", re.I)


def _gross_profit_checks(read: Read, keys: list[str], unit_: float) -> list[Check]:
    """A printed gross profit the sums do not explain, checked against income less cost of sales."""
    h, rows, out = read.headline, read.rows, []
    for index, row in enumerate(rows):
        if not (row.has_figures and _GROSS.search(row.label)):
            continue
        for k, key in enumerate(keys):
            v = h.values[k] if k < len(h.values) else {}
            if v.get("total_income") is None or v.get("cost_of_goods_sold") is None:
                continue
            expected = v["total_income"] - v["cost_of_goods_sold"]
            actual = row.values[k] or 0.0
            passed = abs(expected - actual) <= struct.tolerance(unit_, 2)
            out.append(Check("gross_profit", key, passed, expected * read.multiplier, actual * read.multiplier,
                             "" if passed else (
                                 f"'{row.label}' ({_where(read, index)}) prints {actual * read.multiplier:,.2f} in "
                                 f"{_period_name(read, k)}, but total income less cost of sales is "
                                 f"{expected * read.multiplier:,.2f}.")))
    return out


def _section_parts(read: Read, role: str) -> list[tuple[int, int]]:
    """(row, sign) of what a printed income, cost of sales or expense total adds: the rows it closes, or, when
    the sums do not explain it, the rows printed in its section that nothing else closed."""
    h, rows = read.headline, read.rows
    row = h.rows.get(role)
    if row is None:
        return []
    made = read.structure.made.get(row)
    if made is not None:
        return list(zip(made.parts, made.signs, strict=True))
    bounds = [-1, *sorted(r for r in (h.rows.get(x) for x in ROLES[:3]) if r is not None)]
    start = max(b for b in bounds if b < row)
    return [(r, 1) for r in range(start + 1, row)
            if rows[r].has_figures and read.structure.parent.get(r, row) >= row]


def _plain_section(read: Read, row: int, parts: list[tuple[int, int]]) -> bool:
    """A section of items only, under a heading or straight after the total before it: a total that does not add
    them up means a row is misread."""
    if not parts or any(read.structure.is_subtotal(r) for r, _ in parts):
        return False
    first = parts[0][0]
    before = {r for r in (read.headline.rows.get(x) for x in ROLES[:3]) if r is not None and r < row}
    return first > 0 and (read.rows[first - 1].heading or first - 1 in before)


def _role_total_checks(read: Read, keys: list[str], unit_: float) -> list[Check]:
    """Each printed income, cost of sales or expense total against the rows it adds, per period: a misprinted
    total (or a misread row) is named with its periods."""
    h, rows, out = read.headline, read.rows, []
    for role in ROLES[:3]:
        row = h.rows.get(role)
        parts = _section_parts(read, role)
        if row is None or len(parts) < 2:
            continue  # a single line, not a total of anything
        if not read.structure.is_subtotal(row) and role in h.verified and not _plain_section(read, row, parts):
            # The identity proves the figure; when its section mixes subtotals and statistics rows ("Average
            # Market Rent", "Physical Occupancy") which rows it adds cannot be told, and does not matter.
            continue
        for k, key in enumerate(keys):
            expected = sum(sign * (rows[r].values[k] or 0.0) for r, sign in parts)
            actual = rows[row].values[k] or 0.0
            passed = abs(expected - actual) <= struct.tolerance(unit_, len(parts))
            detail = "" if passed else (
                f"'{rows[row].label}' ({_where(read, row)}) prints {actual * read.multiplier:,.2f} in "
                f"{_period_name(read, k)}, but the rows above it add up to {expected * read.multiplier:,.2f}.")
            out.append(Check(role, key, passed, expected * read.multiplier, actual * read.multiplier, detail))
    return out


def _role_name(read: Read, role: str) -> str:
    row = read.headline.rows.get(role)
    if row is not None:
        return f"'{read.rows[row].label}'"
    start, end = read.headline.blocks[role]
    return f"the rows '{read.rows[start].label}' to '{read.rows[end - 1].label}' added up"


def _period_name(read: Read, k: int) -> str:
    period = [p for p in read.periods if p is not None][k]
    return period.key if period.label == period.key else f"{period.key} ('{period.label}')"


def _where(read: Read, index: int) -> str:
    source = read.table.rows[index].source
    if source.get("page"):
        return f"page {source['page']}"
    if source.get("sheet"):
        return f"sheet '{source['sheet']}' row {source.get('row')}"
    return f"row {source.get('row')}"


@dataclass
class Assembled:
    reads: list[Read]
    periods: list[Period]
    items: list[LineItem]
    totals: dict[str, dict[str, float | None]]
    checks: list[Check]
    status: str
    reasons: list[str]
    warnings: list[str]
    multiplier: int
    statement_type: str


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2) + 0.0


def assemble(tables: list[RawTable], chain: MapperChain, deadline: Deadline) -> Assembled:
    reads = [read for read in (read_statement(t, chain, deadline) for t in tables) if read is not None]
    if not reads:
        headings = [h for t in tables for h in t.headings if h]
        raise UnreadableFile(
            f"None of the column headings ({', '.join(repr(h) for h in headings) or 'none'}) names a period (a year, "
            "fiscal year, month or T-12 total), and no title line states one; check the statement's header row.")
    periods: list[Period] = []
    owner: dict[str, int] = {}
    for n, read in enumerate(reads):
        for period in read.periods:
            if period is not None and period.key not in owner:
                owner[period.key] = n
                periods.append(period)
    # A statement whose periods another (earlier, newer) statement also prints is read again on its own periods
    # only: its structure and headline rows are then judged on the figures it is used for.
    for n, read in enumerate(reads):
        mine = {key for key, who in owner.items() if who == n}
        if mine and mine != {p.key for p in read.periods if p is not None}:
            again = read_statement(read.table, chain, deadline, keep=mine)
            if again is not None:
                reads[n] = again
    items: list[LineItem] = []
    totals: dict[str, dict[str, float | None]] = {}
    checks: list[Check] = []
    reasons: list[str] = []
    warnings: list[str] = []
    for n, read in enumerate(reads):
        mine = {key for key, who in owner.items() if who == n}
        if not mine:
            warnings.append(f"The statement on {read.table.where or 'a later page'} repeats periods already read; "
                            "it was not used.")
            continue
        for item in read.spread.items:
            item.values = {k: v for k, v in item.values.items() if k in mine}
            if item.values:
                items.append(item)
        where = f" ({read.table.where})" if read.table.where and len(reads) > 1 else ""
        if read.headline.found:
            read.checks = [c for c in _checks(read) if c.period in mine or c.name == "subtotal"]
            totals.update(_totals(read, mine))
            reasons += [reason + where for reason in read.headline.reasons]
            unknown = [i.label for i in read.spread.items if i.canonical is None and not i.is_total
                       and i.section not in ("summary", "below_noi")]
        else:
            # No income and expense totals the structure can name (an odd or partial statement): the rows'
            # chart keys decide the totals, and every printed total must tie, as a lookup would read it.
            legacy_checks, legacy_totals = run_checks(read.spread)
            read.checks = [c for c in legacy_checks if c.period in mine]
            totals.update({k: v for k, v in legacy_totals.items() if k in mine})
            if not read.checks:
                reasons.append("No printed totals to tie out against; check the figures by hand" + where + ".")
            unknown = [i.label for i in read.spread.items if not i.known]
            low = [i.label for i in read.spread.items if i.known and i.confidence < LOW_CONFIDENCE]
            if low:
                reasons.append(f"{len(low)} row(s) read with low confidence: {', '.join(map(repr, low[:5]))}.")
        if unknown:
            reasons.append(f"{len(unknown)} row(s) could not be mapped to the chart of accounts: "
                           f"{', '.join(map(repr, unknown[:5]))}.")
        checks += read.checks
        warnings += read.warnings + read.table.warnings + read.spread.warnings
    failed = [c for c in checks if not c.passed]
    for check in failed:
        said = f": {check.detail}" if check.detail else "."
        reasons.append(f"Tie-out failed: {check.name} ({check.period}){said}")
    if any(c.name == "net_operating_income" and not c.passed for c in failed):
        reasons = [r for r in reasons if "does not equal" not in r or "in every period" not in r]
    status = "needs_review" if reasons else "extracted"
    kinds = [guess_statement_type([row.label for row in read.table.rows]) for read in reads]
    return Assembled(reads, periods, items, totals, checks, status, _unique(reasons), _unique(warnings),
                     reads[0].multiplier, next((k for k in kinds if k != "unknown"), "unknown"))


def _totals(read: Read, mine: set[str]) -> dict[str, dict[str, float | None]]:
    out = {}
    debt = [i for i in read.spread.items if i.canonical == "debt_service" and not i.is_total]
    for k, key in enumerate(p.key for p in read.periods if p is not None):
        if key not in mine:
            continue
        v = read.headline.values[k] if k < len(read.headline.values) else {}
        out[key] = {
            "total_income": _round(_scaled(v.get("total_income"), read)),
            "cost_of_goods_sold": _round(_scaled(v.get("cost_of_goods_sold"), read)),
            "total_operating_expenses": _round(_scaled(v.get("total_operating_expenses"), read)),
            "net_operating_income": _round(_scaled(v.get("net_operating_income"), read)),
            "debt_service": _round(sum(i.values.get(key, 0.0) for i in debt)) if debt else None,
            "net_income": _round(_scaled(v.get("net_income"), read)),
        }
    return out


def _scaled(value: float | None, read: Read) -> float | None:
    return None if value is None else value * read.multiplier


def _unique(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))
