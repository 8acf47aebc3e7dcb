"""The headline figures of an income statement, by the role their rows play.

A lender's spread needs total income, cost of goods sold, total operating expenses, NOI (operating
income) and net income. Labels propose candidates for each role; the arithmetic decides among them: the
chosen rows must satisfy income - cost of sales - operating expenses = NOI in every period, and net
income must be reached from NOI by the rows printed below it. A figure is *verified* when an identity
of the statement proves it; anything else is reported as uncertain, with the reason, so a wrong figure
never leaves as a confident one.

Signs: the statement's printed signs are kept until the roles are known; an expense total printed in
parentheses (a deduction) is turned positive, as the chart of accounts wants expenses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product

from pipelines.ies.structure import Row, Structure, matches, unit

ROLES = ("total_income", "cost_of_goods_sold", "total_operating_expenses", "net_operating_income", "net_income")
MAX_CANDIDATES = 8

_NOT_INCOME = re.compile(
    r"\b(net\s+income|other\s+income|non[\s-]*operating|operating\s+income|before|after|tax|interest\s+income|"
    r"net\s+operating|comprehensive|expenses?|costs?|loss)\b", re.I)
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
    (re.compile(r"^\s*total\s+costs?\s*$", re.I), 6),
    (re.compile(r"^\s*(cogs|direct\s+costs?|costs?\s+of\s+operations)\b", re.I), 5),
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


_NOTE_REF = re.compile(r"\(\s*(notes?|see)\b[^)]*\)|\bnotes?\s+\d[\d,\s and]*$", re.I)


def clean(label: str) -> str:
    """A label without its note references ("EXPENSES (Note 14)", "Revenue 3, 4")."""
    return re.sub(r"\s+", " ", _NOTE_REF.sub(" ", label)).strip()


def _score(label: str, patterns: list[tuple[re.Pattern[str], int]]) -> int:
    text = clean(label)
    return max((points for pattern, points in patterns if pattern.search(text)), default=0)


@dataclass
class Headline:
    """The rows chosen for each role (None: not printed), the signs that turn them into chart values,
    which figures an identity proves, and why any is uncertain."""

    rows: dict[str, int | None] = field(default_factory=dict)
    signs: dict[str, int] = field(default_factory=dict)
    values: list[dict[str, float | None]] = field(default_factory=list)  # per period column, chart signs
    verified: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)
    identity_checked: bool = False

    @property
    def found(self) -> bool:
        return self.rows.get("total_income") is not None or self.rows.get("total_operating_expenses") is not None


def _candidates(rows: list[Row], patterns: list[tuple[re.Pattern[str], int]], *, exclude: re.Pattern[str] | None = None
                ) -> list[tuple[int, int]]:
    scored = [(_score(row.label, patterns), i) for i, row in enumerate(rows)
              if row.has_figures and not (exclude and exclude.search(clean(row.label)))]
    scored = [(score, i) for score, i in scored if score > 0]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return scored[:MAX_CANDIDATES]


def _vec(row: Row, width: int) -> list[float]:
    return [(v or 0.0) for v in row.values] + [0.0] * (width - len(row.values))


def _sign(row: Row) -> int:
    """+1 when a total prints mostly positive, -1 when mostly in parentheses (a deduction)."""
    positives = sum(1 for v in row.values if v is not None and v > 0)
    negatives = sum(1 for v in row.values if v is not None and v < 0)
    return -1 if negatives > positives else 1


_GROSS_PROFIT = re.compile(r"\bgross\s+(profit|margin)\b", re.I)


def _block_total(rows: list[Row], structure: Structure, row: int) -> int:
    """The largest total of like rows a row sits in: up through plain sums whose parts all print with its sign
    and whose label is not a summary's (a sum of revenue and expenses printed negative is income before tax, not
    a bigger revenue total)."""
    top = row
    while top in structure.parent:
        parent = structure.parent[top]
        made = structure.made[parent]
        sign = _sign(rows[top])
        if not made.is_sum or _SUMMARY.search(clean(rows[parent].label)) or any(
                _sign(rows[p]) != sign for p in made.parts if any(rows[p].values)):
            break
        top = parent
    return top


_SUMMARY = re.compile(r"\b(net|before|after|operating\s+income|profit|loss|ebitda|ebidta|gross)\b", re.I)


def _income_candidates(rows: list[Row], structure: Structure) -> list[tuple[int, int]]:
    # A row the structure shows to be a difference (income - cost of sales) is gross profit, whatever its
    # label says ("Gross income"): never total income.
    found = [(score, i) for score, i in _candidates(rows, _INCOME, exclude=_NOT_INCOME)
             if not (i in structure.made and not structure.made[i].is_sum) and not _GROSS_PROFIT.search(rows[i].label)]
    # An income line that a plain sum closes is part of a larger income total: the total is the candidate
    # ("Rental Income" inside "Total Revenue", "Service revenue" inside an unlabelled revenue subtotal).
    lifted: dict[int, int] = {}
    for score, i in found:
        top = _block_total(rows, structure, i)
        lifted[top] = max(lifted.get(top, 0), score)
    found = sorted(((score, i) for i, score in lifted.items()), key=lambda item: (-item[0], item[1]))
    # An unlabelled (or oddly labelled) subtotal of the first block of figures is income too.
    first = next((i for i, row in enumerate(rows) if row.has_figures), None)
    if first is not None:
        top = _block_total(rows, structure, first)
        if top not in [i for _, i in found] and top != first:
            found.append((2, top))
        if first not in [i for _, i in found]:
            found.append((1, first))
    return found


def solve(rows: list[Row], structure: Structure) -> Headline:
    """Choose the headline rows: see the module docstring."""
    width = max((len(r.values) for r in rows), default=0)
    unit_ = unit(rows)
    incomes = _income_candidates(rows, structure)
    cogs = [(0, None), *_candidates(rows, _COGS)]
    opexes = _candidates(rows, _OPEX, exclude=re.compile(r"\b(other|non[\s-]*operating|interest)\b", re.I))
    nois = [(0, None), *_candidates(rows, _NOI)]
    nets = [(0, None), *_candidates(rows, _NET_INCOME, exclude=_NOT_NET)]
    best: tuple[float, dict[str, int | None], dict[str, int]] | None = None
    proven: list[tuple[float, dict[str, int | None]]] = []  # every choice the NOI identity proves
    for (si, i), (sc, c), (se, e), (sn, n) in product(incomes, cogs, opexes, nois):
        if c == e or not (i < e and (c is None or i < c < e or (i < c and c < (n if n is not None else len(rows))))):
            continue  # one printed line is one role: "Cost of services and operating expenses" is the expenses
        if n is not None and n <= e:
            continue
        signs = {"total_income": 1, "cost_of_goods_sold": _sign(rows[c]) if c is not None else 1,
                 "total_operating_expenses": _sign(rows[e]), "net_operating_income": 1}
        score = si + sc + se + sn
        if n is not None:
            derived = [a - signs["cost_of_goods_sold"] * b - signs["total_operating_expenses"] * x for a, b, x in zip(
                _vec(rows[i], width), _vec(rows[c], width) if c is not None else [0.0] * width, _vec(rows[e], width),
                strict=True)]
            if matches(rows[n].values, derived, 3, unit_):
                score += 30
                proven.append((si + sc + se + sn, {"total_income": i, "cost_of_goods_sold": c,
                                                   "total_operating_expenses": e, "net_operating_income": n}))
            else:
                score -= 5  # still preferred to none when well labelled: the failed identity is then reported
        # Sections: the income row should close the rows above it; the expense row a run below it.
        if structure.is_subtotal(i) or i == next((k for k, r in enumerate(rows) if r.has_figures), -1):
            score += 2
        if structure.is_subtotal(e):
            score += 2
        choice = {"total_income": i, "cost_of_goods_sold": c, "total_operating_expenses": e,
                  "net_operating_income": n}
        if best is None or score > best[0]:
            best = (score, choice, signs)
    headline = Headline()
    if best is None:
        headline.reasons.append("No rows read as total income and total operating expenses; check the statement.")
        return headline
    top, choice, signs = best
    headline.rows, headline.signs = dict(choice), dict(signs)
    # Two readings the arithmetic proves alike, labels nearly as good, different figures: the statement alone
    # cannot say which is meant. A person must.
    for score, other in proven:
        differs = [role for role in ("total_income", "total_operating_expenses") if other[role] != choice[role]
                   and _vec(rows[other[role]], width) != _vec(rows[choice[role]], width)]  # type: ignore[index]
        if differs and score >= top - 30 - 2:
            alternative = ", ".join(f"'{rows[other[role]].label}' as {role.replace('_', ' ')}"  # type: ignore[index]
                                    for role in differs)
            headline.reasons.append(f"The figures also tie with {alternative}; which rows the statement means "
                                    "needs checking.")
            break
    _choose_net_income(rows, structure, headline, nets, width, unit_)
    _verify(rows, structure, headline, width, unit_)
    return headline


def _choose_net_income(rows: list[Row], structure: Structure, headline: Headline,
                       nets: list[tuple[int, int | None]], width: int, unit_: float) -> None:
    """The bottom line: a net-income row below NOI that the rows between reach (explained by the
    structure), or the best-labelled one otherwise; never a row above NOI."""
    floor = max(r for r in (headline.rows.get("net_operating_income"), headline.rows["total_operating_expenses"])
                if r is not None)
    options = [(score, r) for score, r in nets if r is not None and r > floor]
    if not options:
        # With nothing below NOI, a printed net income may be NOI itself (printed once): keep it as NOI's row.
        n = headline.rows.get("net_operating_income")
        same = [(score, r) for score, r in nets if r is not None and r == n]
        headline.rows["net_income"] = same[0][1] if same else None
        headline.signs["net_income"] = 1
        return
    explained = [(score, r) for score, r in options if structure.is_subtotal(r)]
    pool = explained or options
    _, row = max(pool, key=lambda item: (item[0], -item[1]))
    headline.rows["net_income"] = row
    headline.signs["net_income"] = 1


def _in_subtree(structure: Structure, root: int, target: int) -> bool:
    made = structure.made.get(root)
    if made is None:
        return root == target
    return root == target or any(_in_subtree(structure, part, target) for part in made.parts)


def _verify(rows: list[Row], structure: Structure, headline: Headline, width: int, unit_: float) -> None:
    r = headline.rows
    i, c, e, n, ni = (r.get(k) for k in ROLES)
    s = headline.signs
    vec = {k: (_vec(rows[row], width) if row is not None else None) for k, row in r.items()}
    values = []
    for k in range(width):
        income = vec["total_income"][k] if vec["total_income"] else None
        cogs = s["cost_of_goods_sold"] * vec["cost_of_goods_sold"][k] if vec["cost_of_goods_sold"] else None
        opex = s["total_operating_expenses"] * vec["total_operating_expenses"][k] if vec[
            "total_operating_expenses"] else None
        noi = vec["net_operating_income"][k] if vec["net_operating_income"] else (
            income - (cogs or 0.0) - opex if income is not None and opex is not None else None)
        net = vec["net_income"][k] if vec["net_income"] else None
        values.append({"total_income": income, "cost_of_goods_sold": cogs, "total_operating_expenses": opex,
                       "net_operating_income": noi, "net_income": net})
    headline.values = values
    identity = n is not None and all(
        matches(rows[n].values, [v["total_income"] - (v["cost_of_goods_sold"] or 0.0) - v["total_operating_expenses"]
                                 for v in values], 3, unit_) for _ in [0])
    headline.identity_checked = n is not None
    if identity:
        headline.verified |= {"total_income", "total_operating_expenses", "net_operating_income"}
        if c is not None:
            headline.verified.add("cost_of_goods_sold")
    elif n is not None:
        headline.reasons.append(
            f"'{rows[i].label}' - {'cost of sales - ' if c is not None else ''}'{rows[e].label}' does not equal "
            f"'{rows[n].label}' in every period: total income, operating expenses and NOI need checking.")
    if ni is not None:
        reached = structure.is_subtotal(ni) and any(
            _in_subtree(structure, ni, anchor) for anchor in (n, e, c, i) if anchor is not None)
        same_as_noi = n == ni or (n is None and all(
            v["net_operating_income"] is not None and abs((rows[ni].values[k] or 0.0) - v["net_operating_income"])
            <= unit_ * 3 for k, v in enumerate(values)))
        if reached or same_as_noi:
            headline.verified.add("net_income")
            if n is None and (reached or same_as_noi):
                # NOI derived, and net income is reached from the same rows: the chain proves them.
                chain = {"total_income", "total_operating_expenses"}
                if c is not None:
                    chain.add("cost_of_goods_sold")
                if all(_in_subtree(structure, ni, r[key]) for key in chain if r.get(key) is not None) or same_as_noi:
                    headline.verified |= chain | {"net_operating_income"}
        else:
            headline.reasons.append(f"'{rows[ni].label}' is not reached from the rows above it by their sums; "
                                    "net income needs checking.")
    for role in ROLES:
        if r.get(role) is not None and role not in headline.verified and not any(role in x for x in headline.reasons):
            headline.reasons.append(f"'{rows[r[role]].label}' was taken as {role.replace('_', ' ')} by its label "
                                    "alone; no total of the statement confirms it.")
