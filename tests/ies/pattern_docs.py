"""The documents of tests/ies/test_real_world_patterns.py, one function each: the layouts of real
statements (audited packets, QuickBooks and ledger exports, property T-12s, monthly spreadsheets)
with invented entities and figures, and the truth each must give.

Figures tie like a real statement's: subtotals are computed from their rows, NOI is income minus
cost of sales minus operating expenses, net income follows from the rows below NOI."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import datetime

from tests.ies.patterns import (
    Doc,
    Expect,
    Lines,
    Page,
    Period,
    Sheet,
    draw_pdf,
    grid_rows,
    headline,
    minus,
    month,
    months_run,
    plus,
    rows_of,
    write_workbook,
    year,
)

DOCS: dict[str, Callable[[], Doc]] = {}


def document(fn: Callable[[], Doc]) -> Callable[[], Doc]:
    DOCS[fn.__name__] = fn
    return fn


def pdf(name: str, about: str, pages: list[Page], expect: Expect) -> Doc:
    return Doc(name, about, f"{name}.pdf", draw_pdf(pages), expect, pages=pages)


def xlsx(name: str, about: str, sheets: list[Sheet], expect: Expect) -> Doc:
    return Doc(name, about, f"{name}.xlsx", write_workbook(sheets), expect, sheets=sheets)


def scaled(base: dict[str, int], k: float) -> dict[str, int]:
    return {key: round(v * k) for key, v in base.items()}


def wave(base: int, n: int, spread: int, seed: int = 3) -> list[int]:
    """`n` monthly figures around `base`: a deterministic wobble like real months."""
    return [base + ((i * seed + seed) % 7 - 3) * spread for i in range(n)]


# ================================================================ audited packets (pattern 1)

AFS_YEAR = dict(service=9_032_287, goods=1_327_576, cost=6_338_175, salaries=1_293_336, rent=386_532,
                utilities=159_901, depreciation=228_054, professional=103_075, taxes=58_313,
                interest_expense=153_110)


def afs_income(entity: str, cols: list[dict[str, int]], headings: list[list[str]], title: str, period_line: str,
               prefix: str = "$ ") -> tuple[Page, Lines, dict[str, list[int]]]:
    """An audited statement of income: revenue, cost of sales, operating expenses, interest, income tax;
    a "Note" column of note references beside the figures."""
    s = Lines(len(cols))
    s.head("REVENUE")
    service = s.item("Service revenue", [c["service"] for c in cols], note="10", prefix=prefix)
    goods = s.item("Sales of goods", [c["goods"] for c in cols])
    income = s.total("Total Revenue", service, goods)
    cost = s.item("Cost of sales", [c["cost"] for c in cols], indent=0, note="11")
    gross = s.total("GROSS PROFIT", income, [-v for v in cost])
    s.head("OPERATING EXPENSES", note="12")
    parts = [s.item(label, [c[key] for c in cols]) for label, key in [
        ("Salaries and wages", "salaries"), ("Rent", "rent"), ("Utilities", "utilities"),
        ("Depreciation", "depreciation"), ("Professional fees", "professional"), ("Taxes and licenses", "taxes")]]
    opex = s.total("Total Operating Expenses", *parts)
    noi = s.total("INCOME FROM OPERATIONS", gross, [-v for v in opex])
    interest = s.item("Interest expense", [-c["interest_expense"] for c in cols], indent=0, note="9")
    before_tax = s.total("Income before income taxes", noi, interest)
    tax = s.item("Income tax expense", [round(v * 0.25) for v in before_tax], indent=0, note="14")
    net = s.total("NET INCOME", before_tax, [-v for v in tax], prefix=prefix)
    page = Page([entity, title, period_line], headings, rows_of(s), note_column=True, center_titles=True)
    return page, s, dict(total_income=income, cost_of_goods_sold=cost, total_operating_expenses=opex,
                         net_operating_income=noi, net_income=net, before_tax=before_tax, tax=tax)


def afs_balance_sheet(entity: str, headings: list[list[str]], date_line: str, k: list[float], net: list[int],
                      dividends: list[int], prefix: str = "$ ") -> tuple[Page, dict[str, list[int]]]:
    """A statement of financial position whose retained earnings roll forward with the year's net income
    and dividends, and whose cash balances it."""
    base = dict(receivables=1_986_345, inventories=687_168, prepaid=102_002, ppe=2_576_880, payables=1_202_544,
                tax_payable=193_266, loans=1_610_550)
    v = {key: [round(b * f) for f in k] for key, b in base.items()}
    capital = [2_147_400] * len(k)
    retained = [round(3_221_100 * k[0])]
    for i in range(1, len(k)):
        retained.append(retained[-1] - net[i - 1] + dividends[i - 1])
    equity = plus(capital, retained)
    liabilities = plus(v["payables"], v["tax_payable"], v["loans"])
    total = plus(liabilities, equity)
    cash = minus(total, v["receivables"], v["inventories"], v["prepaid"], v["ppe"])
    assert min(cash) > 0, "generator: the balance sheet needs positive cash"
    s = Lines(len(k))
    s.head("ASSETS")
    s.head("Current Assets")
    c1 = s.item("Cash", cash, note="3", prefix=prefix)
    c2 = s.item("Trade receivables", v["receivables"], note="4")
    c3 = s.item("Inventories", v["inventories"])
    c4 = s.item("Prepaid expenses", v["prepaid"])
    current = s.total("Total Current Assets", c1, c2, c3, c4)
    ppe = s.item("Property and equipment - net", v["ppe"], note="5")
    s.total("TOTAL ASSETS", current, ppe, prefix=prefix)
    s.head("LIABILITIES AND EQUITY")
    s.head("Current Liabilities")
    l1 = s.item("Trade and other payables", v["payables"], note="7")
    l2 = s.item("Income tax payable", v["tax_payable"])
    current_l = s.total("Total Current Liabilities", l1, l2)
    loans = s.item("Loans payable - noncurrent", v["loans"], note="8")
    s.total("TOTAL LIABILITIES", current_l, loans)
    s.head("Equity")
    e1 = s.item("Capital stock", capital)
    e2 = s.item("Retained earnings", retained)
    s.total("TOTAL EQUITY", e1, e2)
    s.total("TOTAL LIABILITIES AND EQUITY", liabilities, equity, prefix=prefix)
    page = Page([entity, "STATEMENTS OF FINANCIAL POSITION", date_line], headings, rows_of(s), note_column=True,
                center_titles=True)
    return page, dict(cash=cash, retained=retained, capital=capital)


def afs_equity(entity: str, headings: list[list[str]], period_line: str, bs: dict[str, list[int]],
               net: list[int], dividends: list[int]) -> Page:
    s = Lines(len(net))
    s.head("CAPITAL STOCK")
    capital = s.item("Balance at beginning and end of year", bs["capital"])
    s.head("RETAINED EARNINGS")
    begin = s.item("Balance at beginning of year", [r - n + d for r, n, d in zip(bs["retained"], net, dividends,
                                                                              strict=True)])
    s.item("Net income for the year", net)
    s.item("Dividends declared", [-d for d in dividends])
    end = s.total("Balance at end of year", begin, net, [-d for d in dividends])
    assert end == bs["retained"], "generator: retained earnings do not roll forward"
    s.total("TOTAL EQUITY", capital, end, prefix="$ ")
    return Page([entity, "STATEMENTS OF CHANGES IN EQUITY", period_line], headings, rows_of(s), center_titles=True)


def afs_cash_flows(entity: str, headings: list[list[str]], period_line: str, cols: list[dict[str, int]],
                   inc: dict[str, list[int]], bs: dict[str, list[int]], dividends: list[int]) -> Page:
    n = len(cols)
    cash_end = bs["cash"]
    cash_begin = [*cash_end[1:], round(cash_end[-1] * 0.8)]
    increase = minus(cash_end, cash_begin)
    capex = [-round(322_110 * c["depreciation"] / AFS_YEAR["depreciation"]) for c in cols]
    investing = capex
    paid_div = [-d for d in dividends]
    paid_int = [-c["interest_expense"] for c in cols]
    financing = plus(paid_div, paid_int)
    operating = minus(increase, investing, financing)
    s = Lines(n)
    s.head("CASH FLOWS FROM OPERATING ACTIVITIES")
    a = s.item("Income before income tax", inc["before_tax"], prefix="$ ")
    s.head("Adjustments for:")
    b = s.item("Depreciation", [c["depreciation"] for c in cols], indent=2)
    c = s.item("Interest expense", [c["interest_expense"] for c in cols], indent=2)
    before_wc = s.total("Operating income before working capital changes", a, b, c)
    taxes = [-t for t in inc["tax"]]
    wc = s.item("Net changes in working capital", minus(operating, before_wc, taxes))
    s.item("Income taxes paid", taxes)
    s.total("Net cash provided by operating activities", before_wc, wc, taxes)
    s.head("CASH FLOWS FROM INVESTING ACTIVITIES")
    s.item("Acquisitions of property and equipment", capex)
    s.total("Net cash used in investing activities", capex)
    s.head("CASH FLOWS FROM FINANCING ACTIVITIES")
    s.item("Dividends paid", paid_div)
    s.item("Interest paid", paid_int)
    s.total("Net cash used in financing activities", paid_div, paid_int)
    s.total("NET INCREASE (DECREASE) IN CASH", operating, investing, financing)
    s.item("CASH AT BEGINNING OF YEAR", cash_begin, indent=0)
    s.total("CASH AT END OF YEAR", cash_begin, increase, prefix="$ ")
    return Page([entity, "STATEMENTS OF CASH FLOWS", period_line], headings, rows_of(s), center_titles=True)


def afs_notes(entity: str, headings: list[list[str]], cols: list[dict[str, int]]) -> Page:
    s = Lines(len(cols))
    audit = s.item("Audit fees", [round(c["professional"] * 0.625) for c in cols], indent=0)
    legal = s.item("Legal and retainer fees", [c["professional"] - a for c, a in zip(cols, audit, strict=True)],
                   indent=0)
    s.total("Total professional fees", audit, legal)
    prose = [f"1. Corporate Information. {entity} (the Company) was incorporated on June 3, 2009 and provides "
             "freight handling and warehousing services. Its registered office is at 41 Quarry Road. The financial "
             "statements were authorized for issue by the Board of Directors on March 12, 2025.",
             "2. Basis of Preparation. The financial statements are prepared on the historical cost basis and are "
             "presented in US dollars, the Company's functional currency. Amounts are rounded to the nearest dollar.",
             "12. Professional Fees. This account consists of:"]
    return Page([entity, "NOTES TO FINANCIAL STATEMENTS"], headings, rows_of(s), prose=prose)


ONE_LINE_YEARS = [["2024"], ["2023"]]
PACKET_FOREIGN = ("Trade receivables", "TOTAL ASSETS", "TOTAL LIABILITIES", "Retained earnings", "TOTAL EQUITY",
                  "TOTAL LIABILITIES AND EQUITY", "Balance at beginning of year", "Balance at end of year",
                  "Dividends declared", "Net income for the year", "Net cash provided by operating activities",
                  "NET INCREASE (DECREASE) IN CASH", "CASH AT END OF YEAR", "Audit fees", "Total professional fees")


def afs_expect(inc: dict[str, list[int]], lines: Lines, periods: list[Period], pages: set[int]) -> Expect:
    keys = ("total_income", "cost_of_goods_sold", "total_operating_expenses", "net_operating_income", "net_income")
    for i, period in enumerate(periods):
        period.figures = headline(lines, i, **{k: inc[k] for k in keys})
    return Expect(periods, pages=pages, foreign_labels=PACKET_FOREIGN)


@document
def packet_balance_sheet_first() -> Doc:
    entity = "Harbor Lane Logistics, Inc."
    cols = [scaled(AFS_YEAR, 1.08), scaled(AFS_YEAR, 1.0)]
    years = "For the Years Ended December 31, 2024 and 2023"
    inc_page, lines, inc = afs_income(entity, cols, ONE_LINE_YEARS, "STATEMENTS OF INCOME", years)
    dividends = [429_480, 375_795]
    bs_page, bs = afs_balance_sheet(entity, ONE_LINE_YEARS, "December 31, 2024 and 2023", [1.08, 1.0],
                                    inc["net_income"], dividends)
    pages = [bs_page, inc_page, afs_equity(entity, ONE_LINE_YEARS, years, bs, inc["net_income"], dividends),
             afs_cash_flows(entity, ONE_LINE_YEARS, years, cols, inc, bs, dividends),
             afs_notes(entity, ONE_LINE_YEARS, cols)]
    return pdf("packet_balance_sheet_first",
               "audited packet: balance sheet, income statement (p2), changes in equity, cash flows, notes",
               pages, afs_expect(inc, lines, [year(2024), year(2023)], {2}))


@document
def packet_cover_letter_first() -> Doc:
    entity = "Quillon Engineering Services Corp."
    cols = [scaled(AFS_YEAR, 0.47), scaled(AFS_YEAR, 0.44)]
    years = "For the Years Ended December 31, 2024 and 2023"
    inc_page, lines, inc = afs_income(entity, cols, ONE_LINE_YEARS, "STATEMENTS OF INCOME", years)
    dividends = [128_844, 107_370]
    bs_page, bs = afs_balance_sheet(entity, ONE_LINE_YEARS, "December 31, 2024 and 2023", [0.47, 0.44],
                                    inc["net_income"], dividends)
    letter = Page([entity, "18 Foundry Lane, Building C, Riverton"], prose=[
        "March 14, 2025",
        "To the Board of Directors and Stockholders:",
        "We enclose the audited financial statements of the Company for the years ended December 31, 2024 and 2023, "
        "together with the notes. Revenue grew 7% in 2024 to about $4.9 million, and the Company paid dividends of "
        "$128,844 during the year.",
        "The statements were approved on March 12, 2025. Please contact the undersigned with any questions.",
        "Very truly yours, Dana Whitlock, Treasurer"])
    pages = [letter, bs_page, inc_page, afs_cash_flows(entity, ONE_LINE_YEARS, years, cols, inc, bs, dividends)]
    return pdf("packet_cover_letter_first",
               "audited packet: cover letter, balance sheet, income statement (p3), cash flows",
               pages, afs_expect(inc, lines, [year(2024), year(2023)], {3}))


@document
def packet_two_income_statements() -> Doc:
    entity = "Silverpine Trading Corporation"
    y2024, y2023, y2022 = scaled(AFS_YEAR, 1.12), scaled(AFS_YEAR, 0.96), scaled(AFS_YEAR, 0.9)
    y2023r = {**y2023, "rent": y2023["rent"] + 128_844, "depreciation": y2023["depreciation"] + 37_580}
    heads1 = [["2024"], ["2023", "(As Restated)"]]
    heads2 = [["2023"], ["2022"]]
    set1 = "For the Years Ended December 31, 2024 and 2023"
    set2 = "For the Years Ended December 31, 2023 and 2022"
    inc1_page, lines1, inc1 = afs_income(entity, [y2024, y2023r], heads1, "STATEMENTS OF INCOME", set1)
    inc2_page, lines2, inc2 = afs_income(entity, [y2023, y2022], heads2, "STATEMENTS OF COMPREHENSIVE INCOME", set2)
    bs1_page, _ = afs_balance_sheet(entity, heads1, "December 31, 2024 and 2023", [1.12, 0.96],
                                    inc1["net_income"], [536_850, 483_165])
    bs2_page, _ = afs_balance_sheet(entity, heads2, "December 31, 2023 and 2022", [0.96, 0.9],
                                    inc2["net_income"], [483_165, 429_480])
    assert inc1["net_income"][1] != inc2["net_income"][0], "generator: the restatement must change 2023"
    keys = ("total_income", "cost_of_goods_sold", "total_operating_expenses", "net_operating_income", "net_income")
    periods = [year(2024, **headline(lines1, 0, **{k: inc1[k] for k in keys})),
               year(2023, "2023 (As Restated)", **headline(lines1, 1, **{k: inc1[k] for k in keys})),
               year(2022, **headline(lines2, 1, **{k: inc2[k] for k in keys}))]
    return pdf("packet_two_income_statements",
               "two audited sets: 2024/2023-restated (pp1-2) and 2023/2022 (pp3-4); 2023 from the newer set",
               [bs1_page, inc1_page, bs2_page, inc2_page],
               Expect(periods, pages={2, 4}, foreign_labels=PACKET_FOREIGN))


@document
def income_statement_over_two_pages() -> Doc:
    s = Lines(2)
    s.head("REVENUE")
    rev = [s.item(label, v) for label, v in [
        ("Contract revenue", [3_664_323, 3_334_268]), ("Service revenue", [949_312, 872_489]),
        ("Maintenance contract revenue", [318_245, 291_939]), ("Equipment sales", [170_423, 204_325])]]
    income = s.total("Total revenue", *rev)
    s.head("COST OF REVENUE")
    cost = [s.item(label, v) for label, v in [("Direct labor", [1_505_682, 1_391_569]),
                                              ("Materials", [865_632, 799_885]),
                                              ("Subcontractors", [342_081, 308_635])]]
    cogs = s.total("Total cost of revenue", *cost)
    gross = s.total("Gross profit", income, [-v for v in cogs])
    s.head("OPERATING EXPENSES")
    expenses = [("Salaries - office", 443_223, 427_547), ("Payroll taxes", 66_484, 64_132),
                ("Employee benefits", 94_926, 88_000), ("Rent", 154_613, 148_171), ("Utilities", 30_755, 29_113),
                ("Telephone and internet", 15_253, 14_903), ("Insurance", 66_730, 61_523),
                ("Vehicle expenses", 52_536, 55_049), ("Fuel", 40_172, 42_972),
                ("Repairs and maintenance", 24_244, 21_410),
                ("Office supplies", 10_602, 11_072), ("Software subscriptions", 19_971, 16_621),
                ("Advertising", 28_238, 24_427), ("Professional fees", 33_822, 31_137),
                ("Bank charges", 4_529, 4_194), ("Licenses and permits", 6_571, 6_313),
                ("Travel", 19_278, 13_346), ("Meals", 5_594, 5_020), ("Training", 9_019, 6_550),
                ("Depreciation", 79_776, 74_944), ("Bad debts", 13_529, 9_824), ("Miscellaneous", 3_567, 3_207)]
    parts = [s.item(label, [a, b]) for label, a, b in expenses]
    opex = s.total("Total operating expenses", *parts)
    noi = s.total("Operating income", gross, [-v for v in opex])
    s.head("OTHER EXPENSE")
    interest = s.item("Interest expense", [-51_763, -56_541])
    net = s.total("Net income", noi, interest)
    rows = rows_of(s)
    split = 22
    titles = ["Kestrel Mechanical Contractors, Inc.", "Statement of Operations",
              "For the Years Ended December 31, 2024 and 2023"]
    pages = [Page(titles, ONE_LINE_YEARS, rows[:split], footer="Page 1 of 2"),
             Page(["Kestrel Mechanical Contractors, Inc.", "Statement of Operations (continued)",
                   "For the Years Ended December 31, 2024 and 2023"], ONE_LINE_YEARS, rows[split:],
                  footer="Page 2 of 2")]
    h = dict(total_income=income, cost_of_goods_sold=cogs, total_operating_expenses=opex,
             net_operating_income=noi, net_income=net)
    return pdf("income_statement_over_two_pages",
               "one income statement over two pages: rows continue under a repeated title, totals on page 2",
               pages, Expect([year(2024, **headline(s, 0, **h)), year(2023, **headline(s, 1, **h))], pages={1, 2}))


# ================================================================ periods (pattern 2)

def branch_month(name: str, about: str, *, amount_heading: str, title_rows: list[str], spread_labels: bool,
                 period: tuple[int, int, str], currency: str) -> Doc:
    """A trading branch's monthly income statement sheet (cents): section rows, accounts, totals, a
    "% of Revenue" column; labels indented in column A, or spread over columns A (sections) and C (accounts)."""
    s = Lines(1, scale=100)
    s.head("REVENUE")
    a = s.item("Product sales", [305_587_963], indent=2)
    b = s.item("Service revenue", [44_269_317], indent=2)
    income = s.total("TOTAL REVENUE", a, b)
    s.head("COST OF SALES")
    c1 = s.item("Cost of goods sold", [256_511_350], indent=2)
    c2 = s.item("Inbound freight", [21_056_846], indent=2)
    cogs = s.total("TOTAL COST OF SALES", c1, c2)
    gross = s.total("GROSS PROFIT", income, [-v for v in cogs])
    s.head("EXPENSES")
    parts = [s.item(label, [v], indent=2) for label, v in [
        ("Salaries", 5_166_967), ("Office rent", 1_234_755), ("Depreciation", 234_971), ("Travel", 103_521),
        ("Bank charges", 33_507)]]
    opex = s.total("TOTAL EXPENSES", *parts)
    noi = s.total("OPERATING PROFIT", gross, [-v for v in opex])
    s.head("NON-OPERATING INCOME")
    interest = s.item("Interest income", [129_333], indent=2)
    net = s.total("NET PROFIT", noi, interest)
    grid: list[list] = [[], ["Northbay Trading Co., Ltd. Dalian Office"], ["Income Statement"],
                        *[[row] for row in title_rows], ["REVENUE", None, None, amount_heading, "% of Revenue"]]
    formats = {}
    for line in s.rows[1:]:  # the first heading shares the row of the column headings
        row: list = [None] * 5
        if spread_labels:
            row[min(line.indent, 2)] = line.label
        else:
            row[0] = "  " * line.indent + line.label
        if line.values is not None:
            row[3] = line.values[0] / 100
            row[4] = round(line.values[0] / income[0], 6)
            formats[(len(grid) + 1, 4)] = "#,##0.00"
            formats[(len(grid) + 1, 5)] = "0.00%"
        grid.append(row)
    y, m, label = period
    p = month(y, m, label, **headline(s, 0, total_income=income, cost_of_goods_sold=cogs,
                                      total_operating_expenses=opex, net_operating_income=noi, net_income=net))
    return xlsx(name, about, [Sheet("Income Statement", grid, formats)], Expect([p], currency=currency, cents=True))


@document
def amount_column_with_period_title() -> Doc:
    return branch_month("amount_column_with_period_title",
                        "monthly sheet: one 'Amount' column, 'Period: 2021-07-01 ~ 2021-07-31' title row, "
                        "'Currency: RMB'", amount_heading="Amount",
                        title_rows=["Period: 2021-07-01 ~ 2021-07-31", "Date: 2022-01-20", "Currency: RMB"],
                        spread_labels=False, period=(2021, 7, "2021-07-01 ~ 2021-07-31"), currency="CNY")


@document
def labels_spread_over_three_columns() -> Doc:
    return branch_month("labels_spread_over_three_columns",
                        "monthly sheet: section rows and totals in column A, accounts in column C, 'Jul 2021' column",
                        amount_heading="Jul 2021", title_rows=["July 2021"], spread_labels=True,
                        period=(2021, 7, "Jul 2021"), currency="USD")


def property_months(n: int, scale: int = 100) -> tuple[Lines, dict[str, list[int]]]:
    """A property's monthly statement: rents less vacancy, other income, operating expenses, NOI, interest
    and depreciation, net income (cents)."""
    s = Lines(n, scale=scale)
    k = scale
    s.head("INCOME")
    rent = s.item("Market Rent", wave(335_424 * k, n, 850 * k))
    ltl = s.item("Loss to Lease", [-v for v in wave(9_792 * k + 37, n, 310 * k)])
    vac = s.item("Vacancy Loss", [-v for v in wave(19_810 * k + 12, n, 1_331 * k, 5)])
    con = s.item("Concessions", [-v for v in wave(2_470 * k, n, 260 * k, 2)])
    o1 = s.item("Utility Reimbursement", wave(12_674 * k + 55, n, 190 * k))
    o2 = s.item("Late Fees", wave(2_104 * k, n, 140 * k, 4))
    o3 = s.item("Pet Fees", wave(1_235 * k, n, 35 * k))
    income = s.total("Effective Gross Income", rent, ltl, vac, con, o1, o2, o3)
    s.head("OPERATING EXPENSES")
    parts = [s.item(label, wave(base * k + cents, n, step * k, seed)) for label, base, cents, step, seed in [
        ("Payroll", 33_714, 18, 420, 3), ("Repairs & Maintenance", 10_597, 45, 1_181, 5),
        ("Turnover", 4_520, 0, 620, 2), ("Utilities", 18_822, 71, 980, 4), ("Insurance", 9_583, 0, 0, 3),
        ("Real Estate Taxes", 28_043, 33, 0, 3), ("Management Fees", 10_350, 9, 90, 6),
        ("Marketing", 1_954, 0, 240, 2), ("General & Administrative", 3_667, 62, 310, 5)]]
    opex = s.total("Total Operating Expenses", *parts)
    noi = s.total("Net Operating Income", income, [-v for v in opex])
    s.head("NON-OPERATING EXPENSES")
    interest = s.item("Interest Expense", [111_901 * k] * n)
    dep = s.item("Depreciation", [65_818 * k] * n)
    below = s.total("Total Non-Operating Expenses", interest, dep)
    net = s.total("Net Income", noi, [-v for v in below])
    return s, dict(total_income=income, total_operating_expenses=opex, net_operating_income=noi, net_income=net)


def months_with_figures(run: list[tuple[int, int]], s: Lines, h: dict[str, list[int]]) -> list[Period]:
    return [month(y, m, **headline(s, i, **h)) for i, (y, m) in enumerate(run)]


def date_cell_months(name: str, fmt: str) -> Doc:
    run = months_run((2023, 3), 12)
    s, h = property_months(12)
    codes = {line.label: str(500000 + 10 * i) for i, line in enumerate(s.rows) if line.values is not None}
    grid: list[list] = [["Cobalt Ridge Apartments"], ["Twelve-Month Operating Report - February 2024"],
                        ["Units: 184"], [], [None, None, *[datetime(y, m, 1) for y, m in run]], []]
    grid += [[int(codes[r[1]]) if r[1] in codes else None, *r[1:]]
             for r in grid_rows(s, label_col=2, first_col=3)]
    formats = {(5, 3 + i): fmt for i in range(12)}
    return xlsx(name, f"property 12-month sheet: month headings are Excel date cells shown '{fmt}', no Total",
                [Sheet("Cobalt Ridge", grid, formats)], Expect(months_with_figures(run, s, h), cents=True))


@document
def month_headings_as_date_cells() -> Doc:
    return date_cell_months("month_headings_as_date_cells", "mmm-yy")


@document
def month_headings_as_datetime_cells() -> Doc:
    return date_cell_months("month_headings_as_datetime_cells", "yyyy-mm-dd h:mm:ss")


@document
def unlabelled_column_period_in_title() -> Doc:
    s = Lines(1, scale=100)
    s.head("Revenue")
    inc = [s.item("Retail sales", [540_198_233]), s.item("Contract sales", [189_942_056]),
           s.item("Delivery revenue", [21_334_562])]
    s.head("Finance charge income", indent=1)  # an account without activity this year: printed with no figure
    inc += [s.item("Sales returns and allowances", [-8_487_940]), s.item("Customer discounts", [-3_877_925])]
    income = s.total("Total Revenue", *inc)
    s.head("Cost of Goods Sold")
    cost = [s.item("Merchandise purchases", [432_397_189]), s.item("Inbound freight", [14_181_942]),
            s.item("Direct labor", [11_736_198])]
    s.head("Inventory adjustments", indent=1)
    cogs = s.total("Total Cost of Goods Sold", *cost)
    gross = s.total("Gross Profit", income, [-v for v in cogs])
    s.head("Operating Expenses")
    parts = [s.item(label, [v]) for label, v in [
        ("Advertising", 11_180_337), ("Trade show expense", 9_449_897), ("Sales salaries", 74_440_070),
        ("Office salaries", 32_338_450), ("Payroll taxes", 8_529_666), ("Employee benefits", 6_998_305),
        ("Rent", 16_234_344), ("Utilities", 2_476_887), ("Insurance", 4_711_557), ("Telephone", 1_277_986),
        ("Office supplies", 970_965), ("Professional fees", 4_375_864), ("Bank service charges", 417_568),
        ("Depreciation", 5_908_399)]]
    s.head("Auto expense", indent=1)
    opex = s.total("Total Operating Expenses", *parts)
    noi = s.total("Operating Income", gross, [-v for v in opex])
    interest = s.item("Interest expense", [-3_869_743], indent=0)
    net = s.total("Net Income", noi, interest)
    page = Page(["Pinecrest Supply Company", "Statement of Income", "1/1/24 to 12/31/24"], [], rows_of(s))
    p = year(2024, "1/1/24 to 12/31/24", **headline(s, 0, total_income=income, cost_of_goods_sold=cogs,
                                                     total_operating_expenses=opex, net_operating_income=noi,
                                                     net_income=net))
    return pdf("unlabelled_column_period_in_title",
               "ledger P&L: one unlabelled amount column, the period only in the title ('1/1/24 to 12/31/24')",
               [page], Expect([p], cents=True))


def t12_property(n: int) -> tuple[Lines, dict[str, list[int]]]:
    """A property's twelve months plus their total column (whole dollars)."""
    s = Lines(n + 1)

    def row(label: str, months: list[int]) -> list[int]:
        return s.item(label, [*months, sum(months)])

    s.head("INCOME")
    rent = row("Rental Income", wave(159_122, n, 640))
    vac = row("Vacancy Loss", [-v for v in wave(7_956, n, 515, 5)])
    con = row("Concessions", [-v for v in wave(1_342, n, 180, 2)])
    oth = row("Laundry and Vending", wave(1_415, n, 44, 4))
    fees = row("Late Fees", wave(905, n, 61, 6))
    income = s.total("Total Income", rent, vac, con, oth, fees)
    s.head("EXPENSES")
    parts = [row(label, wave(base, n, step, seed)) for label, base, step, seed in [
        ("Payroll", 19_584, 260, 3), ("Repairs & Maintenance", 7_226, 905, 5), ("Utilities", 10_608, 720, 4),
        ("Insurance", 5_492, 0, 3), ("Real Estate Taxes", 15_697, 0, 3), ("Management Fees", 5_734, 40, 2),
        ("Administrative", 2_045, 130, 6)]]
    opex = s.total("Total Expenses", *parts)
    noi = s.total("Net Operating Income", income, [-v for v in opex])
    return s, dict(total_income=income, total_operating_expenses=opex, net_operating_income=noi)


