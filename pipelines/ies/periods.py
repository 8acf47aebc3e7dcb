"""Column headings → period keys ('2025', 'FY2025-06', 'YTD-2026-08', '2026-03', 'T12-2026-09'), and
the columns that are not periods at all ('% of Income', 'Per Unit', budgets, GL accounts).

A heading alone is sometimes not enough: "FY 2025" needs the fiscal year end the period line states
("For the Year Ended June 30, 2025"), and a T-12's "Total" column takes its key from the months."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
_MON = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|" \
       r"august|september|october|november|december)\.?"

NOT_A_PERIOD = re.compile(
    r"%|\bpercent|\bper\b|/\s*(unit|sf|sq)|\bpsf\b|\bbudget|\bvariance|\bvar\b|\bchange\b|\bacct\b|\baccount"
    r"|\bgl\b|\bnotes?\b|\bratio\b|\bforecast|\bprojected|\bpro\s*forma",
    re.IGNORECASE,
)
_TOTAL = re.compile(
    r"^(total|t-?12(\s+total)?|ttm|trailing\s+(12|twelve)(\s+months?)?|12\s+mo(nths?)?(\s+total)?|"
    r"twelve\s+months?(\s+total)?|annual\s+total|year\s+total)$",
    re.IGNORECASE,
)
_MONTHLY = [
    re.compile(rf"^{_MON}[\s\-']*'?(?P<yr>\d{{4}}|\d{{2}})$", re.IGNORECASE),  # Oct 2025, Oct-25, Oct '25
    re.compile(r"^(?P<m>\d{1,2})[/\-](?P<yr>\d{4})$"),  # 10/2025
    re.compile(r"^(?P<yr>\d{4})[/\-](?P<m>\d{1,2})$"),  # 2025-10
]
_TRAILING = re.compile(r"\btrailing\b|\bt-?12\b|\bttm\b|\btwelve\s+months\b", re.IGNORECASE)
_MONTHS_ENDED = re.compile(
    r"^(?P<n>\d{1,2})\s+months?\s+end(ed|ing)\s+(?P<date>.+)$", re.IGNORECASE)
_YTD = re.compile(r"\bytd\b|year[\s\-]+to[\s\-]+date", re.IGNORECASE)
_DATE_NUMERIC = re.compile(r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<yr>\d{4}|\d{2})\b")
_DATE_WORDS = re.compile(rf"\b{_MON}\s+(?P<d>\d{{1,2}}),?\s+(?P<yr>\d{{4}})\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b{_MON}\s*'?(?P<yr>\d{{4}})\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d/])(?P<yr>(19|20)\d\d)(?![\d/])")
_SHORT_FY = re.compile(r"^fy\s*'?(?P<yr>\d{2})$", re.IGNORECASE)
_CALENDAR = re.compile(r"\b(cy|calendar)\b", re.IGNORECASE)
_ENDED = re.compile(r"end(?:ed|ing)\s+(?P<rest>.+)", re.IGNORECASE)
_SPAN_END = re.compile(rf"[\-\u2013\u2014]\s*{_MON}\s+\d{{1,2}},?\s+\d{{4}}", re.IGNORECASE)
_THROUGH = re.compile(rf"(?:through|thru|[\-\u2013\u2014])\s*{_MON}\.?\s*'?(?P<yr>\d{{4}})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: date | None
    end: date | None
    months: int | None

    def as_json(self) -> dict:
        return {"key": self.key, "label": self.label, "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "months": self.months}


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def months_back(year: int, month: int, count: int) -> tuple[int, int]:
    """The (year, month) that starts a span of `count` months ending at (year, month)."""
    index = year * 12 + month - 1 - (count - 1)
    return index // 12, index % 12 + 1


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _clean(heading: str) -> str:
    return re.sub(r"\s+", " ", heading).strip()


def monthly(heading: str) -> tuple[int, int] | None:
    """(year, month) for a one-month column."""
    text = _clean(heading)
    for pattern in _MONTHLY:
        match = pattern.match(text)
        if match:
            month = _month(match["mon"]) if "mon" in match.groupdict() and match["mon"] else int(match["m"])
            if 1 <= month <= 12:
                return _year(match["yr"]), month
    return None


def end_date(text: str) -> tuple[int, int] | None:
    """(year, month) of a date printed in the text: 6/30/2025, June 30, 2025, Jun 2025."""
    for pattern in (_DATE_NUMERIC, _DATE_WORDS, _MONTH_YEAR):
        match = pattern.search(text)
        if match:
            month = int(match["m"]) if "m" in match.groupdict() and match.groupdict().get("m") else _month(
                match["mon"])
            if 1 <= month <= 12:
                return _year(match["yr"]), month
    return None


# Title lines that date the document, not the period it covers.
AS_OF = re.compile(r"\bas\s+(of|at|on)\b|^\s*(run\s+|print(ed)?\s+|report\s+)?date\s*:|\bprinted\b|\bgenerated\b",
                    re.IGNORECASE)
_SEP = r"\s*(?:~|to|through|thru|until|[\-\u2013\u2014])\s*"
_RANGES = [
    # 2020-09-01 ~ 2020-09-30
    re.compile(rf"(?P<y1>\d{{4}})[-/.](?P<m1>\d{{1,2}})[-/.](?P<d1>\d{{1,2}}){_SEP}(?P<y2>\d{{4}})[-/.](?P<m2>\d{{1,2}})"
               r"[-/.](?P<d2>\d{1,2})"),
    # 1/1/24 to 12/31/24
    re.compile(rf"(?P<m1>\d{{1,2}})/(?P<d1>\d{{1,2}})/(?P<y1>\d{{4}}|\d{{2}}){_SEP}(?P<m2>\d{{1,2}})/(?P<d2>\d{{1,2}})/"
               r"(?P<y2>\d{4}|\d{2})\b"),
    # January 1, 2024 to December 31, 2024
    re.compile(rf"{_MON.replace('mon', 'mon1')}\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}}){_SEP}"
               rf"{_MON.replace('mon', 'mon2')}\s+(?P<d2>\d{{1,2}}),?\s+(?P<y2>\d{{4}})", re.IGNORECASE),
    # January-2024 to December-2024, Jan 2024 - Jan 2025
    re.compile(rf"{_MON.replace('mon', 'mon1')}[\s\-,']*(?P<y1>\d{{4}}){_SEP}{_MON.replace('mon', 'mon2')}"
               r"[\s\-,']*(?P<y2>\d{4})\b", re.IGNORECASE),
    # January 1 - December 31, 2024; Jan 1 - Dec 31, 24 (QuickBooks): the year printed once, at the end
    re.compile(rf"\b{_MON.replace('mon', 'mon1')}\s+(?P<d1>\d{{1,2}}){_SEP}{_MON.replace('mon', 'mon2')}\s+"
               r"(?P<d2>\d{1,2}),?\s*'?(?P<y2>\d{4}|\d{2})\b", re.IGNORECASE),
    # January - December 2024; Jan - Dec 24 (QuickBooks' column heading)
    re.compile(rf"\b{_MON.replace('mon', 'mon1')}{_SEP}{_MON.replace('mon', 'mon2')}[\s,']*'?(?P<y2>\d{{4}}|\d{{2}})\b",
               re.IGNORECASE),
]
_PERIOD_ENDED = re.compile(
    rf"\b(?:(?P<n>\d{{1,2}}|three|six|nine|twelve)\s+months?|(?P<one>month|quarter)|years?|(?:fiscal\s+)?year)"
    r"\s+end(?:ed|ing)\s+"
    rf"{_MON}\s+(?P<d>\d{{1,2}}),?\s+(?P<yr>\d{{4}})", re.IGNORECASE)
_WORD_COUNTS = {"three": 3, "six": 6, "nine": 9, "twelve": 12}


def _span(start: date, end: date, label: str) -> Period | None:
    """A period from its first and last day: a month, a (fiscal) year, or a run of months."""
    if end < start or start.day != 1 or end != month_end(end.year, end.month):
        return None
    count = (end.year - start.year) * 12 + end.month - start.month + 1
    if count == 1:
        return Period(f"{end.year}-{end.month:02d}", label, start, end, 1)
    if count == 12:
        return annual(end.year, end.month, label)
    return trailing(end.year, end.month, count, label)


def _range_dates(match: re.Match[str]) -> tuple[date, date] | None:
    groups = match.groupdict()
    try:
        m1 = int(groups["m1"]) if groups.get("m1") else _month(groups["mon1"])
        m2 = int(groups["m2"]) if groups.get("m2") else _month(groups["mon2"])
        y2 = _year(groups["y2"])
        # the year printed once ("Jan - Dec 24") is the end's; a range that wraps ("Jul - Jun 24") began before
        y1 = _year(groups["y1"]) if groups.get("y1") else (y2 - 1 if m1 > m2 else y2)
        d1 = int(groups["d1"]) if groups.get("d1") else 1
        d2 = int(groups["d2"]) if groups.get("d2") else calendar.monthrange(y2, m2)[1]
        return date(y1, m1, d1), date(y2, m2, d2)
    except (ValueError, KeyError):
        return None


def _stated_range(text: str) -> Period | None:
    """A period printed as its first and last day or month ('1/1/24 to 12/31/24')."""
    spans = {m.span() for pattern in _RANGES for m in pattern.finditer(text)}
    if len({start for start, _ in spans}) > 1 and not any(
            a <= c and d <= b and (a, b) != (c, d) for a, b in spans for c, d in spans):
        return None  # "Jan - Dec 24   Jan - Dec 23": a row of column headings, not one period
    for pattern in _RANGES:
        match = pattern.search(text)
        if match:
            dates = _range_dates(match)
            if dates:
                period = _span(*dates, _clean(match.group(0)))
                if period:
                    return period
    return None


def title_period(context: str) -> Period | None:
    """The period a statement's title lines state, for a statement with a single column of figures:
    'Period: 2020-09-01 ~ 2020-09-30', '1/1/24 to 12/31/24', 'January-2024 to December-2024', 'For the year
    ended December 31, 2024'. Lines that date the document ('As of 04/30/2025', 'Date: ...') are not periods."""
    for line in context.splitlines():
        if AS_OF.search(line):
            continue
        stated = _stated_range(line)
        if stated:
            return stated
        ended = _PERIOD_ENDED.search(line)
        if ended:
            count = ended["n"]
            one = (ended["one"] or "").lower()
            months = {"month": 1, "quarter": 3}.get(one) or (
                12 if not count else (_WORD_COUNTS.get(count.lower()) or int(count)))
            year, month = int(ended["yr"]), _month(ended["mon"])
            label = _clean(ended.group(0))
            if months == 1:
                return Period(f"{year}-{month:02d}", label, date(year, month, 1), month_end(year, month), 1)
            return annual(year, month, label) if months == 12 else trailing(year, month, months, label)
    return None


