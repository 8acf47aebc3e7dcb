"""The business as plain data: money in integer cents, times in unix seconds (see timeline.py).

One company's records live in memory while it is generated and written; nothing here knows a
wire format (centerpoint_objects.py and stripe_objects.py do).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from brainops.sample.catalog import City


@dataclass(slots=True)
class Employee:
    id: str
    first_name: str
    last_name: str
    email: str
    phone: str
    role: str
    created: int
    updated: int
    deleted: int | None = None


@dataclass(slots=True)
class Payment:
    at: int
    cents: int
    method: str  # "card" (a Stripe charge), "check" or "ach" (not in Stripe)
    reference: str = ""  # check number, ACH trace, or the Stripe charge id (set by the Stripe layer)


@dataclass(slots=True)
class LineItem:
    description: str
    quantity: int
    unit_cents: int
    total_cents: int


@dataclass(slots=True)
class Invoice:
    id: str
    number: str
    kind: str  # "deposit" or "final"
    date: int
    terms_days: int
    is_draft: bool
    subtotal: int
    tax_rate: float
    tax: int
    items: list[LineItem]
    material: int
    labor: int
    other: int
    payments: list[Payment] = field(default_factory=list)
    deleted: int | None = None

    @property
    def amount(self) -> int:
        return self.subtotal + self.tax

    @property
    def due(self) -> int:
        return self.date + self.terms_days * 86_400

    @property
    def paid(self) -> int:
        return sum(p.cents for p in self.payments)

    @property
    def balance(self) -> int:
        return self.amount - self.paid

    @property
    def paid_at(self) -> int | None:
        return max(p.at for p in self.payments) if self.payments and self.balance == 0 else None

    @property
    def updated(self) -> int:
        return max([self.date, *(p.at for p in self.payments), self.deleted or 0])


@dataclass(slots=True)
class Job:
    """A production: the work sold by one opportunity."""

    id: str
    name: str
    status: str
    created: int
    price: int
    cost: int
    material: int
    labor: int
    started: int | None = None
    completed: int | None = None
    invoiced: int | None = None
    closed: int | None = None
    invoices: list[Invoice] = field(default_factory=list)
    notes: str = ""
    deleted: int | None = None

    @property
    def total_invoiced(self) -> int:
        return sum(i.amount for i in self.invoices if not i.is_draft and i.deleted is None)

    @property
    def updated(self) -> int:
        times = [self.created, self.started, self.completed, self.invoiced, self.closed, self.deleted]
        times += [i.updated for i in self.invoices]
        return max(t for t in times if t is not None)


@dataclass(slots=True)
class Opportunity:
    id: str
    name: str
    job_type: str
    domain: str
    lead_source: str
    status: str
    opened: int
    price: int
    cost: int
    material: int
    labor: int
    estimator_id: str
    property_id: str
    notes: str
    quoted: int | None = None
    sold: int | None = None
    dead: int | None = None
    job: Job | None = None
    deleted: int | None = None

    @property
    def updated(self) -> int:
        times = [self.opened, self.quoted, self.sold, self.dead, self.deleted]
        if self.job is not None:
            times.append(self.job.updated)
        return max(t for t in times if t is not None)


@dataclass(slots=True)
class Contact:
    id: str
    first_name: str
    last_name: str
    email: str
    phone: str
    title: str
    is_primary: bool
    created: int
    updated: int
    deleted: int | None = None


@dataclass(slots=True)
class Property:
    id: str
    name: str
    street: str
    city: City
    postal_code: str
    property_type: str
    roof_type: str
    squares: int
    latitude: float
    longitude: float
    created: int
    updated: int
    deleted: int | None = None


@dataclass(slots=True)
class Company:
    index: int
    id: str
    name: str
    kind: str  # "residential" or "commercial"
    email: str
    phone: str
    street: str
    city: City
    postal_code: str
    created: int
    terms_days: int
    payer: str  # "prompt", "normal" or "slow"
    card_share: float  # chance an eligible invoice is paid by card, if the company has a Stripe customer
    wants_stripe: bool
    contacts: list[Contact] = field(default_factory=list)
    properties: list[Property] = field(default_factory=list)
    opportunities: list[Opportunity] = field(default_factory=list)
    sales_status: str = "prospect"
    close_rate: float = 0.0
    updated: int = 0
    deleted: int | None = None
    stripe_customer_id: str | None = None

    @property
    def jobs(self) -> list[Job]:
        return [o.job for o in self.opportunities if o.job is not None]

    @property
    def invoices(self) -> list[Invoice]:
        return [i for j in self.jobs for i in j.invoices]