def t12_periods(run: list[tuple[int, int]], s: Lines, h: dict[str, list[int]], total_label: str = "Total"
                ) -> list[Period]:
    (y0, m0), (y1, m1) = run[0], run[-1]
    total = Period(total_label, f"{y0}-{m0:02d}-01", month(y1, m1).end, len(run), f"T{len(run)}-{y1}-{m1:02d}",
                   headline(s, len(run), **h))
    return [*months_with_figures(run, s, h), total]


@document
def as_of_date_is_not_a_period() -> Doc:
    run = months_run((2024, 5), 12)
    s, h = t12_property(12)
    heads = [f"{calendar.month_abbr[m]} {y}" for y, m in run]
    grid: list[list] = [["Glenmoor Flats"], ["Trailing 12 Months - Statement of Operations"], [],
                        ["As of Date:", "04/30/2025"], [], [None, *heads, "Total"]]
    grid += grid_rows(s, label_col=1, first_col=2, pad="  ")
    return xlsx("as_of_date_is_not_a_period",
                "property T-12 sheet: 'As of Date:' / '04/30/2025' cells above the month headings, plus Total",
                [Sheet("Glenmoor", grid)], Expect(t12_periods(run, s, h)))


@document
def fiscal_years_ending_march() -> Doc:
    s = Lines(2)
    sales = s.item("Net sales", [49_624_696, 44_993_721], indent=0, note="15")
    cost = s.item("Cost of sales", [36_367_346, 32_902_592], indent=0, note="16")
    gross = s.total("Gross profit", sales, [-v for v in cost])
    s.head("Operating expenses", note="17")
    parts = [s.item(label, v) for label, v in [("Selling expenses", [3_653_672, 3_348_291]),
                                               ("General and administrative expenses", [5_277_558, 4_971_526]),
                                               ("Depreciation and amortization", [1_188_479, 1_121_802])]]
    opex = s.total("Total operating expenses", *parts)
    noi = s.total("Operating income", gross, [-v for v in opex])
    finance = s.item("Interest expense", [-764_958, -739_672], indent=0, note="18")
    before = s.total("Income before income taxes", noi, finance)
    tax = s.item("Income tax expense", [round(v * 0.25) for v in before], indent=0)
    net = s.total("Net income", before, [-v for v in tax])
    titles = ["Tamarack Valley Mills, Inc.", "STATEMENTS OF OPERATIONS", "For the years ended March 31, 2024 and 2023"]
    page = Page(titles, ONE_LINE_YEARS, rows_of(s), note_column=True, center_titles=True)
    h = dict(total_income=sales, cost_of_goods_sold=cost, total_operating_expenses=opex, net_operating_income=noi,
             net_income=net)
    periods = [Period("2024", "2023-04-01", "2024-03-31", 12, "FY2024-03", headline(s, 0, **h)),
               Period("2023", "2022-04-01", "2023-03-31", 12, "FY2023-03", headline(s, 1, **h))]
    return pdf("fiscal_years_ending_march",
               "audited statement of operations, 'For the years ended March 31, 2024 and 2023', columns 2024 2023",
               [page], Expect(periods))