def fiscal_year_end(context: str) -> int | None:
    """The month the statement's years end in, when its title lines say so."""
    for line in context.splitlines():
        if AS_OF.search(line):
            continue
        ended = _ENDED.search(line)
        if ended:
            rest = ended["rest"]
            words = re.match(rf"{_MON}\b", rest, re.IGNORECASE)
            if words:
                return _month(words["mon"])
            numeric = re.match(r"(?P<m>\d{1,2})/\d{1,2}/\d{2,4}", rest)
            if numeric and 1 <= int(numeric["m"]) <= 12:
                return int(numeric["m"])
        span = _SPAN_END.search(line)
        if span:
            return _month(span["mon"])
    return None


def ytd_end(context: str, year: int) -> int | None:
    """The month a year-to-date column of `year` runs through, when the title lines say so."""
    for line in context.splitlines():
        if not _YTD.search(line) and "through" not in line.lower():
            continue
        for match in _THROUGH.finditer(line):
            if _year(match["yr"]) == year:
                return _month(match["mon"])
    return None


def annual(year: int, end_month: int, label: str) -> Period:
    key = str(year) if end_month == 12 else f"FY{year}-{end_month:02d}"
    sy, sm = months_back(year, end_month, 12)
    return Period(key, label, date(sy, sm, 1), month_end(year, end_month), 12)


