"""One company's side of Stripe: its customer, card payments of its CenterPoint invoices, and
(for some) a Roof Care subscription. Sets company.stripe_customer_id and the charge id on each
card payment, so the CenterPoint records written afterwards point at Stripe."""

from __future__ import annotations

import random

from brainops.sample import stripe_objects as so
from brainops.sample.ids import BASE62, stripe_id
from brainops.sample.models import Company, Invoice, Payment
from brainops.sample.stripe_payments import CardPayment, CustomerBook, StripeAccount, pay
from brainops.sample.subscriptions import Life, Plans, simulate_life, write_life
from brainops.sample.timeline import AS_OF_TS, DAY, HOUR, MINUTE

SUBSCRIPTION_RATE = 0.21
"""Share of Stripe customers with a completed job who take a Roof Care plan."""


def _card(rng: random.Random) -> so.Card:
    brand = rng.choices(("visa", "mastercard", "amex", "discover"), (55, 27, 13, 5))[0]
    return so.Card(
        payment_method=stripe_id(rng, "pm"), brand=brand, last4=f"{rng.randint(0, 9999):04d}",
        exp_month=rng.randint(1, 12), exp_year=rng.randint(2027, 2031),
        fingerprint="".join(rng.choices(BASE62, k=16)), funding=rng.choices(("credit", "debit"), (70, 30))[0],
    )


def _stripe_email(rng: random.Random, email: str) -> str | None:
    """~3% of Stripe customers were typed differently, or without an email, at checkout."""
    roll = rng.random()
    if roll < 0.01:
        return None
    if roll < 0.03:
        local, domain = email.split("@", 1)
        return rng.choice((email.upper(), f"{local.capitalize()}@{domain.capitalize()}"))
    return email


def simulate_customer(company: Company, rng: random.Random, account: StripeAccount, plans: Plans) -> Life | None:
    """Write the company's Stripe records; returns its subscription's life (for MRR), if any."""
    if not company.wants_stripe:
        return None
    customer_id = stripe_id(rng, "cus", 14)
    company.stripe_customer_id = customer_id
    created = company.created + rng.randint(MINUTE, DAY)
    email = _stripe_email(rng, company.email)
    book = CustomerBook(account=account, rng=rng, customer_id=customer_id, name=company.name, email=email,
                        card=_card(rng))
    prefix = "".join(rng.choices("0123456789ABCDEF", k=8))
    address = {"city": company.city.name, "country": "US", "line1": company.street, "line2": None,
               "postal_code": company.postal_code, "state": company.city.region}
    fields = {"id": customer_id, "email": email, "name": company.name, "phone": company.phone,
              "address": address, "metadata": {"centerpoint_company_id": company.id}, "invoice_prefix": prefix,
              "default_payment_method": book.card.payment_method}
    book.event("customer.created", created, so.customer(created=created, next_invoice_sequence=1, delinquent=False,
                                                        **fields))
    for invoice in sorted(company.invoices, key=lambda i: i.date):
        for payment in invoice.payments:
            if payment.method == "card":
                payment.reference = pay(book, _card_plan(rng, company, invoice, payment)) or ""
    life = _subscription(company, rng, plans, prefix)
    if life is not None:
        write_life(book, life, company_id=company.id, customer_fields={
            "customer": customer_id, "customer_email": email, "customer_name": company.name,
            "customer_phone": company.phone, "customer_address": address,
        })
    state = life.state_at(AS_OF_TS - 1) if life else None
    book.write("customers", so.customer(
        created=created, next_invoice_sequence=1 + (len(life.cycles) if life else 0),
        delinquent=state is not None and state.status == "past_due", **fields,
    ))
    book.flush_events()
    return life


def _card_plan(rng: random.Random, company: Company, invoice: Invoice, payment: Payment) -> CardPayment:
    metadata = {"centerpoint_company_id": company.id, "centerpoint_invoice_id": invoice.id,
                "centerpoint_invoice_number": invoice.number}
    declines: tuple[tuple[int, str], ...] = ()
    if rng.random() < 0.015:  # declined first, paid on a retry
        at = max(invoice.date + MINUTE, payment.at - rng.randint(HOUR, 2 * DAY))
        declines = ((at, rng.choice(("insufficient_funds", "generic_decline", "do_not_honor"))),)
    room = AS_OF_TS - payment.at
    roll = rng.random()
    overcharge = duplicate = dispute = False
    if room > 8 * DAY and roll < 0.011:
        duplicate = True
    elif room > 8 * DAY and roll < 0.02:
        overcharge = True
    elif room > 55 * DAY and roll < 0.025:
        dispute = True
    return CardPayment(
        at=payment.at, amount=payment.cents, description=f"Invoice {invoice.number} - {company.name}",
        metadata=metadata, declines=declines,
        overcharge=round(payment.cents * rng.uniform(0.02, 0.1)) if overcharge else 0,
        duplicate=duplicate, dispute=dispute,
    )


def _subscription(company: Company, rng: random.Random, plans: Plans, prefix: str) -> Life | None:
    completed = [j.completed for j in company.jobs if j.completed is not None]
    if not completed or rng.random() >= SUBSCRIPTION_RATE:
        return None
    start = min(completed) + rng.randint(DAY, 60 * DAY)
    if start >= AS_OF_TS - DAY:
        return None
    return simulate_life(rng, plans, start, company.kind == "commercial", prefix, 1)