@document
def t12_pdf_with_total_column() -> Doc:
    run = months_run((2023, 7), 12)
    s, h = t12_property(12)
    heads = [[f"{calendar.month_abbr[m]} {y}"] for y, m in run] + [["Total"]]
    page = Page(["Juniper Court Apartments", "12 Month Operating Statement", "July 2023 through June 2024"], heads,
                rows_of(s), landscape=True, size=6.5, col_width=46)
    return pdf("t12_pdf_with_total_column",
               "property T-12 PDF (landscape): 12 month columns Jul 2023-Jun 2024 and a 'Total' column",
               [page], Expect(t12_periods(run, s, h)))


@document
def quickbooks_thirteen_month_total() -> Doc:
    s = Lines(3, scale=100)

    def row(label: str, a: int, b: int, **kw) -> list[int]:
        return s.item(label, [a, b, a + b], **kw)

    s.head("Income")
    inc = [row("Sales - Online Store", 87_231_702, 6_571_533, prefix="$ "), row("Sales - Wholesale", 25_029_880, 0),
           row("Sales - Marketplace", 10_125_271, 871_565), row("Shipping Revenue", 1_385_645, 112_116)]
    income = s.total("Total Income", *inc, prefix="$ ")
    s.head("Cost of Goods Sold")
    cost = [row("Inventory Purchases", 55_852_131, 4_189_704), row("Freight In", 3_343_770, 245_813)]
    cogs = s.total("Total Cost of Goods Sold", *cost, prefix="$ ")
    gross = s.total("Gross Profit", income, [-v for v in cogs], prefix="$ ")
    s.head("Expenses")
    parts = [row(label, a, b) for label, a, b in [
        ("Advertising & Marketing", 6_874_058, 417_036), ("Bank Charges & Fees", 126_740, 0),
        ("Contractors", 10_597_419, 979_751), ("Insurance", 443_223, 0),
        ("Legal & Accounting", 2_378_863, 177_161), ("Office Supplies & Software", 788_001, 65_719),
        ("Rent & Lease", 3_092_256, 257_688), ("Shipping & Delivery", 4_430_766, 323_374), ("Travel", 1_021_372, 0),
        ("Utilities", 333_370, 29_959)]]
    opex = s.total("Total Expenses", *parts, prefix="$ ")
    noi = s.total("Net Operating Income", gross, [-v for v in opex], prefix="$ ")
    net = s.total("Net Income", noi, prefix="$ ")
    h = dict(total_income=income, cost_of_goods_sold=cogs, total_operating_expenses=opex, net_operating_income=noi,
             net_income=net)
    page = Page(["Alder Creek Goods LLC", "Profit and Loss", "January 2024 - January 2025"],
                [["Jan - Dec 2024"], ["Jan 2025"], ["Total"]], rows_of(s, zero=""),
                footer="Accrual Basis Friday, February 14, 2025 09:12 AM GMT-05:00")
    periods = [year(2024, "Jan - Dec 2024", **headline(s, 0, **h)), month(2025, 1, "Jan 2025", **headline(s, 1, **h)),
               Period("Total", "2024-01-01", "2025-01-31", 13, None, headline(s, 2, **h))]
    return pdf("quickbooks_thirteen_month_total",
               "QuickBooks P&L: 'Jan - Dec 2024', 'Jan 2025', 'Total' (13 months), '$ 1,234.56', blank cells",
               [page], Expect(periods, cents=True))