def year_to_date(year: int, month: int, label: str) -> Period:
    return Period(f"YTD-{year}-{month:02d}", label, date(year, 1, 1), month_end(year, month), month)


def trailing(year: int, month: int, count: int, label: str) -> Period:
    sy, sm = months_back(year, month, count)
    if count < 12 and sm == 1:
        return year_to_date(year, month, label)
    return Period(f"T{count}-{year}-{month:02d}", label, date(sy, sm, 1), month_end(year, month), count)


@dataclass
class ColumnReading:
    periods: list[Period | None]  # per column; None: not a period (ignored)
    warnings: list[str]


def read_columns(headings: list[str], context: str) -> ColumnReading:
    """Each column heading as a period, in printed order (newest first is fine), or None."""
    fye = fiscal_year_end(context)
    out: list[Period | None] = []
    warnings: list[str] = []
    totals: list[int] = []
    for index, raw in enumerate(headings):
        label = _clean(raw)
        if not label:
            out.append(None)
            continue
        if NOT_A_PERIOD.search(label):
            out.append(None)
            warnings.append(f"Column '{label}' is not a period; its figures were ignored.")
            continue
        if _TOTAL.match(label):
            out.append(None)
            totals.append(index)
            continue
        period, note = _one_period(label, fye, context)
        if note:
            warnings.append(note)
        if period is None:
            warnings.append(f"Column '{label}' is not a recognisable period; its figures were ignored.")
        out.append(period)
    warnings += mend_month_run(out, headings, bool(totals) or bool(_TRAILING.search(context)))
    months = sorted({(p.end.year, p.end.month) for p in out if p and p.months == 1 and p.end})
    spans = [p for p in out if p and p.start and p.end and p.months]
    for index in totals:
        label = _clean(headings[index])
        if spans and len(months) < len(spans):
            # A total beside columns that are not all months ('Jan - Dec 2024', 'Jan 2025', 'Total'): it covers
            # them all, first day to last (13 months there).
            start, end = min(p.start for p in spans), max(p.end for p in spans)  # type: ignore[type-var]
            out[index] = _span(start, end, label)  # type: ignore[arg-type]
        elif months:
            year, month = months[-1]
            out[index] = trailing(year, month, len(months), label)
        else:
            warnings.append(f"Column '{label}' totals other columns that are not months; it was ignored.")
    seen: set[str] = set()
    for index, period in enumerate(out):
        if period and period.key in seen:
            warnings.append(f"Column '{period.label}' repeats period {period.key}; only the first was read.")
            out[index] = None
        elif period:
            seen.add(period.key)
    return ColumnReading(out, warnings)


