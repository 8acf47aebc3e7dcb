"""The chart of accounts (pipelines/ies/contract/ies_chart_of_accounts.md) as data: keys, their sections,
which are totals, and the curated wording accountants use for each (already normalised, see labels.normalize)."""

from __future__ import annotations

INCOME_KEYS = ("gross_potential_rent", "vacancy_credit_loss", "concessions", "revenue", "other_income")
OPEX_KEYS = ("payroll", "repairs_maintenance", "utilities", "insurance", "property_taxes", "management_fees",
             "professional_fees", "marketing", "general_administrative", "rent_expense", "other_operating_expenses")
BELOW_NOI_KEYS = ("interest_expense", "depreciation_amortization", "debt_service", "capital_expenditures",
                  "replacement_reserves", "income_taxes")
SECTION_OF: dict[str, str] = {
    **dict.fromkeys(INCOME_KEYS, "income"), "total_income": "income",
    "cost_of_goods_sold": "cost_of_sales", "gross_profit": "summary",
    **dict.fromkeys(OPEX_KEYS, "operating_expense"), "total_operating_expenses": "operating_expense",
    "net_operating_income": "summary", **dict.fromkeys(BELOW_NOI_KEYS, "below_noi"), "net_income": "summary",
}
TOTAL_KEYS = frozenset({"total_income", "total_operating_expenses", "gross_profit", "net_operating_income",
                        "net_income"})
SECTION_TOTAL = {"income": "total_income", "cost_of_sales": "cost_of_goods_sold",
                 "operating_expense": "total_operating_expenses"}
DEDUCTION_KEYS = frozenset({"vacancy_credit_loss", "concessions"})  # negative: they reduce income
EXPENSE_KEYS = frozenset({"cost_of_goods_sold", *OPEX_KEYS, *BELOW_NOI_KEYS})