@document
def two_row_heading_actual_total() -> Doc:
    run = months_run((2024, 5), 12)
    n = 12
    s = Lines(n + 1)
    zero = 3  # bought in August: three months without activity

    def row(label: str, base: int, step: int, seed: int = 3, indent: int = 3, sign: int = 1) -> list[int]:
        months = [0] * zero + [sign * v for v in wave(base, n - zero, step, seed)]
        return s.item(label, [*months, sum(months)], indent=indent)

    s.head("Income", indent=1)
    r1 = row("41000 Market Rent", 103_505, 420, indent=2)
    r2 = row("41100 Loss to Lease", 3_082, 190, 5, sign=-1, indent=2)
    v1 = row("42000 Vacancy Loss", 6_367, 610, 4, sign=-1, indent=2)
    v2 = row("42100 Concessions", 880, 95, 2, sign=-1, indent=2)
    o1 = row("44000 Late Fees", 640, 48, 6, indent=2)
    o2 = row("44100 Utility Reimbursement", 3_452, 120, 2, indent=2)
    income = s.total("Total Income", r1, r2, v1, v2, o1, o2, indent=1)
    s.head("Expense", indent=1)
    s.head("Repairs & Maintenance", indent=2)
    m1 = row("61000 Repairs", 4_192, 480, 5)
    m2 = row("61100 Landscaping", 1_235, 0)
    rm = s.total("Total Repairs & Maintenance", m1, m2, indent=2)
    s.head("Payroll", indent=2)
    p1 = row("62000 Salaries", 12_476, 150)
    p2 = row("62100 Payroll Taxes", 1_122, 14, 4)
    pay = s.total("Total Payroll", p1, p2, indent=2)
    t1 = row("63000 Real Estate Taxes", 9_996, 0, indent=2)
    t2 = row("63100 Property Insurance", 3_736, 0, indent=2)
    u1 = row("64000 Utilities", 4_408, 390, 6, indent=2)
    g1 = row("65000 Management Fees", 3_243, 25, 2, indent=2)
    opex = s.total("Total Expense", rm, pay, t1, t2, u1, g1, indent=1)
    noi = s.total("Net Operating Income", income, [-v for v in opex], indent=1)
    s.head("Other Expense", indent=1)
    x1 = row("81000 Interest Expense", 41_230, 0, indent=2)
    x2 = row("82000 Depreciation", 23_353, 0, indent=2)
    below = s.total("Total Other Expense", x1, x2, indent=1)
    net = s.total("Net Income", noi, [-v for v in below], indent=1)
    months = [f"{calendar.month_abbr[m]} {y}" for y, m in run]
    grid: list[list] = [[None, "Harrow Point Residences LLC"], [None, "T-12 Operating Statement"],
                        [None, "Basis:", "Accrual"], [None, " "], [None, " ", *[" "] * 13],
                        [None, " ", *months, " "], [None, " ", *["Actual"] * 12, "Total"]]
    grid += grid_rows(s, label_col=2, first_col=3, pad="  ", blank="  ")
    h = dict(total_income=income, total_operating_expenses=opex, net_operating_income=noi, net_income=net)
    return xlsx("two_row_heading_actual_total",
                "T-12 sheet: column A empty, months over 'Actual', 'Total' only on the 2nd heading row, space cells",
                [Sheet("Harrow Point", grid)], Expect(t12_periods(run, s, h)))


