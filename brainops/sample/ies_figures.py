"""Plausible figures for a funding applicant's statement: a rental property's operating statement or
a roofing contractor's P&L, with the label wording, seasonality and growth real ones show."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from brainops.sample.ies_model import SECTION_OF, Period, Row, Statement

FLAT = [1.0] * 12
ROOFING_SEASON = [0.45, 0.5, 0.75, 1.0, 1.25, 1.35, 1.35, 1.3, 1.25, 1.15, 0.9, 0.55]
UTILITY_SEASON = [1.3, 1.25, 1.1, 0.9, 0.8, 0.9, 1.1, 1.15, 0.9, 0.85, 1.0, 1.25]
SNOW_SEASON = [3.0, 3.0, 1.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.3, 1.7, 2.0]

LABELS: dict[str, list[str]] = {
    "gross_potential_rent": ["Gross Potential Rent", "Scheduled Rents", "GPR", "Gross Scheduled Rent",
                             "Potential Rental Income", "Rental Income - Gross Potential", "Gross Rents"],
    "vacancy_credit_loss": ["Vacancy", "Vacancy & Credit Loss", "Vacancy Loss", "Physical Vacancy",
                            "Vacancy and Collection Loss"],
    "concessions": ["Concessions", "Rent Concessions", "Free Rent", "Move-In Specials"],
    "total_income": ["Effective Gross Income", "Total Income", "Total Revenue", "EGI", "Total Operating Income"],
    "payroll": ["Payroll", "Salaries & Wages", "Payroll & Benefits", "On-Site Payroll", "Personnel"],
    "repairs_maintenance": ["Repairs & Maintenance", "Repairs & Maint.", "R&M", "Maintenance & Repairs"],
    "utilities": ["Utilities", "Utilities - Common Area", "Utility Expense"],
    "insurance": ["Insurance", "Property Insurance", "Insurance - Property & Liability"],
    "property_taxes": ["Real Estate Taxes", "Property Taxes", "RE Taxes", "Taxes - Real Estate"],
    "management_fees": ["Management Fees", "Property Management", "Mgmt. Fees", "Management Fee"],
    "professional_fees": ["Professional Fees", "Legal & Accounting", "Legal & Professional", "Accounting & Legal"],
    "marketing": ["Marketing", "Advertising", "Advertising & Promotion", "Leasing & Marketing"],
    "general_administrative": ["General & Administrative", "G&A", "Administrative", "Office & Administrative"],
    "other_operating_expenses": ["Other Operating Expenses", "Miscellaneous", "Other Expenses", "Misc. Operating"],
    "total_operating_expenses": ["Total Operating Expenses", "Total Expenses", "Total OpEx", "Total Operating Exp."],
    "net_operating_income": ["Net Operating Income", "NOI", "Net Operating Income (NOI)"],
    "debt_service": ["Debt Service", "Mortgage Payments (P&I)", "Annual Debt Service", "Loan Payments - P&I"],
    "interest_expense": ["Interest Expense", "Mortgage Interest", "Interest"],
    "depreciation_amortization": ["Depreciation", "Depreciation & Amortization", "D&A", "Depreciation Expense"],
    "capital_expenditures": ["Capital Expenditures", "CapEx", "Capital Improvements"],
    "replacement_reserves": ["Replacement Reserves", "Reserves for Replacement", "Reserves"],
    "income_taxes": ["Income Taxes", "Provision for Income Taxes", "State Income Taxes"],
    "revenue": ["Revenue", "Sales", "Contract Revenue", "Roofing Revenue", "Sales Revenue"],
    "cost_of_goods_sold": ["Cost of Goods Sold", "Cost of Sales", "Direct Job Costs", "Cost of Revenue"],
    "gross_profit": ["Gross Profit", "Gross Margin", "Gross Profit on Sales"],
}
# Sub-accounts a figure is often broken into, with their typical relative weights.
SPLITS: dict[str, dict[str, float]] = {
    "other_income_apartments": {"Laundry Income": 3, "Parking": 4, "Late Fees": 3, "Pet Fees": 3,
                                "Utility Reimbursements (RUBS)": 6, "Application Fees": 1, "Storage Income": 1,
                                "Misc. Income": 1},
    "other_income_storage": {"Tenant Insurance": 5, "Merchandise Sales": 2, "Late Fees": 3, "Truck Rental": 2,
                             "Admin Fees": 1},
    "other_income_commercial": {"CAM Reimbursements": 8, "Tax Reimbursements": 4, "Parking": 2, "Late Fees": 1,
                                "Signage Income": 1, "Misc. Income": 1},
    "repairs_property": {"Repairs & Maintenance": 40, "Turnover / Make-Ready": 25, "Landscaping": 15,
                         "Janitorial": 10, "Contract Services": 10, "Pest Control": 3},
    "utilities_property": {"Electric": 35, "Gas": 20, "Water & Sewer": 35, "Trash Removal": 10},
    "payroll_property": {"Salaries & Wages": 78, "Payroll Taxes & Benefits": 22},
    "ga_property": {"Office Expense": 4, "Telephone & Internet": 3, "Software & Subscriptions": 3, "Bank Charges": 1},
    "revenue_business": {"Residential Roofing": 50, "Commercial Roofing": 25, "Service & Repair": 10,
                         "Insurance Restoration": 30, "Gutters & Exteriors": 6},
    "other_income_business": {"Interest Income": 1, "Supplier Rebates": 2, "Gain on Sale of Equipment": 1,
                              "Other Income": 1},
    "cogs_business": {"Materials": 45, "Direct Labor": 30, "Subcontractors": 15, "Equipment Rental": 4,
                      "Dumpster & Disposal": 4, "Permits & Inspections": 1.5},
    "payroll_business": {"Officer Compensation": 30, "Salaries - Office": 45, "Payroll Taxes": 12,
                         "Employee Benefits": 13},
    "other_opex_business": {"Vehicle Expense": 30, "Fuel": 25, "Small Tools": 10, "Licenses & Permits": 5,
                            "Travel & Meals": 8, "Uniforms": 3},
    "ga_business": {"Office Supplies": 3, "Software & Subscriptions": 4, "Telephone": 2, "Bank & Merchant Fees": 4,
                    "Postage": 1},
}
PROPERTY_NAMES = ["Maple Court", "Cedar Ridge", "Willow Creek", "Aspen Grove", "Harbor View", "Pinecrest",
                  "Stonegate", "Riverbend", "Foothills", "Lakeside", "Sunset Terrace", "Prairie Wind",
                  "Copper Canyon", "Red Rock", "Bluebell", "Kessler Park", "Silver Sage", "Juniper Hills",
                  "Elk Meadow", "Granite Pointe", "Clearwater", "Briarwood", "Meadowlark", "Summit View",
                  "Quail Run", "Sandstone", "Highland Park", "Cottonwood", "Falcon Ridge", "Mesa Verde"]
PROPERTY_TYPES = [("Apartments", "apartments"), ("Townhomes", "apartments"), ("Flats", "apartments"),
                  ("Self Storage", "storage"), ("Plaza", "retail"), ("Shopping Center", "retail"),
                  ("Medical Office Building", "office"), ("Business Park", "office"), ("Commons", "apartments"),
                  ("Industrial Center", "industrial")]
BUSINESS_PATTERNS = ["{last} Roofing & Exteriors, Inc.", "{city} Roofing Co.", "{last} & Sons Roofing LLC",
                     "{word} Roofing Solutions", "{last} Contracting, Inc.", "{word} Restoration Group LLC",
                     "{city} Exteriors", "{last} Brothers Construction", "{word} Roof Systems, Inc."]
CITIES = ["Front Range", "Mile High", "Rocky Mountain", "Centennial", "Arvada", "Westminster", "Thornton",
          "Brighton", "Littleton", "Englewood", "Golden", "Windsor", "Erie", "Louisville", "Durango", "Montrose",
          "Salida", "Canon City", "Pikes Peak", "Longs Peak", "Platte Valley", "Arkansas Valley", "Black Forest"]
BUSINESS_WORDS = ["Peak", "Summit", "Keystone", "Frontier", "Ironclad", "Pinnacle", "Apex", "Timberline",
                  "Evergreen", "Skyline", "Cornerstone", "Heritage", "Bedrock", "Legacy", "Northstar"]


@dataclass
class Item:
    canonical: str
    label: str
    annual: float  # latest full year, magnitude in dollars
    sign: int = 1
    season: tuple[float, ...] = tuple(FLAT)
    growth: float = 0.03
    noise: float = 0.04
    display_sign: int = 1


def split(rng: Random, canonical: str, total: float, pool: str, lo: int, hi: int, **kw) -> list[Item]:
    """One line, or the same canonical figure broken into a few sub-accounts."""
    names = rng.sample(sorted(SPLITS[pool]), rng.randint(lo, min(hi, len(SPLITS[pool]))))
    weights = [SPLITS[pool][name] * rng.uniform(0.7, 1.4) for name in names]
    return [Item(canonical, name, total * w / sum(weights), **kw) for name, w in zip(names, weights, strict=True)]


def seasonal(weights: list[float]) -> tuple[float, ...]:
    mean = sum(weights) / 12
    return tuple(w / mean for w in weights)


def property_items(rng: Random, kind: str, split_prob: float) -> tuple[list[Item], list[Item], dict]:
    """Income and expense items of one property, and facts for what comes below NOI."""
    if kind == "apartments":
        units = rng.randint(24, 320)
        gpr = units * rng.uniform(950, 2200) * 12
    elif kind == "storage":
        units = rng.randint(300, 900)
        gpr = units * rng.uniform(85, 185) * 12
    else:
        units = None
        gpr = rng.randint(20, 160) * 1000 * rng.uniform(14, 32)
    vac = gpr * rng.uniform(0.03, 0.13)
    income = [Item("gross_potential_rent", rng.choice(LABELS["gross_potential_rent"]), gpr,
                   growth=rng.uniform(0.02, 0.06), noise=0.01)]
    less = rng.random() < 0.25
    vac_label = rng.choice(LABELS["vacancy_credit_loss"])
    if rng.random() < 0.35:
        income.append(Item("vacancy_credit_loss", ("Less: " if less else "") + "Vacancy", vac * 0.8, -1,
                           noise=0.2, display_sign=-1 if less else 1))
        income.append(Item("vacancy_credit_loss", ("Less: " if less else "") + "Bad Debt", vac * 0.2, -1,
                           noise=0.5, display_sign=-1 if less else 1))
    else:
        income.append(Item("vacancy_credit_loss", ("Less: " if less else "") + vac_label, vac, -1, noise=0.2,
                           display_sign=-1 if less else 1))
    if rng.random() < 0.45:
        income.append(Item("concessions", rng.choice(LABELS["concessions"]), gpr * rng.uniform(0.003, 0.02), -1,
                           noise=0.6))
    other = gpr * rng.uniform(0.02, 0.09)
    if rng.random() < split_prob:
        pool = {"apartments": "other_income_apartments", "storage": "other_income_storage"}.get(
            kind, "other_income_commercial")
        income += split(rng, "other_income", other, pool, 2, 4, noise=0.1)
    else:
        income.append(Item("other_income", rng.choice(["Other Income", "Other Revenue", "Ancillary Income"]), other,
                           noise=0.1))
    egi = gpr - vac + other
    r = {"apartments": 1.0, "storage": 0.6, "retail": 0.45, "office": 0.7, "industrial": 0.35}[kind]
    opex: list[Item] = []

    def add(key: str, share: float, pool: str | None = None, **kw) -> None:
        amount = egi * share
        if pool and rng.random() < split_prob:
            opex.extend(split(rng, key, amount, pool, 2, 4, **kw))
        else:
            opex.append(Item(key, rng.choice(LABELS[key]), amount, **kw))

    add("payroll", rng.uniform(0.07, 0.13) * r, "payroll_property", growth=0.04)
    add("repairs_maintenance", rng.uniform(0.04, 0.09) * r, "repairs_property", noise=0.35)
    if rng.random() < 0.3:
        opex.append(Item("repairs_maintenance", "Snow Removal", egi * rng.uniform(0.004, 0.012),
                         season=seasonal(SNOW_SEASON), noise=0.3))
    add("utilities", rng.uniform(0.03, 0.08) * r, "utilities_property", season=seasonal(UTILITY_SEASON), noise=0.08)
    renewal = rng.randrange(12) if rng.random() < 0.4 else None  # premium booked in one month, or accrued
    insurance_season = tuple(FLAT) if renewal is None else tuple(12.0 if m == renewal else 0.0 for m in range(12))
    opex.append(Item("insurance", rng.choice(LABELS["insurance"]), egi * rng.uniform(0.03, 0.07),
                     season=insurance_season, growth=0.09, noise=0.0))
    tax_months = rng.choice([(1, 5), (3, 9), None])
    tax_season = tuple(FLAT) if tax_months is None else tuple(6.0 if m in tax_months else 0.0 for m in range(12))
    opex.append(Item("property_taxes", rng.choice(LABELS["property_taxes"]), egi * rng.uniform(0.07, 0.13),
                     season=tax_season, growth=0.05, noise=0.0))
    opex.append(Item("management_fees", rng.choice(LABELS["management_fees"]), egi * rng.uniform(0.03, 0.05),
                     noise=0.02))
    for key, lo, hi in (("professional_fees", 0.004, 0.015), ("marketing", 0.004, 0.025),
                        ("other_operating_expenses", 0.003, 0.015)):
        if rng.random() < 0.8:
            opex.append(Item(key, rng.choice(LABELS[key]), egi * rng.uniform(lo, hi), noise=0.4))
    add("general_administrative", rng.uniform(0.01, 0.03), "ga_property", noise=0.15)
    total_opex = sum(item.annual for item in opex)
    facts = {"units": units if kind == "apartments" else None, "noi": egi - total_opex}
    return income, opex, facts


def business_items(rng: Random, split_prob: float) -> tuple[list[Item], list[Item], list[Item], dict]:
    """Revenue, cost of sales and operating expense items of a roofing contractor."""
    revenue = rng.uniform(0.8, 15) * 1_000_000
    season = seasonal(ROOFING_SEASON)
    growth = rng.uniform(-0.08, 0.2)
    income = (split(rng, "revenue", revenue, "revenue_business", 2, 4, season=season, growth=growth, noise=0.12)
              if rng.random() < split_prob else
              [Item("revenue", rng.choice(LABELS["revenue"]), revenue, season=season, growth=growth, noise=0.12)])
    if rng.random() < 0.6:
        income += split(rng, "other_income", revenue * rng.uniform(0.001, 0.01), "other_income_business", 1, 2,
                        noise=0.5)
    cogs_total = revenue * rng.uniform(0.55, 0.74)
    cogs = (split(rng, "cost_of_goods_sold", cogs_total, "cogs_business", 3, 5, season=season, growth=growth,
                  noise=0.14) if rng.random() < 0.75 else
            [Item("cost_of_goods_sold", rng.choice(LABELS["cost_of_goods_sold"]), cogs_total, season=season,
                  growth=growth, noise=0.14)])
    opex: list[Item] = []
    struggling = rng.random() < 0.15

    def add(key: str, share: float, pool: str | None = None, label: str | None = None, **kw) -> None:
        amount = revenue * share * (1.35 if struggling else 1.0)
        if pool and rng.random() < split_prob:
            opex.extend(split(rng, key, amount, pool, 2, 4, **kw))
        else:
            opex.append(Item(key, label or rng.choice(LABELS[key]), amount, **kw))

    add("payroll", rng.uniform(0.07, 0.13), "payroll_business", growth=0.05)
    add("rent_expense", rng.uniform(0.008, 0.025), label=rng.choice(["Rent", "Rent Expense", "Shop & Yard Lease",
                                                                       "Office Rent"]), noise=0.0)
    add("insurance", rng.uniform(0.02, 0.04), label=rng.choice(["Insurance", "Insurance - General Liability",
                                                                  "Liability & Workers' Comp Insurance"]), noise=0.05)
    add("marketing", rng.uniform(0.015, 0.06), label=rng.choice(["Advertising", "Marketing", "Lead Generation",
                                                                   "Advertising & Marketing"]), season=season)
    add("professional_fees", rng.uniform(0.004, 0.015))
    add("general_administrative", rng.uniform(0.01, 0.03), "ga_business", noise=0.1)
    add("utilities", rng.uniform(0.002, 0.008), label=rng.choice(["Utilities", "Shop Utilities"]),
        season=seasonal(UTILITY_SEASON))
    add("repairs_maintenance", rng.uniform(0.003, 0.01), label=rng.choice(["Repairs & Maintenance",
                                                                             "Equipment Repairs", "Vehicle Repairs"]),
        noise=0.4)
    add("other_operating_expenses", rng.uniform(0.015, 0.04), "other_opex_business", season=season)
    facts = {"revenue": revenue, "operating_income": revenue - cogs_total - sum(i.annual for i in opex)}
    return income, cogs, opex, facts


def period_dollars(rng: Random, item: Item, period: Period, anchor: Period) -> float:
    """The item's amount for one column; anchor is the latest full-year (or T-12) column."""
    months_back = (anchor.end.year - period.end.year) * 12 + anchor.end.month - period.end.month
    level = item.annual / (1 + item.growth) ** (months_back / 12)
    if period.months == 1:
        weight = item.season[period.end.month - 1] / 12
    elif period.months == 12:
        weight = 1.0
    else:  # year to date, January through the end month
        weight = sum(item.season[: period.end.month]) / 12
    return max(level * weight * (1 + rng.gauss(0, item.noise)), 0.0)


def to_rows(rng: Random, items: list[Item], periods: list[Period], stmt: Statement, *, indent: int = 1,
            code_base: int = 4000) -> list[Row]:
    value_periods = [p for p in periods if not p.key.startswith("T12-")]
    anchor = max((p for p in periods if p.months == 12), key=lambda p: p.end)
    rows = []
    step = 10 if len(items) < 9 else 5
    for n, item in enumerate(items):
        values = {}
        for period in value_periods:
            dollars = period_dollars(rng, item, period, anchor)
            values[period.key] = item.sign * round(dollars / stmt.multiplier * 10**stmt.decimals)
        rows.append(Row("item", item.label, item.canonical, SECTION_OF[item.canonical], values,
                        item.display_sign, indent, str(code_base + step * (n + 1))))
    return rows
