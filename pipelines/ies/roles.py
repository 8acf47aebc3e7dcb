"""The headline figures of an income statement, by the role their rows play.

A lender's spread needs total income, cost of goods sold, total operating expenses, NOI (operating
income) and net income. Labels propose candidates for each role; the arithmetic decides among them: the
chosen figures must satisfy income - cost of sales - operating expenses = NOI in every period, and net
income must be reached from NOI by the rows printed below it. Where a statement prints no total for its
income or its expenses, the sum of that block of rows (between section headings) is a candidate too,
proven only by the same identity against a printed NOI. A figure is *verified* when an identity of the
statement proves it; anything else is reported as uncertain, with the reason, so a wrong figure never
leaves as a confident one.

Signs: the statement's printed signs are kept until the roles are known; an expense total printed in
parentheses (a deduction) is turned positive, as the chart of accounts wants expenses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product

from pipelines.ies.labels import normalize
from pipelines.ies.structure import Row, Structure, matches, unit

ROLES = ("total_income", "cost_of_goods_sold", "total_operating_expenses", "net_operating_income", "net_income")
MAX_CANDIDATES = 8
IDENTITY = 30  # what proving the NOI identity is worth against label evidence (at most ~25 points)
STATED = 6  # a label scoring this much states the role's total ("Total Revenue", "Total Operating Expenses")

_NOT_INCOME = re.compile(
    r"\b(net\s+income|other\s+income|non[\s-]*operating|(?<!total )operating\s+income|before|after|tax|"
    r"interest\s+income|net\s+operating|comprehensive|expenses?|costs?|loss)\b", re.I)
_INCOME = [
    (re.compile(r"\beffective\s+gross\s+(income|revenue)\b", re.I), 8),
    (re.compile(r"^\s*total\s+(operating\s+)?(revenues?|income|sales|receipts)\b", re.I), 7),
    (re.compile(r"\b(revenues?|income|sales)\s*,?\s*(net|total)\s*$", re.I), 6),
    (re.compile(r"^\s*(net\s+)?(revenues?|sales)\b", re.I), 5),
    (re.compile(r"^\s*gross\s+(revenues?|income|receipts|sales)\b", re.I), 5),
    (re.compile(r"^\s*(total\s+)?(rental|service|operating|property)\s+(income|revenues?)\s*$", re.I), 4),
    (re.compile(r"^\s*income\s*$", re.I), 4),
    (re.compile(r"\b(revenues?|sales|income)\b", re.I), 1),
]
_COGS = [
    (re.compile(r"^\s*total\s+cost\s+of\s+(goods\s+sold|sales?|revenues?|services?)\b", re.I), 8),
    (re.compile(r"\bcost\s+of\s+(goods\s+sold|sales?|revenues?|services?|goods)\b", re.I), 6),
    (re.compile(r"^\s*total\s+(direct\s+)?costs?\s*$", re.I), 6),
    (re.compile(r"^\s*(cogs|direct\s+(job\s+)?costs?|costs?\s+of\s+operations)\b", re.I), 5),
]
_OPEX = [
    (re.compile(r"^\s*total\s+(operating\s+)?expenses?\b(?!.*\bincome\b)", re.I), 8),
    (re.compile(r"^\s*total\s+(operating\s+)?(costs?\s+and\s+expenses|opex)\b", re.I), 8),
    (re.compile(r"^\s*(operating\s+)?expenses?\s*,?\s*total\s*$", re.I), 7),
    (re.compile(r"^\s*operating\s+expenses?\b", re.I), 6),
    (re.compile(r"\b(general\s+(and|&)\s+administrative|selling,?\s+general)", re.I), 5),
    (re.compile(r"\bcosts?\s+and\s+(operating\s+)?expenses\b", re.I), 5),
    (re.compile(r"^\s*expenses?\s*$", re.I), 4),
    (re.compile(r"\bexpenses?\b", re.I), 1),
]
_NOT_OPEX = re.compile(r"\b(other|non[\s-]*operating|interest)\b", re.I)
_NOI = [
    (re.compile(r"\bnet\s+operating\s+income\b|\bnoi\b", re.I), 9),
    (re.compile(r"\b(operating|operations?)\s+(income|profit|loss|result)", re.I), 8),
    (re.compile(r"\b(income|profit|loss|earnings)\s*(\(loss\)|/\s*\(?loss\)?)?\s+from\s+operations\b", re.I), 8),
    (re.compile(r"\bebitda\b|\bebidta\b", re.I), 7),
    (re.compile(r"\b(income|profit|earnings|loss)\s*(\((loss|income)\))?\s+before\s+(income\s+)?tax", re.I), 3),
    (re.compile(r"\bpre-?\s*tax\s+(income|profit)\b", re.I), 3),
]
_NET_INCOME = [
    (re.compile(r"^\s*(total\s+)?net\s+(income|profit|earnings)\s*[/(]?\s*\(?(loss|deficit)?\)?\s*$", re.I), 9),
    (re.compile(r"^\s*net\s+(loss|income)\s*\((loss|income)\)", re.I), 9),
    (re.compile(r"\bnet\s+(income|profit|earnings|loss)\b(?!\s+(before|from\s+operations))", re.I), 7),
    (re.compile(r"\b(profit|income|loss)\s+for\s+the\s+(year|period)\b", re.I), 7),
    (re.compile(r"\bnet\s+result\b", re.I), 6),
]
_NOT_NET = re.compile(r"\bnet\s+operating\b|\bbefore\b|\bnet\s+(rental|other|sales|revenues?)\b|\bcomprehensive\b",
                      re.I)
_GROSS_PROFIT = re.compile(r"\bgross\s+(profit|margin)\b", re.I)
_SUMMARY = re.compile(r"\b(net|before|after|operating\s+income|profit|loss|ebitda|ebidta|gross)\b", re.I)
_NOTE_REF = re.compile(r"\(\s*(notes?|see)\b[^)]*\)|\bnotes?\s+\d[\d,\s and]*$", re.I)
_COST_HEADING = re.compile(r"\b(cost|costs|cogs|direct)\b", re.I)
_EXPENSE_HEADING = re.compile(r"\b(expenses?|expenditures?|opex)\b", re.I)


def is_summary_label(label: str) -> bool:
    """Gross profit, operating income, income before tax, net income: figures computed from others."""
    text = clean(label)
    return bool(_GROSS_PROFIT.search(text) or _score(text, _NOI) or _score(text, _NET_INCOME)
                or re.search(r"\bpre-?\s*tax\b|\bbefore\s+(income\s+)?tax", text, re.I))


def clean(label: str) -> str:
    """A label without its note references ("EXPENSES (Note 14)", "Revenue 3, 4")."""
    return re.sub(r"\s+", " ", _NOTE_REF.sub(" ", label)).strip()


def _texts(label: str) -> tuple[str, str]:
    """The label as printed (notes dropped) and spelled out ("Total Operating Exp." -> "total operating
    expenses", "EGI" -> "effective gross income"): a pattern may match either."""
    text = clean(label)
    return text, normalize(text)


def _score(label: str, patterns: list[tuple[re.Pattern[str], int]]) -> int:
    return max((points for text in _texts(label) for pattern, points in patterns if pattern.search(text)),
               default=0)


def _excluded(label: str, exclude: re.Pattern[str] | None) -> bool:
    return bool(exclude) and any(exclude.search(text) for text in _texts(label))  # type: ignore[union-attr]


@dataclass(frozen=True)
class Pick:
    """A candidate figure for a role: a printed row, or the sum of a block of rows [start, end)."""

    score: int
    row: int | None
    start: int
    end: int
    values: tuple[float, ...]

    @property
    def at(self) -> int:
        """Where it stands in the statement, for ordering the roles."""
        return self.row if self.row is not None else self.end - 1


@dataclass
class Headline:
    """The rows chosen for each role (None: not printed, or derived from a block), the blocks summed where a
    statement prints no total, the signs that turn them into chart values, which figures an identity
    proves, and why any is uncertain."""

    rows: dict[str, int | None] = field(default_factory=dict)
    blocks: dict[str, tuple[int, int]] = field(default_factory=dict)  # role -> rows [start, end) it sums
    signs: dict[str, int] = field(default_factory=dict)
    values: list[dict[str, float | None]] = field(default_factory=list)  # per period column, chart signs
    verified: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return any(self.rows.get(role) is not None or role in self.blocks
                   for role in ("total_income", "total_operating_expenses"))


def _vec(row: Row, width: int) -> tuple[float, ...]:
    return tuple([(v or 0.0) for v in row.values] + [0.0] * (width - len(row.values)))


def _sign_of(values: tuple[float, ...]) -> int:
    """+1 when a figure prints mostly positive, -1 when mostly in parentheses (a deduction)."""
    positives = sum(1 for v in values if v > 0)
    negatives = sum(1 for v in values if v < 0)
    return -1 if negatives > positives else 1


def _printed(rows: list[Row], patterns: list[tuple[re.Pattern[str], int]], width: int,
             exclude: re.Pattern[str] | None = None) -> list[Pick]:
    picks = [Pick(_score(row.label, patterns), i, i, i + 1, _vec(row, width)) for i, row in enumerate(rows)
             if row.has_figures and not _excluded(row.label, exclude)]
    picks = [p for p in picks if p.score > 0]
    picks.sort(key=lambda p: (-p.score, p.at))
    return picks[:MAX_CANDIDATES]


def _block_total(rows: list[Row], structure: Structure, row: int) -> int:
    """The largest total of like rows a row sits in: up through plain sums whose parts all print with its sign
    and whose label is not a summary's (a sum of revenue and expenses printed negative is income before tax, not
    a bigger revenue total)."""
    top = row
    while top in structure.parent:
        parent = structure.parent[top]
        made = structure.made[parent]
        sign = _sign_of(_vec(rows[top], len(rows[top].values)))
        if not made.is_sum or _SUMMARY.search(clean(rows[parent].label)) or any(
                _sign_of(_vec(rows[p], len(rows[p].values))) != sign for p in made.parts if any(rows[p].values)):
            break
        top = parent
    return top


def _block(rows: list[Row], structure: Structure, start: int, end: int, width: int, score: int) -> Pick | None:
    """The sum of the rows in [start, end) that no subtotal inside the block closes: a block's total where the
    statement prints none."""
    tops = [r for r in range(start, end) if rows[r].has_figures and not (
        r in structure.parent and start <= structure.parent[r] < end)]
    if len(tops) < 2:
        return None
    values = tuple(sum(_vec(rows[r], width)[k] for r in tops) for k in range(width))
    return Pick(score, None, start, end, values)


def _nets_costs(rows: list[Row], structure: Structure, row: int) -> bool:
    """A row the structure shows to take a cost or a block's total off what is above it: gross profit."""
    made = structure.made.get(row)
    if made is None or made.is_sum:
        return False
    return any(sign < 0 and (part in structure.made or _score(rows[part].label, _COGS) > 0)
               for part, sign in zip(made.parts, made.signs, strict=True))


def _income_picks(rows: list[Row], structure: Structure, width: int, cuts: list[int]) -> list[Pick]:
    # A row the structure shows to be a difference (income - cost of sales) is gross profit, whatever its
    # label says ("Gross income"): never total income.
    found = [p for p in _printed(rows, _INCOME, width, _NOT_INCOME)
             if not _nets_costs(rows, structure, p.row) and not _GROSS_PROFIT.search(rows[p.row].label)]  # type: ignore[arg-type,index]
    # An income line that a plain sum closes is part of a larger income total: the total is the candidate
    # ("Rental Income" inside "Total Revenue", "Service revenue" inside an unlabelled revenue subtotal).
    lifted: dict[int, int] = {}
    for p in found:
        top = _block_total(rows, structure, p.row)  # type: ignore[arg-type]
        lifted[top] = max(lifted.get(top, 0), p.score)
    first = next((i for i, row in enumerate(rows) if row.has_figures), None)
    if first is not None:
        lifted.setdefault(_block_total(rows, structure, first), 2)
        lifted.setdefault(first, 1)
    picks = [Pick(score, i, i, i + 1, _vec(rows[i], width)) for i, score in lifted.items()]
    if first is not None and max(lifted.values(), default=0) < STATED:
        # no income total printed: the rows above the first cost or expense heading, added up
        picks += [b for cut in cuts if cut > first and (b := _block(rows, structure, first, cut, width, 1))]
    return picks


def _cuts(rows: list[Row]) -> tuple[list[int], list[int]]:
    """Headings that open a cost of sales section and those that open an expense section."""
    costs = [i for i, r in enumerate(rows) if r.heading and _COST_HEADING.search(clean(r.label))
             and not _EXPENSE_HEADING.search(clean(r.label))]
    expenses = [i for i, r in enumerate(rows) if r.heading and _EXPENSE_HEADING.search(clean(r.label))
                and not re.search(r"\b(other|non[\s-]*operating|below)\b", r.label, re.I)]
    return costs, expenses


def solve(rows: list[Row], structure: Structure) -> Headline:
    """Choose the headline figures: see the module docstring."""
    width = max((len(r.values) for r in rows), default=0)
    unit_ = unit(rows)
    cost_cuts, expense_cuts = _cuts(rows)
    incomes = _income_picks(rows, structure, width, sorted(cost_cuts + expense_cuts))
    cogs: list[Pick | None] = [None, *_printed(rows, _COGS, width)]
    opexes: list[Pick] = _printed(rows, _OPEX, width, _NOT_OPEX)
    nois: list[Pick | None] = [None, *_printed(rows, _NOI, width)]
    # No printed expense total: the rows under an expense heading down to a printed NOI. Where the statement
    # states one, that is the figure, right or wrong (a wrong one fails its checks and is reported).
    for cut in (expense_cuts if max((p.score for p in opexes), default=0) < STATED else []):
        for n in nois:
            if n is not None and n.row > cut:  # type: ignore[operator]
                block = _block(rows, structure, cut + 1, n.row, width, 1)  # type: ignore[arg-type]
                if block:
                    opexes.append(block)
    best: tuple[float, dict[str, Pick | None]] | None = None
    proven: list[tuple[float, dict[str, Pick | None]]] = []
    for i, c, e, n in product(incomes, cogs, opexes, nois):
        if not _ordered(i, c, e, n):
            continue
        derived_part = i.row is None or e.row is None
        if derived_part and n is None:
            continue  # a block's sum is only worth something when a printed NOI proves it
        choice = {"total_income": i, "cost_of_goods_sold": c, "total_operating_expenses": e,
                  "net_operating_income": n}
        labels = i.score + (c.score if c else 0) + e.score + (n.score if n else 0)
        score = float(labels)
        if n is not None:
            if _identity(i, c, e, n, unit_):
                score += IDENTITY
                proven.append((labels, choice))
            else:
                score -= 5 if not derived_part else 100  # a well-labelled NOI that fails is still reported
        if i.row is not None and (structure.is_subtotal(i.row) or i.row == _first(rows)):
            score += 2
        if e.row is not None and structure.is_subtotal(e.row):
            score += 2
        if best is None or score > best[0]:
            best = (score, choice)
    headline = Headline()
    if best is None:
        headline.reasons.append("No rows read as total income and total operating expenses; check the statement.")
        return headline
    top, choice = best
    for role, pick in choice.items():
        headline.rows[role] = pick.row if pick else None
        if pick is not None and pick.row is None:
            headline.blocks[role] = (pick.start, pick.end)
        headline.signs[role] = _sign_of(pick.values) if pick and role in (
            "cost_of_goods_sold", "total_operating_expenses") else 1
    _ambiguity(rows, headline, choice, proven, top)
    _choose_net_income(rows, structure, headline, width)
    _verify(rows, structure, headline, choice, width, unit_)
    return headline


def _first(rows: list[Row]) -> int:
    return next((i for i, r in enumerate(rows) if r.has_figures), -1)


def _ordered(i: Pick, c: Pick | None, e: Pick, n: Pick | None) -> bool:
    """Income, then cost of sales, then expenses, then NOI, as statements print them; one line plays one role
    ("Cost of services and operating expenses" is the expenses)."""
    if c is not None and (c.row == e.row or not i.at < c.at < e.at or c.start < i.end):
        return False
    if not i.at < e.at or e.start < i.end:
        return False
    return n is None or n.at > e.at


def _chart(i: Pick, c: Pick | None, e: Pick, k: int) -> float:
    cost = _sign_of(c.values) * c.values[k] if c else 0.0
    return i.values[k] - cost - _sign_of(e.values) * e.values[k]


def _identity(i: Pick, c: Pick | None, e: Pick, n: Pick, unit_: float) -> bool:
    derived = [_chart(i, c, e, k) for k in range(len(i.values))]
    return matches(list(n.values), derived, 3, unit_)


def _ambiguity(rows: list[Row], headline: Headline, choice: dict[str, Pick | None],
               proven: list[tuple[float, dict[str, Pick | None]]], top: float) -> None:
    """Two readings the arithmetic proves alike, labels nearly as good, different figures: the statement alone
    cannot say which is meant. A person must."""
    chosen_labels = top - IDENTITY - 4
    for labels, other in proven:
        differs = [role for role in ("total_income", "total_operating_expenses")
                   if other[role] and choice[role] and other[role].values != choice[role].values]  # type: ignore[union-attr]
        if differs and labels >= chosen_labels:
            named = ", ".join(f"{_name(rows, other[role])} as {role.replace('_', ' ')}" for role in differs)
            headline.reasons.append(f"The figures also tie with {named}; which rows the statement means needs "
                                    "checking.")
            return


def _name(rows: list[Row], pick: Pick | None) -> str:
    if pick is None:
        return "nothing"
    if pick.row is not None:
        return f"'{rows[pick.row].label}'"
    return f"the rows from '{rows[pick.start].label}' to '{rows[pick.end - 1].label}' added up"


def _choose_net_income(rows: list[Row], structure: Structure, headline: Headline, width: int) -> None:
    """The bottom line: a net-income row below NOI that the rows between reach (explained by the
    structure), or the best-labelled one otherwise; never a row above NOI."""
    r = headline.rows
    marks = [x for x in (r.get("net_operating_income"), r.get("total_operating_expenses"),
                         headline.blocks.get("total_operating_expenses", (0, 0))[1] - 1) if x is not None]
    floor = max(marks)
    nets = _printed(rows, _NET_INCOME, width, _NOT_NET)
    options = [p for p in nets if p.row > floor]  # type: ignore[operator]
    headline.signs["net_income"] = 1
    if not options:
        # With nothing below NOI, a printed net income may be NOI itself (printed once).
        n = r.get("net_operating_income")
        headline.rows["net_income"] = n if n is not None and any(p.row == n for p in nets) else None
        return
    explained = [p for p in options if structure.is_subtotal(p.row)]  # type: ignore[arg-type]
    pick = max(explained or options, key=lambda p: (p.score, -p.at))
    headline.rows["net_income"] = pick.row


def _in_subtree(structure: Structure, root: int, target: int) -> bool:
    made = structure.made.get(root)
    if made is None:
        return root == target
    return root == target or any(_in_subtree(structure, part, target) for part in made.parts)


def _verify(rows: list[Row], structure: Structure, headline: Headline, choice: dict[str, Pick | None], width: int,
            unit_: float) -> None:
    i, c, e, n = (choice[k] for k in ROLES[:4])
    ni = headline.rows.get("net_income")
    values = []
    for k in range(width):
        income = i.values[k] if i else None
        cogs = _sign_of(c.values) * c.values[k] if c else None
        opex = _sign_of(e.values) * e.values[k] if e else None
        noi = n.values[k] if n else (income - (cogs or 0.0) - opex if income is not None and opex is not None
                                     else None)
        net = (rows[ni].values[k] or 0.0) if ni is not None else None
        values.append({"total_income": income, "cost_of_goods_sold": cogs, "total_operating_expenses": opex,
                       "net_operating_income": noi, "net_income": net})
    headline.values = values
    proven = bool(i and e and n and _identity(i, c, e, n, unit_))
    if proven:
        headline.verified |= {"total_income", "total_operating_expenses", "net_operating_income"}
        if c is not None:
            headline.verified.add("cost_of_goods_sold")
    elif n is not None and i and e:
        headline.reasons.append(
            f"{_name(rows, i)} - {'cost of sales - ' if c is not None else ''}{_name(rows, e)} does not equal "
            f"'{rows[n.row].label}' in every period: total income, operating expenses and NOI need checking.")  # type: ignore[index]
    if ni is not None:
        anchors = [p.row for p in (n, e, c, i) if p is not None and p.row is not None]
        reached = structure.is_subtotal(ni) and any(_in_subtree(structure, ni, a) for a in anchors)
        same_as_noi = (n is not None and n.row == ni) or (n is None and all(
            v["net_operating_income"] is not None and abs((rows[ni].values[k] or 0.0) - v["net_operating_income"])
            <= unit_ * 3 for k, v in enumerate(values)))
        if reached or same_as_noi:
            headline.verified.add("net_income")
            if n is None:
                # NOI not printed: net income reached from the same printed rows (or equal to income less the
                # expenses, nothing printed between) proves them, and NOI with them.
                chain = {role: p.row for role, p in (("total_income", i), ("cost_of_goods_sold", c),
                                                     ("total_operating_expenses", e)) if p is not None}
                if same_as_noi or all(row is not None and _in_subtree(structure, ni, row) for row in chain.values()):
                    headline.verified |= set(chain) | {"net_operating_income"}
        else:
            headline.reasons.append(f"'{rows[ni].label}' is not reached from the rows above it by their sums; "
                                    "net income needs checking.")
    for role in ROLES:
        pick = choice.get(role) if role != "net_income" else None
        printed = headline.rows.get(role)
        present = printed is not None or pick is not None
        if present and role not in headline.verified and not any(role.replace("_", " ") in x for x in headline.reasons):
            what = f"'{rows[printed].label}'" if printed is not None else _name(rows, pick)
            headline.reasons.append(f"{what} was taken as {role.replace('_', ' ')} by its label alone; no total of "
                                    "the statement confirms it.")