@document
def period_line_and_amount_in_usd() -> Doc:
    s = Lines(1)
    s.head("Revenue")
    rev = [s.item("Online Sales", [5_588_480]), s.item("Wholesale Revenue", [1_199_581]),
           s.item("Sales Returns and Allowances", [-228_594])]
    income = s.total("Total Revenue", *rev)
    s.head("Cost of Goods Sold")
    cost = [s.item("Merchandise Costs", [2_489_320]), s.item("Inbound Freight", [219_160])]
    cogs = s.total("Total Cost of Goods Sold", *cost)
    gross = s.total("Gross Profit", income, [-v for v in cogs])
    s.head("Expenses")
    parts = [s.item(label, [v]) for label, v in [
        ("Marketing", 657_427), ("Salaries", 1_078_655), ("Payroll Taxes", 86_292),
        ("Rent", 103_075), ("Insurance", 44_967), ("Software", 62_494), ("Professional Fees", 78_917)]]
    opex = s.total("Total Expenses", *parts)
    noi = s.total("Operating Income", gross, [-v for v in opex])
    interest = s.item("Interest Expense", [-52_325], indent=0)
    net = s.total("Net Income", noi, interest)
    page = Page(["Brightwater Outfitters Inc.", "Profit and Loss Statement", "Period : January-2024 to December-2024"],
                [["Amount in US$"]], rows_of(s))
    p = year(2024, "January-2024 to December-2024", **headline(s, 0, total_income=income, cost_of_goods_sold=cogs,
                                                                total_operating_expenses=opex,
                                                                net_operating_income=noi, net_income=net))
    return pdf("period_line_and_amount_in_usd",
               "management P&L: 'Period : January-2024 to December-2024', one column headed 'Amount in US$'",
               [page], Expect([p]))


# ================================================================ structure (pattern 3)

@document
def subtotals_named_like_headings() -> Doc:
    run = months_run((2024, 1), 3)
    s = Lines(3, scale=100)

    def item(_code: str, label: str, values: list[int]) -> list[int]:  # ledger codes are not printed here
        return s.item(label, values)

    s.head("Income")
    s.head("Rental Income")
    r = [item("41013", "Market Rent", [29_594_800, 29_598_874, 30_024_432]),
         item("41023", "Loss to Lease", [-2_222_905, -2_004_244, -2_281_318]),
         item("41103", "Vacancy Loss", [-1_516_118, -1_776_993, -1_289_883]),
         item("41203", "Concessions", [-225_477, -199_171, -257_956])]
    rental = s.total("Rental Income", *r)
    s.head("Other Income")
    o = [item("45003", "Late Fees", [198_098, 174_020, 216_136]),
         item("45103", "Pet Rent", [103_075, 104_686, 104_686]),
         item("45203", "Parking", [130_991, 130_991, 133_676])]
    other = s.total("Other Income", *o)
    income = s.total("Income", rental, other)
    s.head("Operating Expenses")
    groups = []
    for heading, accounts in [
        ("Payroll", [("51103", "Salaries", [3_349_991, 3_326_872, 3_376_647]),
                     ("51203", "Payroll Taxes", [301_929, 299_418, 303_898])]),
        ("Repairs & Maintenance", [("52103", "Plumbing", [152_807, 105_711, 188_993]),
                                   ("52203", "Painting", [95_452, 65_764, 112_067]),
                                   ("52303", "HVAC", [225_977, 58_313, 79_432])]),
        ("Utilities", [("53103", "Electric", [431_754, 416_859, 377_837]),
                       ("53203", "Water & Sewer", [553_310, 535_638, 540_760])]),
        ("Taxes & Insurance", [("54103", "Real Estate Taxes", [2_630_565, 2_630_565, 2_630_565]),
                               ("54203", "Property Insurance", [986_014, 986_014, 986_015])]),
    ]:
        s.head(heading)
        groups.append(s.total(heading, *[item(c, label, v) for c, label, v in accounts]))
    opex = s.total("Operating Expenses", *groups)
    noi = s.total("Net Operating Income", income, [-v for v in opex])
    s.head("Other Expenses")
    x = [item("71103", "Mortgage Interest", [6_661_342, 6_655_491, 6_649_617]),
         item("71203", "Depreciation", [4_412_907, 4_412_907, 4_412_907])]
    below = s.total("Other Expenses", *x)
    net = s.total("Net Income", noi, [-v for v in below])
    grid: list[list] = [[], ["Income Statement"], ["Willow Bend Apartments"], ["Accrual Basis"],
                        ["Jan 2024 - Mar 2024"], [], [None, "Jan 2024", "Feb 2024", "Mar 2024"]]
    grid += grid_rows(s, label_col=1, first_col=2, pad="  ")
    h = dict(total_income=income, total_operating_expenses=opex, net_operating_income=noi, net_income=net)
    return xlsx("subtotals_named_like_headings",
                "property sheet: subtotals labelled like their sections ('Rental Income', 'Income', 'Operating "
                "Expenses'), no 'Total'",
                [Sheet("Willow Bend", grid)], Expect(months_with_figures(run, s, h), cents=True))


@document
def account_codes_in_column_a() -> Doc:
    run = months_run((2024, 1), 3)
    s = Lines(3, scale=100)
    codes: dict[str, str] = {}

    def item(code: str, label: str, values: list[int]) -> list[int]:
        codes[label] = code
        return s.item(label, values)

    s.head("Income")
    inc = [item("41013", "Market Rent", [29_594_800, 29_598_874, 30_024_432]),
           item("41023", "Loss to Lease", [-2_222_905, -2_004_244, -2_281_318]),
           item("41103", "Vacancy Loss", [-1_516_118, -1_776_993, -1_289_883]),
           item("45003", "Late Fees", [198_098, 174_020, 216_136]),
           item("45103", "Pet Rent", [103_075, 104_686, 104_686])]
    income = s.total("Total Income", *inc)
    s.head("Operating Expenses")
    parts = [item(c, label, v) for c, label, v in [
        ("51103", "Salaries", [3_349_991, 3_326_872, 3_376_647]), ("52103", "Plumbing", [152_807, 105_711, 188_993]),
        ("53103", "Electric", [431_754, 416_859, 377_837]), ("53203", "Water & Sewer", [553_310, 535_638, 540_760]),
        ("54103", "Real Estate Taxes", [2_630_565, 2_630_565, 2_630_565]),
        ("54203", "Property Insurance", [986_014, 986_014, 986_015])]]
    opex = s.total("Total Operating Expenses", *parts)
    noi = s.total("Net Operating Income", income, [-v for v in opex])
    grid: list[list] = [[], ["Income Statement"], ["Aster Glen Apartments"], ["Accrual Basis"],
                        ["Jan 2024 - Mar 2024"], [], ["Account", "Account Name", "Jan 2024", "Feb 2024", "Mar 2024"]]
    for line in s.rows:
        values = [] if line.values is None else [v / 100 for v in line.values]
        grid.append([codes[line.label], line.label, *values] if line.label in codes else [line.label, None, *values])
    h = dict(total_income=income, total_operating_expenses=opex, net_operating_income=noi)
    return xlsx("account_codes_in_column_a",
                "property sheet: 'Account' codes in column A, 'Account Name' labels in B, totals labelled in A",
                [Sheet("Aster Glen", grid)], Expect(months_with_figures(run, s, h), cents=True))


@document
def nested_income_subtotals() -> Doc:
    s = Lines(2)
    s.head("RENTAL INCOME")
    rental = s.total("Total Rental Income", s.item("Gross Potential Rent", [2_042_177, 1_980_332]),
                     s.item("Vacancy Loss", [-102_109, -118_820]), s.item("Concessions", [-13_314, -19_595]))
    s.head("OTHER INCOME")
    other = s.total("Total Other Income", s.item("Laundry Income", [15_255, 14_661]),
                    s.item("Late Fees", [10_028, 10_860]), s.item("Parking", [23_192, 21_903]))
    income = s.total("Effective Gross Income", rental, other)
    s.head("OPERATING EXPENSES")
    parts = [s.item(label, v) for label, v in [
        ("Payroll", [259_084, 247_078]), ("Repairs & Maintenance", [94_917, 98_061]), ("Utilities", [142_711, 136_794]),
        ("Insurance", [65_710, 59_912]), ("Real Estate Taxes", [219_572, 212_861]),
        ("Management Fees", [59_797, 56_560])]]
    opex = s.total("Total Operating Expenses", *parts)
    noi = s.total("Net Operating Income", income, [-v for v in opex])
    page = Page(["Fernhill Court", "Operating Statement", "Years Ended December 31, 2024 and 2023"], ONE_LINE_YEARS,
                rows_of(s))
    h = dict(total_income=income, total_operating_expenses=opex, net_operating_income=noi)
    return pdf("nested_income_subtotals",
               "property statement: 'Total Rental Income' and 'Total Other Income' inside 'Effective Gross Income'",
               [page], Expect([year(2024, **headline(s, 0, **h)), year(2023, **headline(s, 1, **h))]))


@document
def net_rental_income_and_total_net_income() -> Doc:
    s = Lines(2)
    s.head("RENTAL INCOME")
    r = [s.item("Gross Potential Rent", [3_118_025, 3_020_103]), s.item("Loss to Lease", [-65_947, -51_865]),
         s.item("Vacancy Loss", [-187_081, -211_407]), s.item("Concessions", [-24_158, -34_090]),
         s.item("Bad Debt", [-15_977, -20_626])]
    rental = s.total("Net Rental Income", *r)
    s.head("OTHER INCOME")
    o = [s.item("Late Fees", [22_913, 21_340]), s.item("Application Fees", [9_288, 9_771]),
         s.item("Utility Reimbursements", [126_916, 117_438]), s.item("Pet Fees", [13_529, 12_240])]
    other = s.total("Total Other Income", *o)
    income = s.total("TOTAL INCOME", rental, other)
    s.head("OPERATING EXPENSES")
    parts = [s.item(label, v) for label, v in [
        ("Payroll", [416_724, 398_991]), ("Repairs & Maintenance", [152_794, 138_454]),
        ("Make Ready", [55_704, 50_695]), ("Utilities", [216_289, 208_090]), ("Insurance", [103_612, 90_406]),
        ("Real Estate Taxes", [324_381, 318_331]), ("Management Fees", [86_403, 82_587]),
        ("Marketing", [19_745, 23_733]), ("Administrative", [36_205, 33_356])]]
    opex = s.total("TOTAL OPERATING EXPENSES", *parts)
    noi = s.total("NET OPERATING INCOME", income, [-v for v in opex])
    s.head("NON-OPERATING EXPENSES")
    x = [s.item("Mortgage Interest", [863_486, 880_069]), s.item("Depreciation", [549_734, 549_734]),
         s.item("Amortization", [19_756, 19_756])]
    below = s.total("TOTAL NON-OPERATING EXPENSES", *x)
    net = s.total("TOTAL NET INCOME", noi, [-v for v in below])
    page = Page(["Lakeshore Commons", "Income Statement", "Years Ended December 31, 2024 and 2023"], ONE_LINE_YEARS,
                rows_of(s))
    h = dict(total_income=income, total_operating_expenses=opex, net_operating_income=noi, net_income=net)
    return pdf("net_rental_income_and_total_net_income",
               "property statement (Entrata/Yardi wording): 'Net Rental Income' subtotal, 'TOTAL NET INCOME'",
               [page], Expect([year(2024, **headline(s, 0, **h)), year(2023, **headline(s, 1, **h))]))


