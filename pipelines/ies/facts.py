"""What a statement says about itself besides its figures: whose it is, what kind, which currency."""

from __future__ import annotations

import re

from pipelines.ies.spread import Spread

_TITLE_WORDS = re.compile(
    r"statement|profit|loss|p&l|income|operating|operations|t-?12|trailing|twelve|month|year|period|fiscal|"
    r"unaudited|prepared|thousands|\$000|amounts|comparative|through|ended|january|continued", re.IGNORECASE)


def statement_type(spread: Spread) -> str:
    """business_pnl when it has revenue or cost of sales, property_operating when it has rents."""
    keys = {item.canonical for item in spread.items}
    if keys & {"cost_of_goods_sold", "gross_profit", "revenue"}:
        return "business_pnl"
    if keys & {"gross_potential_rent", "vacancy_credit_loss", "concessions"}:
        return "property_operating"
    return spread.statement_type


def currency(lines: list[str]) -> str:
    """The ISO code the statement names, USD when it names none (the contract's default)."""
    text = " ".join(lines)
    code = re.search(r"\b(USD|CAD|EUR|GBP|AUD|MXN|CHF)\b", text)
    if code:
        return code[1]
    return "EUR" if "\u20ac" in text else "GBP" if "\u00a3" in text else "USD"


def entity_name(context: list[str]) -> str | None:
    """The first title line that is not the statement's name, its period or a note."""
    for line in context:
        text = line.strip()
        if text and not _TITLE_WORDS.search(text) and re.search(r"[A-Za-z]{3}", text):
            return text
    return None