_ACTUAL = re.compile(r"\s*\b(actuals?|act\.?|amount)\b\s*", re.IGNORECASE)


_QUARTER = [
    re.compile(r"^(?:q|qtr\.?|quarter)\s*(?P<q>[1-4])[\s\-,']*'?(?P<yr>\d{4}|\d{2})$", re.IGNORECASE),  # Q1 2024
    re.compile(r"^(?P<q>[1-4])\s*q[\s\-,']*'?(?P<yr>\d{4}|\d{2})$", re.IGNORECASE),  # 1Q24
    re.compile(r"^(?P<q>[1-4])(?:st|nd|rd|th)\s+quarter[\s,]+(?P<yr>\d{4})$", re.IGNORECASE),  # 1st Quarter 2024
]
_PART_OF_YEAR = re.compile(r"\b(month|period|week)\b", re.IGNORECASE)
_SAYS_QUARTER = re.compile(r"\bq[1-4]\b|\b[1-4]q\b|\bqtr\b|\bquarter", re.IGNORECASE)


def _quarter(label: str, fye: int | None) -> tuple[Period | None, str | None] | None:
    """A quarter column: three months. None when the label is no quarter; (None, why) when it is one that
    cannot be placed (fiscal quarters of a year that does not end in December)."""
    for pattern in _QUARTER:
        match = pattern.match(label)
        if match:
            if fye not in (None, 12):
                return None, f"Column '{label}': a fiscal quarter of a year ending in month {fye}; it was ignored."
            year, end = _year(match["yr"]), int(match["q"]) * 3
            return trailing(year, end, 3, label), None
    if _SAYS_QUARTER.search(label):  # a quarter printed some other way is never read as its whole year
        return None, None
    return None


def _one_period(label: str, fye: int | None, context: str) -> tuple[Period | None, str | None]:
    label = _clean(_ACTUAL.sub(" ", label)) or label  # "May 2024 Actual": a two-row heading
    quarter = _quarter(label, fye)
    if quarter is not None:
        return quarter
    stated = _stated_range(label)
    if stated:
        return stated, None
    month = monthly(label)
    if month:
        year, m = month
        return Period(f"{year}-{m:02d}", label, date(year, m, 1), month_end(year, m), 1), None
    ended = _MONTHS_ENDED.match(label)
    if ended:
        count, when = int(ended["n"]), end_date(ended["date"])
        if when and 1 <= count <= 12:
            year, m = when
            return (annual(year, m, label) if count == 12 else trailing(year, m, count, label)), None
    if _YTD.search(label):
        when = end_date(label)
        if when:
            return year_to_date(*when, label), None
        year_match = _YEAR.search(label)
        if year_match:
            year = int(year_match["yr"])
            m = ytd_end(context, year)
            if m:
                return year_to_date(year, m, label), None
            return Period(f"YTD-{year}", label, date(year, 1, 1), None, None), None  # months: see infer_ytd_months
        return None, None
    if _PART_OF_YEAR.search(label):  # "2020 Current Month": a year printed beside a month is not that year
        return None, f"Column '{label}' names part of a year without saying which months; it was ignored."
    when = end_date(label)
    if when:
        return annual(*when, label), None
    short = _SHORT_FY.match(label)
    year_match = _YEAR.search(label)
    if not (short or year_match):
        return None, None
    year = _year(short["yr"]) if short else int(year_match["yr"])
    if _CALENDAR.search(label) or fye is None:
        note = None
        if fye is None and re.search(r"\bfy|fiscal", label, re.IGNORECASE):
            note = f"Column '{label}': the fiscal year end is not stated; assumed December 31."
        return annual(year, 12, label), note
    return annual(year, fye, label), None