def long_chart(n_months: int, *, early_income: bool, duplicate: str | None, zeros: int) -> tuple[
        list[list], Lines, dict[str, list[int]]]:
    """A property ledger's long chart of accounts: account codes in column A, indented labels in B, a blank
    row after each total, accounts without activity printed as zeros; months plus a total column. Its
    bottom line is NET INCOME, or with `duplicate` two TOTAL NET INCOME rows of which only one ties."""
    n = n_months
    s = Lines(n + 1, scale=100)
    codes: dict[int, str] = {}
    counter = [30100]

    def acct(label: str, base: int, step: int = 0, seed: int = 3, sign: int = 1) -> list[int]:
        counter[0] += 10
        months = [sign * v for v in wave(base, n, step, seed)] if base else [0] * n
        codes[len(s.rows)] = str(counter[0])
        return s.item(label, [*months, sum(months)], indent=2)

    def total(label: str, *parts: list[int]) -> list[int]:
        codes[len(s.rows)] = str(counter[0] + 9)
        return s.total(label, *parts, indent=1)

    def zero_accounts(prefix: str) -> list[list[int]]:
        return [acct(f"{prefix} - Other {i + 1}", 0) for i in range(zeros)]

    for heading in ("NET INCOME", "OPERATING INCOME", "REVENUE"):  # the ledger's top levels, printed as headings
        s.head(heading, indent=1)
    s.head("RENTAL INCOME", indent=1)
    rental = total("TOTAL RENTAL INCOME", acct("Market Rent", 44_257_914, 37_580),
                   acct("Loss to Lease", 979_698, 11_832, 5, -1), acct("Vacancy", 2_489_771, 150_909, 4, -1),
                   acct("Concessions", 323_398, 30_064, 2, -1), acct("Bad Debt", 127_142, 22_870, 6, -1),
                   acct("Employee Rent Discount", 0), *zero_accounts("Rental Income"))
    s.head("OTHER TENANT INCOME", indent=1)
    tenant = total("TOTAL OTHER TENANT INCOME", acct("Late Fees", 230_309, 19_649),
                   acct("NSF Fees", 12_884, 2_684, 2), acct("Application Fees", 66_033, 8_053, 4),
                   acct("Pet Fees", 106_028, 3_490, 6), acct("Water Reimbursement", 1_505_556, 22_981),
                   acct("Trash Reimbursement", 342_403, 4_424, 5), *zero_accounts("Tenant Income"))
    revenue_parts = [rental, tenant]
    if early_income:
        s.head("INCOME", indent=1)  # a small miscellaneous section that also calls itself income
        revenue_parts.append(total("TOTAL INCOME", acct("Interest Income", 4_740, 310),
                                   acct("Insurance Proceeds", 0), acct("Other Income", 27_412, 1_288, 5),
                                   *zero_accounts("Miscellaneous Income")))
    income = total("TOTAL REVENUE", *revenue_parts)
    s.head("OPERATING EXPENSES", indent=1)
    groups = []
    for heading, accounts in [
        ("PAYROLL", [("Salaries - Office", 4_737_164, 23_621), ("Salaries - Maintenance", 4_207_240, 33_499),
                     ("Payroll Taxes", 753_864, 5_261), ("Health Insurance", 656_353, 0)]),
        ("REPAIRS & MAINTENANCE", [("Plumbing Repairs", 341_909, 98_941), ("Electrical Repairs", 151_612, 41_660),
                                   ("Appliance Repairs", 104_009, 44_559), ("HVAC Repairs", 240_713, 127_019)]),
        ("TURNOVER", [("Painting", 223_759, 65_496), ("Carpet Cleaning", 78_004, 19_756)]),
        ("UTILITIES", [("Electricity", 872_199, 111_794), ("Water & Sewer", 1_733_048, 71_197),
                       ("Trash Removal", 309_226, 0)]),
        ("ADMINISTRATIVE", [("Office Supplies", 44_301, 9_996), ("Telephone", 41_767, 1_288),
                            ("Software", 133_676, 0)]),
        ("TAXES", [("Real Estate Taxes", 6_475_753, 0)]), ("INSURANCE", [("Property Insurance", 2_268_191, 0)]),
        ("MANAGEMENT FEES", [("Property Management Fees", 1_385_180, 12_670)]),
    ]:
        s.head(heading, indent=1)
        accts = [acct(label, base, step) for label, base, step in accounts]
        groups.append(total(f"TOTAL {heading}", *accts, *zero_accounts(heading.title())))
    opex = total("TOTAL OPERATING EXPENSES", *groups)
    noi = total("NET OPERATING INCOME", income, [-v for v in opex])
    s.head("NON-OPERATING EXPENSES", indent=1)
    below = total("TOTAL NON-OPERATING EXPENSES", acct("Mortgage Interest", 15_678_704, 9_878),
                  acct("Depreciation Expense", 9_786_776), acct("Amortization Expense", 931_396),
                  acct("Loan Fee Amortization", 44_236),
                  *[acct(label, 0) for label in ["Interest Expense - 2nd Mortgage", "Mortgage Insurance Premium",
                                                 "Depreciation - Other"][:zeros]])
    net = minus(noi, below)
    other = minus(net, [1_342_125 + 39_727 * i for i in range(n)] + [0])
    other[-1] = sum(other[:-1])
    bottom = "TOTAL NET INCOME" if duplicate else "NET INCOME"
    for values in {"first ties": [net, other], "last ties": [other, net]}.get(duplicate or "", [net]):
        codes[len(s.rows)] = "39999"
        s.item(bottom, values, indent=1)
    grid: list[list] = []
    for i, row in enumerate(grid_rows(s, label_col=2, first_col=3, pad="    ")):
        row[0] = codes.get(i)
        row[1] = " " + row[1].lstrip(" ") if s.rows[i].indent < 2 else row[1]
        grid.append(row)
        if s.rows[i].label.startswith("TOTAL"):
            grid.append([])
    return grid, s, dict(total_income=income, total_operating_expenses=opex, net_operating_income=noi,
                         net_income=net)


def ytd_periods(run: list[tuple[int, int]], s: Lines, h: dict[str, list[int]]) -> list[Period]:
    (y0, m0), (y1, m1) = run[0], run[-1]
    total = Period("Total", f"{y0}-{m0:02d}-01", month(y1, m1).end, len(run), None, headline(s, len(run), **h))
    return [*months_with_figures(run, s, h), total]


def ledger_sheet(name: str, about: str, title: str, *, early_income: bool, duplicate: str | None, zeros: int
                 ) -> Doc:
    run = months_run((2025, 1), 3)
    grid, s, h = long_chart(3, early_income=early_income, duplicate=duplicate, zeros=zeros)
    top: list[list] = [[title], ["Income Statement"], ["Period: Jan 2025 through Mar 2025"], [],
                       [None, None, "Jan 2025", "Feb 2025", "Mar 2025", "Total"], []]
    return xlsx(name, about, [Sheet(title[:28], top + grid)],
                Expect(ytd_periods(run, s, h), cents=True,
                       status=("extracted",) if duplicate is None else ("extracted", "needs_review")))


@document
def long_chart_with_early_total_income() -> Doc:
    return ledger_sheet("long_chart_with_early_total_income",
                        "long property ledger (~110 rows): a small 'TOTAL INCOME' section before 'TOTAL REVENUE'",
                        "Bramblewood Village", early_income=True, duplicate=None, zeros=3)


@document
def duplicated_total_net_income_first_ties() -> Doc:
    return ledger_sheet("duplicated_total_net_income_first_ties",
                        "property ledger ending in two 'TOTAL NET INCOME' rows; the first ties (NOI - non-operating)",
                        "Ostrander Park", early_income=False, duplicate="first ties", zeros=1)


@document
def duplicated_total_net_income_last_ties() -> Doc:
    return ledger_sheet("duplicated_total_net_income_last_ties",
                        "property ledger ending in two 'TOTAL NET INCOME' rows; the second ties (NOI - non-operating)",
                        "Ostrander Park", early_income=False, duplicate="last ties", zeros=1)


@document
def depreciation_interest_below_ebitda() -> Doc:
    s = Lines(2)
    s.head("Revenue")
    rev = [s.item("Equipment Sales", [7_959_130, 7_412_948]), s.item("Subscription Revenue", [416_853, 216_780]),
           s.item("Sales Returns and Allowances", [-431_817, -405_648])]
    income = s.total("Total Revenue", *rev)
    s.head("Cost of Goods Sold")
    cost = [s.item("Product Costs", [2_796_041, 2_673_843]), s.item("Fulfillment Fees", [763_884, 734_434]),
            s.item("Shipping Costs", [210_768, 202_301])]
    cogs = s.total("Total Cost of Goods Sold", *cost)
    gross = s.total("Gross Profit", income, [-v for v in cogs])
    s.head("Expenses")
    parts = [s.item(label, v) for label, v in [
        ("Advertising", [968_923, 930_071]), ("Salaries and Wages", [1_332_333, 1_200_880]),
        ("Payroll Taxes", [106_586, 96_070]), ("Software", [98_072, 83_335]), ("Rent", [154_613, 141_728]),
        ("Insurance", [127_684, 117_355]), ("Professional Fees", [90_728, 103_290]), ("Travel", [67_770, 52_508])]]
    opex = s.total("Total Expenses", *parts)
    ebitda = s.total("EBITDA", gross, [-v for v in opex])
    s.head("Other Expenses")
    x = [s.item("Amortization", [550_089, 534_810]), s.item("Depreciation", [86_342, 82_664]),
         s.item("Interest Expense", [183_826, 167_240])]
    other = s.total("Total Other Expenses", *x)
    net = s.total("Net Income", ebitda, [-v for v in other])
    page = Page(["Cascade Fitness Brands, Inc.", "Profit and Loss Statement",
                 "For the Years Ended December 31, 2024 and 2023"], ONE_LINE_YEARS, rows_of(s))
    h = dict(total_income=income, cost_of_goods_sold=cogs, total_operating_expenses=opex,
             net_operating_income=ebitda, net_income=net)
    return pdf("depreciation_interest_below_ebitda",
               "P&L with EBITDA, then 'Other Expenses' (amortization, depreciation, interest) below it",
               [page], Expect([year(2024, **headline(s, 0, **h)), year(2023, **headline(s, 1, **h))]))


