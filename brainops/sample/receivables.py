"""How customers pay an invoice: when, how much, by card (Stripe), check or ACH.

Most invoices are paid in full around their terms; some are paid in two parts; a few are never
paid. Payments after AS_OF have not happened yet, which leaves the realistic tail of open and
overdue invoices (0-30, 31-60, 61-90, 90+ days).
"""

from __future__ import annotations

import random

from brainops.sample.models import Company, Invoice, Payment
from brainops.sample.timeline import AS_OF_TS, DAY, HOUR

CARD_LIMIT = 40_000_00
"""Larger invoices are paid by check or ACH."""


def _method(rng: random.Random, company: Company, amount: int) -> str:
    if company.wants_stripe and amount <= CARD_LIMIT and rng.random() < company.card_share:
        return "card"
    return "ach" if company.kind == "commercial" and rng.random() < 0.5 else "check"


def _delay_days(rng: random.Random, company: Company, method: str, deposit: bool) -> float:
    terms = company.terms_days
    if deposit:
        return rng.uniform(0.05, 4)
    if method == "card":
        return rng.uniform(0.05, min(terms, 10))
    if company.payer == "prompt":
        return rng.uniform(1, terms * 0.9)
    if company.payer == "normal":
        return max(2.0, terms + rng.gauss(0, 8))
    return terms + rng.expovariate(1 / 45)


def _reference(rng: random.Random, method: str) -> str:
    if method == "check":
        return f"Check #{rng.randint(1001, 9999)}"
    if method == "ach":
        return f"ACH {rng.randint(10**9, 10**10 - 1)}"
    return ""  # the Stripe layer sets the charge id


def settle(rng: random.Random, company: Company, invoice: Invoice) -> None:
    """Fill `invoice.payments` with the payments received before AS_OF."""
    if invoice.is_draft:
        return
    deposit = invoice.kind == "deposit"
    method = _method(rng, company, invoice.amount)
    first_at = invoice.date + int(_delay_days(rng, company, method, deposit) * DAY) + rng.randint(0, 8 * HOUR)
    roll = rng.random()
    if not deposit and roll < 0.025:
        plan: list[tuple[int, int]] = []  # never paid: a dispute with the customer, or bad debt
    elif not deposit and roll < 0.07:
        part = round(invoice.amount * rng.uniform(0.25, 0.75) / 100) * 100
        later = first_at + int(rng.uniform(15, 120) * DAY)
        plan = [(first_at, part), (later, invoice.amount - part)]
    else:
        plan = [(first_at, invoice.amount)]
    invoice.payments = [
        Payment(at=at, cents=cents, method=method, reference=_reference(rng, method))
        for at, cents in plan
        if at < AS_OF_TS - HOUR and cents > 0
    ]