def looks_like_period(heading: str) -> bool:
    """True for a heading that names a period or a T-12 total: how a header row is told from a title line."""
    label = _clean(heading)
    if not label or NOT_A_PERIOD.search(label):
        return False
    return bool(_TOTAL.match(label)) or _one_period(label, None, "")[0] is not None


def _month_fields(label: str) -> tuple[str, str] | None:
    """The month and year as printed in a one-month heading ('09', '2025'; 'Sep', '25')."""
    for pattern in _MONTHLY:
        match = pattern.match(label)
        if match:
            groups = match.groupdict()
            return (groups.get("mon") or groups.get("m") or "").lower(), match["yr"]
    return None


def _printed(month: int, year: int, like: tuple[str, str]) -> tuple[str, str]:
    """(month, year) printed the way another heading prints them."""
    mon, yr = like
    if mon.isdigit():
        text = f"{month:02d}" if len(mon) == 2 else str(month)
    else:
        text = calendar.month_name[month].lower() if len(mon) > 4 else calendar.month_abbr[month].lower()
    return text, str(year)[-len(yr):]


def _one_slip(a: str, b: str) -> bool:
    """True when a and b differ by at most one character substituted, dropped or added: an OCR slip."""
    if a == b:
        return True
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return len(long) - len(short) == 1 and any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def mend_month_run(periods: list[Period | None], headings: list[str], trailing_total: bool = False) -> list[str]:
    """Monthly columns print a run of consecutive months (a T-12: twelve of them, oldest or newest first).
    A scan's OCR misreads bold, blurred digits ('09/2025' as '08/2025', '11/2025' as '1/2025'), which
    breaks the run and drops or misplaces a month's figures. When at least two thirds of the monthly
    columns agree on one run, a column off the run is put back on it, but only where its printed month or
    year is one character away from the run's (a slip of OCR, not a statement that skips a month), and
    only when the months must run on: a trailing total sums them, or as read they repeat or go backwards.
    Changes `periods` in place; returns a warning per column changed."""
    monthly_at = [i for i, p in enumerate(periods) if p and p.months == 1 and p.end]
    if len(monthly_at) < 3:
        return []
    ordinal = {i: periods[i].end.year * 12 + periods[i].end.month - 1 for i in monthly_at}  # type: ignore[union-attr]
    best: tuple[int, int, int] | None = None  # (votes, step, start)
    for step in (1, -1):
        votes: dict[int, int] = {}
        for rank, i in enumerate(monthly_at):
            start = ordinal[i] - step * rank
            votes[start] = votes.get(start, 0) + 1
        start, count = max(votes.items(), key=lambda kv: kv[1])
        if best is None or count > best[0]:
            best = (count, step, start)
    assert best is not None
    count, step, start = best
    if count == len(monthly_at) or 3 * count < 2 * len(monthly_at):
        return []  # already a run, or no run most columns agree on
    read = [ordinal[i] * step for i in monthly_at]
    if not trailing_total and all(a < b for a, b in pairwise(read)):
        return []  # distinct months in order: a statement may skip some
    wanted = {i: start + step * rank for rank, i in enumerate(monthly_at)}
    taken = {ordinal[i] for i in monthly_at if ordinal[i] == wanted[i]}
    notes = []
    for i in monthly_at:
        want = wanted[i]
        if ordinal[i] == want or want in taken:
            continue
        label = _clean(headings[i])
        fields = _month_fields(label)
        year, month = divmod(want, 12)
        month += 1
        if fields is None:
            continue
        mon, yr = _printed(month, year, fields)
        if not (_one_slip(fields[0], mon) and _one_slip(fields[1], yr)):
            continue
        periods[i] = Period(f"{year}-{month:02d}", label, date(year, month, 1), month_end(year, month), 1)
        taken.add(want)
        notes.append(f"Column '{label}' read as {year}-{month:02d}: the columns around it run month by month "
                     f"and the heading is one character off (an OCR misreading).")
    return notes
