"""Card payments as Stripe records them: payment intents, charges (some declined first), refunds,
disputes, the balance transactions behind each, and the events announcing them.

The account keeps only a small aggregate, net balance by available day, from which payouts.py
builds the payouts at the end.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from brainops.sample import stripe_objects as so
from brainops.sample.ids import stripe_id
from brainops.sample.timeline import AS_OF_TS, DAY, HOUR, MINUTE, day_floor

Sink = Callable[[str, dict[str, Any]], None]

DISPUTE_FEE = 15_00


def card_fee(amount: int) -> int:
    """Stripe's standard US card pricing: 2.9% + 30 cents."""
    return round(amount * 0.029) + 30


class StripeAccount:
    """What outlives one customer: where records go, and net balance by the day it becomes available."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.net_by_day: dict[int, int] = defaultdict(int)


@dataclass
class CustomerBook:
    """One Stripe customer's records while it is generated; events are written in time order."""

    account: StripeAccount
    rng: random.Random
    customer_id: str
    name: str
    email: str | None
    card: so.Card
    events: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)

    def write(self, stream: str, obj: dict[str, Any]) -> None:
        self.account.sink(stream, obj)

    def event(self, type_: str, at: int, obj: dict[str, Any], previous: dict[str, Any] | None = None) -> None:
        evt = so.event(id=stripe_id(self.rng, "evt"), created=at, type=type_, obj=obj, previous_attributes=previous)
        self.events.append((at, len(self.events), evt))

    def flush_events(self) -> None:
        for _, _, evt in sorted(self.events, key=lambda e: (e[0], e[1])):
            self.write("events", evt)
        self.events.clear()

    def balance_txn(
        self, *, at: int, amount: int, fee: int, source: str, type_: str, category: str, description: str | None
    ) -> dict[str, Any]:
        available_on = day_floor(at) + 2 * DAY if amount > 0 else at
        txn = so.balance_transaction(
            id=stripe_id(self.rng, "txn"), created=at, available_on=available_on, amount=amount, fee=fee,
            description=description, source=source, type=type_, reporting_category=category,
            available=available_on <= AS_OF_TS,
        )
        self.account.net_by_day[day_floor(available_on)] += amount - fee
        self.write("balance_transactions", txn)
        return txn


@dataclass(frozen=True)
class CardPayment:
    """What should happen to one card payment of `amount` at `at`."""

    at: int
    amount: int
    description: str
    metadata: dict[str, str]
    declines: tuple[tuple[int, str], ...] = ()  # earlier declined attempts: (time, decline code)
    succeed: bool = True
    overcharge: int = 0  # charged this much too much, refunded a few days later
    duplicate: bool = False  # charged twice; the second charge refunded in full
    dispute: bool = False


def pay(book: CustomerBook, plan: CardPayment) -> str | None:
    """Record the payment; returns the id of the charge that succeeded (or None)."""
    pi_id = stripe_id(book.rng, "pi")
    last_charge = ""
    for at, code in plan.declines:
        last_charge = _charge(book, pi_id, at, plan.amount, plan, succeeded=False, decline=code)["id"]
    succeeded_id = None
    if plan.succeed:
        succeeded_id = _succeeded_charge(book, pi_id, plan.at, plan.amount + plan.overcharge, plan,
                                         refund=plan.overcharge, reason="requested_by_customer",
                                         dispute=plan.dispute)
        last_charge = succeeded_id
    _payment_intent(book, pi_id, plan, last_charge, plan.succeed, plan.declines)
    if plan.duplicate and plan.succeed:
        dup_pi = stripe_id(book.rng, "pi")
        dup_at = plan.at + book.rng.randint(2 * MINUTE, HOUR)
        dup = _succeeded_charge(book, dup_pi, dup_at, plan.amount, plan, refund=plan.amount, reason="duplicate",
                                dispute=False)
        _payment_intent(book, dup_pi, CardPayment(dup_at, plan.amount, plan.description, plan.metadata), dup, True, ())
    return succeeded_id


def _charge(
    book: CustomerBook,
    pi_id: str,
    at: int,
    amount: int,
    plan: CardPayment,
    *,
    succeeded: bool,
    decline: str | None = None,
    charge_id: str | None = None,
    txn: str | None = None,
    refunds: list[dict[str, Any]] | None = None,
    disputed: bool = False,
    emit: bool = True,
) -> dict[str, Any]:
    obj = so.charge(
        id=charge_id or stripe_id(book.rng, "ch"), created=at, amount=amount, customer=book.customer_id,
        description=plan.description, metadata=plan.metadata, payment_intent=pi_id, card=book.card,
        billing_name=book.name, billing_email=book.email, succeeded=succeeded, decline_code=decline,
        balance_transaction=txn, refunds=refunds or [], disputed=disputed,
    )
    if emit:
        book.write("charges", obj)
        if not succeeded:
            book.event("charge.failed", at, obj)
    return obj