@document
def cash_flow_row_after_net_income() -> Doc:
    run = months_run((2024, 4), 3)
    s = Lines(3, scale=100)
    codes: dict[int, str] = {}

    def item(code: str, label: str, values: list[int], indent: int = 4) -> list[int]:
        codes[len(s.rows)] = code
        return s.item(label, values, indent=indent)

    def total(code: str, label: str, *parts: list[int], indent: int = 6) -> list[int]:
        codes[len(s.rows)] = code
        return s.total(label, *parts, indent=indent)

    s.head("REVENUE", indent=2)
    r = [item("4.000", "Rent Income", [51_795_288, 51_876_352, 51_969_496]),
         item("4.010", "Vacancy", [-3_350_416, -3_011_100, -2_804_397]),
         item("4.020", "Concessions", [-442_364, -417_401, -311_507]),
         item("4.100", "Utility Reimbursement", [1_965_104, 2_053_389, 2_151_821]),
         item("4.110", "Late Charges", [241_046, 212_593, 248_830])]
    income = total("4.999", "TOTAL REVENUE", *r)
    s.head("EXPENSES", indent=2)
    parts = [item(code, label, v) for code, label, v in [
        ("5.010", "Payroll", [6_668_106, 6_655_147, 6_769_807]),
        ("5.110", "Repairs & Maintenance", [2_045_633, 2_588_331, 1_860_819]),
        ("5.210", "Utilities", [3_563_400, 3_233_203, 3_658_005]),
        ("5.310", "Management Fees", [1_516_333, 1_524_514, 1_543_998]),
        ("5.410", "Real Estate Taxes", [4_728_754, 4_728_754, 4_728_753]),
        ("5.520", "Insurance", [2_442_594, 2_442_594, 2_442_594])]]
    opex = total("6.500", "TOTAL EXPENSES", *parts)
    noi = total("6.700", "NET OPERATING INCOME/(LOSS)", income, [-v for v in opex])
    s.head("DEBT SERVICE", indent=2)
    interest = item("6.801", "Mortgage Interest - First Lien", [14_945_153, 14_913_820, 14_884_102])
    debt = total("6.810", "TOTAL DEBT SERVICE", interest)
    s.head("DEPRECIATION & AMORTIZATION", indent=2)
    dep = item("7.805", "Depreciation Expense", [16_896_718, 16_896_718, 16_896_718])
    depr = total("7.811", "TOTAL DEPRECIATION & AMORTIZATION", dep)
    net = total("8.000", "NET INCOME/(LOSS)", noi, [-v for v in debt], [-v for v in depr])
    s.head("CAPITAL EXPENDITURES", indent=2)
    c = [item("1.810", "Capital Improvements - Roofs", [0, 5_166_644, 0]),
         item("1.820", "Capital Improvements - Flooring", [656_933, 431_858, 787_139])]
    capex = total("1.899", "TOTAL CAPITAL EXPENDITURES", *c)
    principal = item("2.310", "Mortgage Principal - First Lien", [2_259_301, 2_268_352, 2_277_439], indent=2)
    total("9.999", "CASH FLOW", net, depr, [-v for v in capex], [-v for v in principal])
    grid: list[list] = [["Foxglove Terrace"], ["12 Month Statement"], ["Period: April - June 2024"],
                        ["Basis: Accrual"], [None, None, "Apr 2024", "May 2024", "Jun 2024"]]
    for i, row in enumerate(grid_rows(s, label_col=2, first_col=3, pad="  ")):
        row[0] = codes.get(i)
        grid.append(row)
    h = dict(total_income=income, total_operating_expenses=opex, net_operating_income=noi, net_income=net)
    return xlsx("cash_flow_row_after_net_income",
                "property sheet: NET INCOME/(LOSS) after debt service and depreciation, then capex and 'CASH FLOW'",
                [Sheet("Foxglove", grid)], Expect(months_with_figures(run, s, h), cents=True))


@document
def operating_expenses_itemized_in_parentheses() -> Doc:
    s = Lines(2)
    income = s.item("Service revenue", [56_281_529, 66_467_656], indent=0, prefix="$ ")
    cost = s.item("Cost of sales", [47_353_300, 49_624_621], indent=0, note="11")
    gross = s.total("GROSS PROFIT", income, [-v for v in cost])
    s.head("OPERATING EXPENSES", note="12")
    parts = [s.item(label, v, flip=True) for label, v in [
        ("Salaries and employee benefits", [5_480_401, 5_347_149]), ("Rent", [1_546_128, 1_481_706]),
        ("Transportation and travel", [865_757, 981_585]), ("Depreciation", [657_620, 642_905]),
        ("Utilities", [342_407, 318_258]), ("Others", [431_754, 405_757])]]
    opex = s.total("Total operating expenses", *parts, flip=True)
    noi = s.total("Operating income (loss)", gross, [-v for v in opex])
    interest = s.item("Interest expense", [-230_100, -202_307], indent=0, note="13")
    before = s.total("Income (loss) before income taxes", noi, interest)
    tax = s.item("Income tax expense", [48_542, round(before[1] * 0.25)], indent=0, note="15")
    net = s.total("NET INCOME (LOSS)", before, [-v for v in tax], prefix="$ ")
    assert noi[0] < 0 < noi[1], "generator: 2024 is a loss year"
    page = Page(["Redfern Marine Services Corp.", "STATEMENTS OF INCOME", "Years Ended December 31"], ONE_LINE_YEARS,
                rows_of(s), note_column=True, center_titles=True)
    h = dict(total_income=income, cost_of_goods_sold=cost, total_operating_expenses=opex, net_operating_income=noi,
             net_income=net)
    return pdf("operating_expenses_itemized_in_parentheses",
               "audited statement: each operating expense and their total printed in parentheses, a loss year",
               [page], Expect([year(2024, **headline(s, 0, **h)), year(2023, **headline(s, 1, **h))]))


@document
def operating_expenses_as_one_line_in_parentheses() -> Doc:
    s = Lines(2)
    income = s.item("REVENUE FROM SERVICES", [33_503_861, 29_973_023], indent=0, prefix="$ ")
    cost = s.item("DIRECT COSTS", [26_713_983, 22_980_312], indent=0, note="11")
    gross = s.total("GROSS PROFIT", income, [-v for v in cost])
    opex = s.item("GENERAL AND ADMINISTRATIVE EXPENSES", [5_280_719, 4_726_841], indent=0, note="12", flip=True)
    noi = s.total("OPERATING INCOME (LOSS)", gross, [-v for v in opex])
    other = s.item("OTHER INCOME (EXPENSES) - Net", [-341_920, 103_322], indent=0, note="13")
    before = s.total("INCOME (LOSS) BEFORE TAX", noi, other)
    s.head("INCOME TAX EXPENSE", note="15")
    current = s.item("Current", [223_454, 335_966])
    deferred = s.item("Deferred", [69_039, 258_888])
    tax = s.total("", current, deferred)  # the subtotal prints without a label
    net = s.total("NET INCOME (LOSS) FOR THE YEAR", before, [-v for v in tax], prefix="$ ")
    page = Page(["Pasig Riverside Staffing Corp.", "STATEMENTS OF INCOME", "Years Ended December 31"], ONE_LINE_YEARS,
                rows_of(s), note_column=True, center_titles=True)
    h = dict(total_income=income, cost_of_goods_sold=cost, total_operating_expenses=opex, net_operating_income=noi,
             net_income=net)
    return pdf("operating_expenses_as_one_line_in_parentheses",
               "audited statement in capitals: expenses as one line in parentheses, tax as Current/Deferred and "
               "an unlabelled subtotal",
               [page], Expect([year(2024, **headline(s, 0, **h)), year(2023, **headline(s, 1, **h))]))


# ================================================================ currency and amounts (pattern 4)

def small_pnl(name: str, about: str, titles: list[str], *, prefix: str = "", currency: str = "USD",
              scale: int = 1, thousands: bool = False, k: float = 1.0, first_row_prefix: bool = True) -> Doc:
    """A one-page two-year statement whose only currency clue is `titles` or `prefix` (on the first row,
    unless `first_row_prefix` is False, and on the totals)."""
    s = Lines(2, scale=scale)

    def v(a: int, b: int) -> list[int]:
        return [round(a * k) * scale + (37 if scale > 1 else 0), round(b * k) * scale + (81 if scale > 1 else 0)]

    income = s.item("Revenue", v(18_574_321, 17_054_780), indent=0, prefix=prefix if first_row_prefix else "")
    cost = s.item("Cost of sales", v(12_674_197, 11_722_123), indent=0)
    gross = s.total("Gross profit", income, [-x for x in cost])
    s.head("Operating expenses")
    parts = [s.item("Salaries and wages", v(2_260_010, 2_145_698)), s.item("Rent", v(773_064, 740_853)),
             s.item("Utilities", v(230_101, 216_839)), s.item("Other operating expenses", v(499_412, 471_107))]
    opex = s.total("Total operating expenses", *parts, prefix=prefix)
    noi = s.total("Operating income", gross, [-x for x in opex])
    tax = s.item("Income tax expense", [round(x * 0.25) for x in noi], indent=0)
    net = s.total("Net income", noi, [-x for x in tax], prefix=prefix)
    page = Page(titles, ONE_LINE_YEARS, rows_of(s))
    unit = 1000 if thousands else 1
    h = dict(total_income=income, cost_of_goods_sold=cost, total_operating_expenses=opex, net_operating_income=noi,
             net_income=net)
    periods = [year(2024, **{f: x * unit for f, x in headline(s, 0, **h).items()}),
               year(2023, **{f: x * unit for f, x in headline(s, 1, **h).items()})]
    return pdf(name, about, [page], Expect(periods, currency=currency, multiplier=unit, cents=scale > 1))


YEARS_ENDED = "For the Years Ended December 31, 2024 and 2023"