# Normalised label -> key, by the section the label sits in ("any" when the wording is unambiguous).
VOCABULARY: dict[str, dict[str, str]] = {
    "income": {
        **dict.fromkeys([
            "gross potential rent", "scheduled rents", "scheduled rent", "gross scheduled rent",
            "gross scheduled rents",
            "potential rental income", "rental income gross potential", "gross rents", "gross rent",
            "gross potential income", "rental income", "rent income", "rents", "rent", "base rent", "base rents",
            "minimum rent", "gross rental income", "market rent", "apartment rent", "residential rent",
            "gross potential rental income", "rental revenue", "rent revenue", "potential rent"],
            "gross_potential_rent"),
        **dict.fromkeys([
            "vacancy", "vacancy and credit loss", "vacancy loss", "physical vacancy", "vacancy and collection loss",
            "bad debt", "bad debts", "bad debt expense", "credit loss", "collection loss", "economic vacancy",
            "vacancy and bad debt", "vacancy allowance", "vacancy and concessions", "write offs", "uncollectible rent",
            "general vacancy", "vacancy credit loss"],
            "vacancy_credit_loss"),
        **dict.fromkeys([
            "concessions", "rent concessions", "free rent", "move in specials", "leasing concessions",
            "rental concessions", "concession", "discounts", "rent discounts", "loss to lease"],
            "concessions"),
        **dict.fromkeys([
            "revenue", "revenues", "sales", "contract revenue", "roofing revenue", "sales revenue", "gross sales",
            "residential roofing", "commercial roofing", "service and repair", "insurance restoration",
            "gutters and exteriors", "service revenue", "services revenue", "fee revenue", "job revenue",
            "construction revenue", "installation revenue", "product sales", "service income", "contract income",
            "repair revenue", "roofing sales", "operating revenue", "net revenue", "fees"],
            "revenue"),
        **dict.fromkeys([
            "other income", "other revenue", "other revenues", "ancillary income", "laundry income", "laundry",
            "parking", "parking income", "late fees", "late charges", "pet fees", "pet rent",
            "utility reimbursements", "utility reimbursements rubs", "rubs", "application fees", "storage income",
            "misc income", "miscellaneous income", "tenant insurance", "merchandise sales", "truck rental",
            "admin fees", "administrative fees", "cam reimbursements", "cam recoveries", "tax reimbursements",
            "expense reimbursements", "reimbursements", "signage income", "interest income", "supplier rebates",
            "rebates", "gain on sale of equipment", "gain on sale of assets", "vending income", "vending",
            "cable income", "antenna income", "forfeited deposits", "nsf fees", "other operating income",
            "retail sales", "insurance reimbursements", "recoveries", "percentage rent"],
            "other_income"),
        **dict.fromkeys([
            "effective gross income", "total income", "total revenue", "total revenues", "total operating income",
            "total sales", "net sales", "total rental income", "total operating revenue", "gross operating income",
            "effective gross revenue", "total effective gross income", "total income revenue", "total net revenue",
            "gross income", "total net sales"],
            "total_income"),
    },
    "cost_of_sales": dict.fromkeys([
        "cost of goods sold", "cost of sales", "direct job costs", "cost of revenue", "cost of revenues",
        "direct costs", "job costs", "materials", "direct labor", "subcontractors", "subcontract labor",
        "subcontractor", "equipment rental", "dumpster and disposal", "permits and inspections", "direct materials",
        "materials and supplies", "freight", "disposal", "cost of goods", "costs of goods sold", "job materials",
        "total cost of goods sold", "total cost of sales", "total direct costs", "total cost of revenue",
        "total job costs", "total costs of goods sold", "total direct job costs"],
        "cost_of_goods_sold"),
    "summary": {
        **dict.fromkeys(["gross profit", "gross margin", "gross profit on sales", "gross income on sales"],
                        "gross_profit"),
        **dict.fromkeys([
            "net operating income", "net operating income noi", "operating income", "income from operations",
            "operating profit", "operating income loss", "net operating income loss", "operating loss",
            "net operating loss", "ebitda", "net operating income before debt service"],
            "net_operating_income"),
        **dict.fromkeys([
            "net income", "net income loss", "net profit", "net profit loss", "net loss", "net earnings",
            "net cash flow", "net cash flow deficit", "cash flow after debt service", "cash flow",
            "net cash flow after debt service", "cash flow after debt service and reserves", "bottom line",
            "net income after taxes", "net cash flow before distributions", "distributable cash flow"],
            "net_income"),
    },
    "operating_expense": {
        **dict.fromkeys([
            "payroll", "salaries and wages", "payroll and benefits", "on site payroll", "onsite payroll", "personnel",
            "payroll taxes and benefits", "officer compensation", "officers compensation", "salaries office",
            "payroll taxes", "employee benefits", "wages", "salaries", "officers salaries", "payroll expense",
            "salaries and benefits", "wages and salaries", "employee health insurance", "health insurance",
            "workers compensation", "benefits", "payroll and related", "office salaries", "staff salaries",
            "contract labor", "personnel costs"],
            "payroll"),
        **dict.fromkeys([
            "repairs and maintenance", "r and m", "maintenance and repairs", "turnover make ready", "make ready",
            "turnover", "landscaping", "janitorial", "contract services", "pest control", "snow removal",
            "equipment repairs", "vehicle repairs", "repairs", "maintenance", "cleaning", "grounds", "elevator",
            "hvac", "building repairs", "repairs and maintenance expense", "maintenance supplies", "painting",
            "carpet cleaning", "security", "landscaping and grounds", "repair and maintenance"],
            "repairs_maintenance"),
        **dict.fromkeys([
            "utilities", "utilities common area", "utility expense", "utility", "electric", "electricity", "gas",
            "water and sewer", "water sewer", "trash removal", "water", "sewer", "trash", "shop utilities",
            "natural gas", "refuse", "garbage", "electric and gas", "utilities expense", "heat"],
            "utilities"),
        **dict.fromkeys([
            "insurance", "property insurance", "insurance property and liability", "insurance general liability",
            "liability and workers comp insurance", "liability insurance", "general liability insurance",
            "insurance expense", "business insurance", "property and liability insurance", "hazard insurance"],
            "insurance"),
        **dict.fromkeys([
            "real estate taxes", "property taxes", "re taxes", "taxes real estate", "taxes", "property tax",
            "real estate tax", "ad valorem taxes", "taxes and licenses", "taxes property"],
            "property_taxes"),
        **dict.fromkeys([
            "management fees", "property management", "management fee", "property management fees",
            "asset management fees", "management", "property management fee"],
            "management_fees"),
        **dict.fromkeys([
            "professional fees", "legal and accounting", "legal and professional", "accounting and legal", "legal",
            "accounting", "consulting", "audit", "legal fees", "accounting fees", "professional services",
            "legal and professional fees", "audit and tax"],
            "professional_fees"),
        **dict.fromkeys([
            "marketing", "advertising", "advertising and promotion", "leasing and marketing", "lead generation",
            "advertising and marketing", "marketing and advertising", "promotion", "leasing costs",
            "leasing commissions", "promotions", "advertising expense"],
            "marketing"),
        **dict.fromkeys([
            "general and administrative", "g and a", "administrative", "office and administrative", "office expense",
            "telephone and internet", "software and subscriptions", "bank charges", "office supplies", "telephone",
            "bank and merchant fees", "postage", "dues and subscriptions", "computer and software", "supplies",
            "office", "admin", "administrative expenses", "general administrative", "internet", "software",
            "merchant fees", "bank fees", "printing", "computer expense", "office expenses", "communications"],
            "general_administrative"),
        **dict.fromkeys([
            "rent expense", "shop and yard lease", "office rent", "lease expense", "rent", "ground rent",
            "rent and lease", "building rent", "equipment lease", "yard rent", "shop rent"],
            "rent_expense"),
        **dict.fromkeys([
            "other operating expenses", "miscellaneous", "other expenses", "misc operating", "vehicle expense",
            "fuel", "small tools", "licenses and permits", "travel and meals", "uniforms", "meals", "travel",
            "auto expense", "vehicle expenses", "truck expense", "dues", "training", "misc", "other",
            "other operating expense", "miscellaneous expense", "contingency", "tools", "auto and truck",
            "meals and entertainment", "other operating"],
            "other_operating_expenses"),
        **dict.fromkeys([
            "total operating expenses", "total expenses", "total opex", "total operating exp",
            "total operating expense",
            "operating expenses total", "total operating costs", "total selling general and administrative",
            "total general and administrative expenses", "total expense"],
            "total_operating_expenses"),
    },
    "below_noi": {
        **dict.fromkeys([
            "interest expense", "mortgage interest", "interest", "interest on equipment loans", "interest paid",
            "loan interest", "interest on notes", "interest expense net"],
            "interest_expense"),
        **dict.fromkeys([
            "depreciation", "depreciation and amortization", "d and a", "depreciation expense", "amortization",
            "depreciation amortization"],
            "depreciation_amortization"),
        **dict.fromkeys([
            "debt service", "mortgage payments p and i", "annual debt service", "loan payments p and i",
            "mortgage payment", "mortgage payments", "principal and interest", "loan payments", "debt service p and i"],
            "debt_service"),
        **dict.fromkeys([
            "capital expenditures", "capex", "capital improvements", "capital expenses", "capital items"],
            "capital_expenditures"),
        **dict.fromkeys([
            "replacement reserves", "reserves for replacement", "reserves", "capital reserves",
            "replacement reserve", "reserve for replacements"],
            "replacement_reserves"),
        **dict.fromkeys([
            "income taxes", "provision for income taxes", "state income taxes", "income tax expense",
            "federal income taxes", "income tax", "taxes on income", "federal and state income taxes", "taxes"],
            "income_taxes"),
    },
}
# Subtotals the chart has no key for: read, never mapped, not a reason for review.
KNOWN_UNMAPPED = frozenset({
    "income before income taxes", "net income before taxes", "pre tax income", "pretax income",
    "income before taxes", "earnings before taxes", "total other income expense", "total other expenses",
    "total other income and expense", "cash flow before debt service", "net income before income taxes",
    "total non operating expenses", "total below the line", "total debt service and reserves",
})
# Section headings (normalised) -> section.
HEADINGS: dict[str, str] = {
    **dict.fromkeys(["income", "revenue", "revenues", "rental income", "operating income", "ordinary income",
                     "sales", "operating revenue", "operating revenues", "rental revenue", "property income",
                     "revenue and income", "income revenue", "ordinary income expense"], "income"),
    **dict.fromkeys(["cost of goods sold", "cost of sales", "direct costs", "job costs", "cost of revenue",
                     "direct job costs", "costs of goods sold"], "cost_of_sales"),
    **dict.fromkeys(["operating expenses", "expenses", "general and administrative expenses",
                     "selling general and administrative", "sg and a", "expense", "operating expense",
                     "general and administrative", "property expenses", "overhead"], "operating_expense"),
    **dict.fromkeys(["other expenses", "below the line", "non operating", "debt service and reserves",
                     "other income expense", "non operating expenses", "other income and expenses",
                     "other income and expense", "nonoperating", "other", "non operating income expense",
                     "capital and debt service", "other expense"], "below_noi"),
}
