"""Roof Care maintenance plans: one subscription's life (trial, monthly or annual billing, failed
payments, upgrades and downgrades, cancellation), written as Stripe records, and its MRR by month.

MRR of a subscription at an instant: its price per month (annual / 12) while its status is
active or past_due; trialing and ended subscriptions count 0.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Any

from brainops.sample import stripe_billing_objects as sbo
from brainops.sample.ids import stripe_id
from brainops.sample.stripe_objects import PriceSpec
from brainops.sample.stripe_payments import CardPayment, CustomerBook, pay
from brainops.sample.timeline import AS_OF_TS, DAY, HOUR, add_months


@dataclass(frozen=True)
class Plans:
    basic: PriceSpec
    plus: PriceSpec
    plus_annual: PriceSpec
    commercial: PriceSpec


@dataclass(frozen=True, slots=True)
class Change:
    """From `at` on, the subscription is in `status` at `price` (kind "deleted" ends it)."""

    at: int
    kind: str  # created, trial_end, plan, past_due, recovered, cancel_requested, deleted
    status: str
    price: PriceSpec
    previous: dict[str, Any] | None = None


@dataclass
class Cycle:
    invoice_id: str
    line_id: str
    number: str
    start: int
    end: int
    price: PriceSpec
    reason: str
    attempts: list[tuple[int, bool]] = field(default_factory=list)  # (time, succeeded)
    uncollectible_at: int | None = None


@dataclass
class Life:
    id: str
    item_id: str
    created: int
    trial_end: int | None
    changes: list[Change] = field(default_factory=list)
    cycles: list[Cycle] = field(default_factory=list)
    cancel_requested_at: int | None = None
    cancel_at: int | None = None
    cancel_reason: str | None = None

    def state_at(self, t: int) -> Change | None:
        """The latest change at or before t (None before the subscription exists)."""
        latest = None
        for change in self.changes:
            if change.at > t:
                break
            latest = change
        return latest

    def monthly_cents_at(self, t: int) -> int:
        state = self.state_at(t)
        if state is None or state.kind == "deleted" or state.status == "trialing":
            return 0
        return state.price.monthly_cents


def choose_price(rng: random.Random, plans: Plans, commercial: bool) -> PriceSpec:
    if commercial:
        return plans.commercial
    return rng.choices((plans.basic, plans.plus, plans.plus_annual), (55, 30, 15))[0]


def simulate_life(rng: random.Random, plans: Plans, start: int, commercial: bool, invoice_prefix: str,
                  first_number: int) -> Life:
    """Decide everything that happens to one subscription from `start` until AS_OF."""
    price = choose_price(rng, plans, commercial)
    trial = not commercial and rng.random() < 0.3
    life = Life(id=stripe_id(rng, "sub"), item_id=stripe_id(rng, "si", 14), created=start,
                trial_end=start + 30 * DAY if trial else None)
    life.changes.append(Change(start, "created", "trialing" if trial else "active", price))
    period_start = life.trial_end or start
    if trial and period_start < AS_OF_TS:
        life.changes.append(Change(period_start, "trial_end", "active", price, {"status": "trialing"}))
    while period_start < AS_OF_TS - 2 * HOUR:
        period_end = add_months(period_start, 12 if price.interval == "year" else 1)
        cycle = Cycle(invoice_id=stripe_id(rng, "in"), line_id=stripe_id(rng, "il"),
                      number=f"{invoice_prefix}-{first_number + len(life.cycles):04d}", start=period_start,
                      end=period_end, price=price,
                      reason="subscription_create" if not life.cycles and not trial else "subscription_cycle")
        life.cycles.append(cycle)
        if not _collect(rng, life, cycle, price):
            break  # canceled for non-payment, or still past due at AS_OF
        if len(cycle.attempts) > 1:  # a period with a failed payment: no other changes in it
            period_start = period_end
            continue
        if _churns(rng, life, price, period_start, period_end):
            break
        price = _maybe_change_plan(rng, life, plans, price, period_start, period_end)
        period_start = period_end
    life.changes.sort(key=lambda c: c.at)
    return life


def _collect(rng: random.Random, life: Life, cycle: Cycle, price: PriceSpec) -> bool:
    """Charge the cycle's invoice; False when the subscription stops being in good standing for good."""
    first_try = cycle.start + rng.randint(HOUR, 2 * HOUR)
    if rng.random() >= 0.025:
        cycle.attempts.append((first_try, True))
        return True
    cycle.attempts.append((first_try, False))
    life.changes.append(Change(first_try, "past_due", "past_due", price, {"status": "active"}))
    if rng.random() < 0.65:
        retry = first_try + rng.randint(2 * DAY, 7 * DAY)
        if retry >= AS_OF_TS:
            return False
        cycle.attempts.append((retry, True))
        life.changes.append(Change(retry, "recovered", "active", price, {"status": "past_due"}))
        return True
    retry = first_try + 3 * DAY
    if retry < AS_OF_TS:
        cycle.attempts.append((retry, False))
    give_up = first_try + 21 * DAY
    if give_up < AS_OF_TS:
        cycle.uncollectible_at = give_up
        life.cancel_reason = "payment_failed"
        life.cancel_requested_at = give_up
        life.changes.append(Change(give_up, "deleted", "canceled", price, {"status": "past_due"}))
    return False