@document
def peso_prefix_p_equals() -> Doc:
    return small_pnl("peso_prefix_p_equals", "statement with 'P=17,299,358' amounts (a text layer's peso sign), "
                     "no currency word", ["Bayanihan Logistics Corp.", "STATEMENTS OF INCOME", YEARS_ENDED],
                     prefix="P=", currency="PHP")


@document
def peso_prefix_p_space() -> Doc:
    return small_pnl("peso_prefix_p_space", "statement with 'P 3,504,619' amounts and 'Amounts in Philippine Peso'",
                     ["Malabon Cold Storage, Inc.", "STATEMENTS OF INCOME", YEARS_ENDED,
                      "Amounts in Philippine Peso"], prefix="P ", currency="PHP", k=0.2)


@document
def peso_sign() -> Doc:
    return small_pnl("peso_sign", "statement with '₱' amounts, no currency word",
                     ["Cordillera Coffee Roasters, Inc.", "STATEMENTS OF INCOME", YEARS_ENDED],
                     prefix="\u20b1", currency="PHP", k=0.6)


@document
def php_word() -> Doc:
    return small_pnl("php_word", "statement titled '(Amounts in Php)', plain figures",
                     ["Visayas Harbor Services Co.", "STATEMENTS OF INCOME", YEARS_ENDED, "(Amounts in Php)"],
                     currency="PHP", k=0.8)


@document
def rmb_word() -> Doc:
    return small_pnl("rmb_word", "statement titled '(Unit: RMB)', figures with cents",
                     ["Jinhai Precision Parts Co., Ltd.", "Income Statement", YEARS_ENDED, "(Unit: RMB)"],
                     currency="CNY", scale=100, k=0.5)


@document
def yuan_sign() -> Doc:
    return small_pnl("yuan_sign", "statement with '¥' amounts and cents, no currency word",
                     ["Hangzhou Lakeside Textiles Co., Ltd.", "Income Statement", YEARS_ENDED],
                     prefix="\u00a5", currency="CNY", scale=100, k=0.7)


@document
def euro_sign() -> Doc:
    return small_pnl("euro_sign", "statement with '€' amounts, no currency word",
                     ["Vandermeer Tuinbouw B.V.", "Income Statement", YEARS_ENDED], prefix="\u20ac", currency="EUR",
                     k=0.3)


@document
def pound_sign() -> Doc:
    return small_pnl("pound_sign", "statement with '£' amounts, no currency word",
                     ["Ashby & Corran Ltd", "Profit and Loss Account", YEARS_ENDED], prefix="\u00a3", currency="GBP",
                     k=0.25)


@document
def dollar_space_cents() -> Doc:
    return small_pnl("dollar_space_cents", "statement with '$ 1,234.56' amounts (a space after the sign, cents)",
                     ["Mesa Verde Dental Group PLLC", "Profit and Loss", YEARS_ENDED], prefix="$ ", scale=100, k=0.1)


@document
def in_thousands_of_euros() -> Doc:
    return small_pnl("in_thousands_of_euros",
                     "statement '(in thousands of euros)', '€' on its totals: every figure x1000",
                     ["Nordhafen Maschinenbau GmbH", "Income Statement", YEARS_ENDED, "(in thousands of euros)"],
                     prefix="\u20ac", currency="EUR", thousands=True, k=0.001, first_row_prefix=False)


@document
def cny_word_in_sheet() -> Doc:
    s = Lines(2, scale=100)
    income = s.item("Revenue", [872_332_954, 816_139_166], indent=0)
    cost = s.item("Cost of sales", [645_648_966, 608_145_951], indent=0)
    gross = s.total("Gross profit", income, [-v for v in cost])
    parts = [s.item("Selling and marketing expenses", [44_258_255, 42_738_781]),
             s.item("Administrative expenses", [67_770_767, 64_896_994])]
    opex = s.total("Total operating expenses", *parts)
    noi = s.total("Operating profit", gross, [-v for v in opex])
    tax = s.item("Income tax expense", [round(v * 0.25) for v in noi], indent=0)
    net = s.total("Net profit", noi, [-v for v in tax])
    grid: list[list] = [["Qingshan Valve Manufacturing Co., Ltd."], ["Income Statement"], ["Currency: CNY"], [],
                        ["Item", "2024", "2023"]]
    grid += grid_rows(s, label_col=1, first_col=2, pad="  ")
    h = dict(total_income=income, cost_of_goods_sold=cost, total_operating_expenses=opex, net_operating_income=noi,
             net_income=net)
    return xlsx("cny_word_in_sheet", "annual sheet with a 'Currency: CNY' title row, figures with cents",
                [Sheet("Income Statement", grid)],
                Expect([year(2024, **headline(s, 0, **h)), year(2023, **headline(s, 1, **h))], currency="CNY",
                       cents=True))


# ================================================================ review (pattern 5)

@document
def clean_statement_ties_everywhere() -> Doc:
    s = Lines(2)
    s.head("REVENUE")
    rev = [s.item("Sales", [2_588_154, 2_378_568]), s.item("Service revenue", [341_651, 312_178])]
    income = s.total("Total Revenue", *rev)
    cogs = s.item("Cost of Goods Sold", [1_506_272, 1_408_057], indent=0)
    gross = s.total("Gross Profit", income, [-v for v in cogs])
    s.head("OPERATING EXPENSES")
    parts = [s.item(label, v) for label, v in [("Salaries and wages", [550_057, 524_127]),
                                               ("Rent", [103_075, 103_075]), ("Utilities", [26_641, 25_667]),
                                               ("Insurance", [19_810, 18_468]), ("Advertising", [34_111, 30_509])]]
    opex = s.total("Total Operating Expenses", *parts)
    noi = s.total("Operating Income", gross, [-v for v in opex])
    interest = s.item("Interest Expense", [-23_737, -27_208], indent=0)
    net = s.total("Net Income", noi, interest)
    page = Page(["Copperfield Print & Sign LLC", "Income Statement", YEARS_ENDED], ONE_LINE_YEARS, rows_of(s))
    h = dict(total_income=income, cost_of_goods_sold=cogs, total_operating_expenses=opex, net_operating_income=noi,
             net_income=net)
    return pdf("clean_statement_ties_everywhere", "plain two-year P&L where every total ties",
               [page], Expect([year(2024, **headline(s, 0, **h)), year(2023, **headline(s, 1, **h))]))


@document
def printed_total_does_not_tie() -> Doc:
    s = Lines(2)
    s.head("REVENUE")
    rev = [s.item("Sales", [1_937_277, 1_828_457]), s.item("Installation revenue", [236_654, 213_425])]
    income = s.total("Total Revenue", *rev)
    s.head("OPERATING EXPENSES")
    parts = [s.item(label, v) for label, v in [("Salaries and wages", [648_641, 619_849]),
                                               ("Rent", [128_844, 122_402]), ("Utilities", [32_659, 30_929]),
                                               ("Vehicle expenses", [48_241, 44_245])]]
    opex = plus(*parts)
    printed = [opex[0], opex[1] + 90]  # 2023's printed total is 90 more than its rows: a typo in the source
    s.item("Total Operating Expenses", printed, indent=0)
    noi = s.total("Operating Income", income, [-v for v in printed])
    page = Page(["Ridgeback Fence & Deck Co.", "Income Statement", YEARS_ENDED], ONE_LINE_YEARS, rows_of(s))
    p2024 = year(2024, **headline(s, 0, total_income=income, total_operating_expenses=opex, net_operating_income=noi))
    return pdf("printed_total_does_not_tie",
               "two-year P&L whose 2023 'Total Operating Expenses' is 90 more than its rows",
               [page], Expect([p2024, year(2023)], status=("needs_review",),
                              untied=(("Total Operating Expenses", "2023"),)))


@document
def noi_does_not_tie_in_one_month() -> Doc:
    run = months_run((2024, 1), 3)
    s = Lines(3)
    s.head("INCOME")
    inc = [s.item("Rental Income", [90_406, 90_889, 91_275]), s.item("Other Income", [2_480, 2_196, 2_697])]
    income = s.total("Total Income", *inc)
    s.head("EXPENSES")
    parts = [s.item(label, v) for label, v in [("Payroll", [13_314, 13_314, 13_582]),
                                               ("Repairs & Maintenance", [4_421, 7_411, 3_626]),
                                               ("Utilities", [7_747, 7_344, 6_569]),
                                               ("Real Estate Taxes", [10_200, 10_200, 10_200])]]
    opex = s.total("Total Expenses", *parts)
    noi = minus(income, opex)
    printed = [noi[0], noi[1] + 1000, noi[2]]  # February's NOI is 1,000 off: it does not tie
    s.item("Net Operating Income", printed, indent=0)
    grid: list[list] = [["Sable Run Townhomes"], ["Operating Statement"], ["January - March 2024"], [],
                        [None, "Jan 2024", "Feb 2024", "Mar 2024"]]
    grid += grid_rows(s, label_col=1, first_col=2, pad="  ")
    h = dict(total_income=income, total_operating_expenses=opex, net_operating_income=noi)
    periods = months_with_figures(run, s, h)
    periods[1].figures = {}
    return xlsx("noi_does_not_tie_in_one_month",
                "three-month property sheet whose February 'Net Operating Income' is 1,000 off income - expenses",
                [Sheet("Sable Run", grid)],
                Expect(periods, status=("needs_review",), untied=(("Net Operating Income", "2024-02"),)))


@document
def total_income_would_be_a_guess() -> Doc:
    s = Lines(2)
    s.head("INCOME")
    s.item("Product sales", [979_644, 930_055])
    s.item("Sales returns and allowances", [44_430, 41_769])  # printed positive: added or deducted? not said
    s.item("Service revenue", [129_488, 120_093])
    s.head("EXPENSES")
    parts = [s.item(label, v) for label, v in [("Salaries and wages", [323_420, 309_730]),
                                               ("Rent", [64_422, 64_422]), ("Utilities", [15_360, 14_903])]]
    opex = s.total("Total Expenses", *parts)
    page = Page(["Tidewater Bait & Tackle", "Income Statement", YEARS_ENDED], ONE_LINE_YEARS, rows_of(s))
    periods = [year(2024, total_operating_expenses=opex[0]), year(2023, total_operating_expenses=opex[1])]
    return pdf("total_income_would_be_a_guess",
               "P&L with income rows but no total income, NOI or net income (returns printed positive)",
               [page], Expect(periods, status=("needs_review",)))