def _succeeded_charge(
    book: CustomerBook, pi_id: str, at: int, amount: int, plan: CardPayment, *, refund: int, reason: str,
    dispute: bool,
) -> str:
    charge_id = stripe_id(book.rng, "ch")
    txn = book.balance_txn(at=at, amount=amount, fee=card_fee(amount), source=charge_id, type_="charge",
                           category="charge", description=plan.description)
    common = {"charge_id": charge_id, "txn": txn["id"]}
    book.event("charge.succeeded", at, _charge(book, pi_id, at, amount, plan, succeeded=True, emit=False, **common))
    refunds: list[dict[str, Any]] = []
    if refund:
        refund_at = at + book.rng.randint(DAY, 6 * DAY)
        refund_id = stripe_id(book.rng, "re")
        refund_txn = book.balance_txn(at=refund_at, amount=-refund, fee=0, source=refund_id, type_="refund",
                                      category="refund", description="REFUND FOR CHARGE")
        refunds.append(so.refund(
            id=refund_id, created=refund_at, amount=refund, charge=charge_id, payment_intent=pi_id,
            balance_transaction=refund_txn["id"], reason=reason, customer=book.customer_id,
            payment_method=book.card.payment_method, metadata={},
        ))
        book.write("refunds", refunds[0])
        book.event("charge.refunded", refund_at,
                   _charge(book, pi_id, at, amount, plan, succeeded=True, emit=False, refunds=refunds, **common),
                   previous={"amount_refunded": 0, "refunded": False})
    if dispute:
        _dispute(book, pi_id, charge_id, at, amount)
    _charge(book, pi_id, at, amount, plan, succeeded=True, refunds=refunds, disputed=dispute, **common)
    return charge_id


def _payment_intent(
    book: CustomerBook, pi_id: str, plan: CardPayment, latest_charge: str, succeeded: bool,
    declines: tuple[tuple[int, str], ...],
) -> None:
    created = min([plan.at, *(at for at, _ in declines)]) - book.rng.randint(5, 120)
    book.write("payment_intents", so.payment_intent(
        id=pi_id, client_secret=f"{pi_id}_secret_{stripe_id(book.rng, 'x', 25)[2:]}", created=created,
        amount=plan.amount + plan.overcharge, customer=book.customer_id, description=plan.description,
        metadata=plan.metadata, payment_method=book.card.payment_method, latest_charge=latest_charge,
        succeeded=succeeded, last_decline=declines[-1][1] if declines else None,
    ))


def _dispute(book: CustomerBook, pi_id: str, charge_id: str, charged_at: int, amount: int) -> None:
    """A chargeback: funds and a $15 fee withdrawn at once; returned if the dispute is won."""
    rng = book.rng
    created = charged_at + rng.randint(7 * DAY, 50 * DAY)
    dispute_id = stripe_id(rng, "dp")
    txns = [book.balance_txn(at=created, amount=-amount, fee=DISPUTE_FEE, source=dispute_id, type_="adjustment",
                             category="dispute", description=f"Chargeback withdrawal for {charge_id}")]
    age = AS_OF_TS - created
    status = "needs_response" if age < 10 * DAY else "under_review"
    if age > 75 * DAY:
        status = "won" if rng.random() < 0.55 else "lost"
    reason = rng.choice(("product_unacceptable", "general", "fraudulent", "product_not_received"))
    common = {"id": dispute_id, "created": created, "amount": amount, "charge": charge_id, "payment_intent": pi_id,
              "card": book.card, "reason": reason, "due_by": day_floor(created) + 21 * DAY - 1,
              "customer_email": book.email, "customer_name": book.name}
    book.event("charge.dispute.created", created,
               so.dispute(status="needs_response", balance_transactions=list(txns), **common))
    if status == "won":
        won_at = created + rng.randint(30 * DAY, 70 * DAY)
        txns.append(book.balance_txn(at=won_at, amount=amount, fee=0, source=dispute_id, type_="adjustment",
                                     category="dispute_reversal", description=f"Chargeback reversal for {charge_id}"))
    book.write("disputes", so.dispute(status=status, balance_transactions=txns, **common))