def _churns(rng: random.Random, life: Life, price: PriceSpec, start: int, end: int) -> bool:
    """A voluntary cancellation at the end of this period (requested during it)."""
    annual = price.interval == "year"
    if rng.random() >= (0.15 if annual else 0.022):
        return False
    requested = end - rng.randint(DAY, (30 if annual else 20) * DAY)
    requested = max(requested, start + HOUR)
    if requested >= AS_OF_TS:
        return False
    life.cancel_requested_at, life.cancel_at = requested, end
    life.cancel_reason = "cancellation_requested"
    life.changes.append(Change(requested, "cancel_requested", "active", price,
                               {"cancel_at": None, "cancel_at_period_end": False, "canceled_at": None}))
    if end < AS_OF_TS:
        life.changes.append(Change(end, "deleted", "canceled", price, {"status": "active"}))
    return True


def _maybe_change_plan(
    rng: random.Random, life: Life, plans: Plans, price: PriceSpec, start: int, end: int
) -> PriceSpec:
    """Monthly homeowners sometimes upgrade Basic -> Plus or downgrade Plus -> Basic mid-period."""
    target = None
    if price == plans.basic and rng.random() < 0.012:
        target = plans.plus
    elif price == plans.plus and rng.random() < 0.006:
        target = plans.basic
    at = start + int((end - start) * rng.uniform(0.2, 0.8))
    if target is None or at >= AS_OF_TS:
        return price
    life.changes.append(Change(at, "plan", "active", target))
    return target


def view_at(life: Life, t: int, *, customer: str, payment_method: str, company_id: str) -> sbo.SubscriptionView:
    """The subscription as the API would have shown it at time t."""
    state = life.state_at(t)
    assert state is not None
    cycles = [c for c in life.cycles if c.start <= t]
    if cycles:
        period_start, period_end = cycles[-1].start, cycles[-1].end
    else:
        period_start, period_end = life.created, life.trial_end or life.created
    cancel_requested = life.cancel_requested_at is not None and life.cancel_requested_at <= t
    ended = state.kind == "deleted"
    return sbo.SubscriptionView(
        id=life.id, item_id=life.item_id, created=life.created, customer=customer, status=state.status,
        price=state.price, period_start=period_start, period_end=period_end,
        billing_cycle_anchor=life.trial_end or life.created,
        trial_start=life.created if life.trial_end else None, trial_end=life.trial_end,
        cancel_at=life.cancel_at if cancel_requested else None,
        canceled_at=life.cancel_requested_at if cancel_requested else None,
        ended_at=state.at if ended else None,
        cancellation_reason=life.cancel_reason if cancel_requested else None,
        latest_invoice=cycles[-1].invoice_id if cycles else None,
        payment_method=payment_method, company_id=company_id,
    )


def write_life(book: CustomerBook, life: Life, *, company_id: str, customer_fields: dict[str, Any]) -> None:
    """The subscription, its invoices, charges and events, into the customer's book."""
    ids = {"customer": book.customer_id, "payment_method": book.card.payment_method, "company_id": company_id}
    for change in life.changes:
        obj = sbo.subscription(view_at(life, change.at, **ids))
        if change.kind == "plan":  # Stripe reports the whole item list as it was before
            before = sbo.subscription(view_at(life, change.at - 1, **ids))
            change = replace(change, previous={"items": before["items"]})
        if change.kind == "created":
            book.event("customer.subscription.created", change.at, obj)
        elif change.kind == "deleted":
            book.event("customer.subscription.deleted", change.at, obj, change.previous)
        else:
            book.event("customer.subscription.updated", change.at, obj, change.previous)
    for cycle in life.cycles:
        _write_cycle(book, life, cycle, customer_fields)
    book.write("subscriptions", sbo.subscription(view_at(life, AS_OF_TS - 1, **ids)))


def _write_cycle(book: CustomerBook, life: Life, cycle: Cycle, customer_fields: dict[str, Any]) -> None:
    base = sbo.InvoiceView(
        id=cycle.invoice_id, number=cycle.number, line_id=cycle.line_id, created=cycle.start,
        subscription=life.id, item_id=life.item_id, price=cycle.price, period_start=cycle.start,
        period_end=cycle.end, billing_reason=cycle.reason, status="open", attempt_count=0, paid_at=None,
        uncollectible_at=None, next_payment_attempt=cycle.start + HOUR, **customer_fields,
    )
    declines: list[tuple[int, str]] = []
    for n, (at, ok) in enumerate(cycle.attempts, start=1):
        if ok:
            base = replace(base, status="paid", attempt_count=n, paid_at=at, next_payment_attempt=None)
            book.event("invoice.paid", at, sbo.invoice(base))
        else:
            code = book.rng.choice(("insufficient_funds", "generic_decline", "expired_card", "do_not_honor"))
            declines.append((at, code))
            base = replace(base, attempt_count=n, next_payment_attempt=at + 3 * DAY)
            book.event("invoice.payment_failed", at, sbo.invoice(base))
    paid_at = base.paid_at
    metadata = {"stripe_invoice_id": cycle.invoice_id, "stripe_subscription_id": life.id}
    description = "Subscription creation" if cycle.reason == "subscription_create" else "Subscription update"
    pay(book, CardPayment(at=paid_at or cycle.start, amount=cycle.price.unit_amount, description=description,
                          metadata=metadata, declines=tuple(declines), succeed=paid_at is not None))
    if cycle.uncollectible_at is not None:
        base = replace(base, status="uncollectible", uncollectible_at=cycle.uncollectible_at, next_payment_attempt=None)
    book.write("invoices", sbo.invoice(base))
