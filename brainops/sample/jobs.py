"""A company's history of estimates (opportunities), the jobs sold from them (productions), and
their invoices, each stage placed in time and cut off at AS_OF."""

from __future__ import annotations

import math
import random

from brainops.sample.catalog import (
    BIG_JOBS,
    JOB_TYPE_WEIGHTS,
    JOB_TYPES,
    LEAD_SOURCE_WEIGHTS,
    LEAD_SOURCES,
    TAXABLE_JOBS,
)
from brainops.sample.ids import CenterPointIds
from brainops.sample.models import Company, Invoice, Job, LineItem, Opportunity, Property
from brainops.sample.notes import job_notes
from brainops.sample.pricing import estimate_price, job_items, prorate, split_cost
from brainops.sample.receivables import settle
from brainops.sample.timeline import AS_OF_TS, DAY, HOUR, YEAR

# New leads per active year, beyond the first.
LEAD_RATE = {"residential": 2.0, "commercial": 6.0}
SERVICE_TYPES = frozenset({"Inspection", "Maintenance", "Roof Repair"})


def poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _days(rng: random.Random, low: float, high: float) -> int:
    return int(rng.uniform(low, high) * DAY)


def _lead_source(rng: random.Random, k: int, job_type: str, has_won: bool) -> str:
    if k > 0 and has_won and rng.random() < 0.65:
        return "repeat customer"
    if job_type == "Storm Damage" and rng.random() < 0.6:
        return rng.choice(("insurance", "storm canvass"))
    return rng.choices(LEAD_SOURCES, LEAD_SOURCE_WEIGHTS)[0]


def _duration(rng: random.Random, job_type: str, domain: str, squares: int) -> int:
    if job_type in BIG_JOBS:
        crew_days = squares / (25 if domain == "residential" else 12)
        return int(max(0.3, crew_days * rng.uniform(0.7, 1.4)) * DAY)
    return int(rng.uniform(2, 9) * HOUR)


def simulate_history(
    company: Company, rng: random.Random, ids: CenterPointIds, estimators: list[str]
) -> None:
    """Fill company.opportunities (with jobs, invoices, payments) and the company's status fields."""
    years = (AS_OF_TS - company.created) / YEAR
    count = 1 + poisson(rng, LEAD_RATE[company.kind] * years)
    first = company.created + _days(rng, 0, 2)
    opened_times = [first, *sorted(int(rng.uniform(first, AS_OF_TS - HOUR)) for _ in range(count - 1))]
    short = company.name.split()[-1] if company.kind == "residential" else company.name
    won = lost = 0
    for k, opened in enumerate(opened_times):
        prop = rng.choice(company.properties)
        job_type = rng.choices(JOB_TYPES, JOB_TYPE_WEIGHTS[company.kind])[0]
        p_win = 0.64 if k == 0 else (0.82 if won else 0.45)
        opp = _opportunity(company, rng, ids, estimators, prop, job_type, opened, k, won > 0, short)
        decided = opp.quoted + _days(rng, 1, 21) if opp.quoted is not None else AS_OF_TS  # unquoted: open
        if decided >= AS_OF_TS:
            opp.status = "new_service" if job_type in SERVICE_TYPES else "opened"
        elif rng.random() < p_win:
            won += 1
            opp.sold = decided
            opp.job = _job(company, rng, ids, opp, prop)
            opp.status = opp.job.status
            if opp.status == "scheduled" and AS_OF_TS - decided < 7 * DAY:
                opp.status = "lead_sold"
        else:
            lost += 1
            opp.status, opp.dead = "lead_dead", decided
            if rng.random() < 0.015:
                opp.deleted = int(rng.uniform(decided, AS_OF_TS - 1))
        company.opportunities.append(opp)
    _company_status(company, rng, won, lost)


def _opportunity(
    company: Company,
    rng: random.Random,
    ids: CenterPointIds,
    estimators: list[str],
    prop: Property,
    job_type: str,
    opened: int,
    k: int,
    has_won: bool,
    short: str,
) -> Opportunity:
    price = estimate_price(rng, job_type, company.kind, prop)
    cost, material, labor = split_cost(rng, job_type, price)
    quoted = opened + _days(rng, 0.3, 8)
    return Opportunity(
        id=ids.opportunities.next(),
        name=f"{short} - {job_type}",
        job_type=job_type,
        domain=company.kind,
        lead_source=_lead_source(rng, k, job_type, has_won),
        status="opened",
        opened=opened,
        quoted=quoted if quoted < AS_OF_TS else None,
        price=price,
        cost=cost,
        material=material,
        labor=labor,
        estimator_id=rng.choice(estimators),
        property_id=prop.id,
        notes=job_notes(rng, job_type, prop.roof_type, prop.squares),
    )


def _job(
    company: Company, rng: random.Random, ids: CenterPointIds, opp: Opportunity, prop: Property
) -> Job:
    assert opp.sold is not None
    price, cost, material, labor = opp.price, opp.cost, opp.material, opp.labor
    notes = job_notes(rng, opp.job_type, prop.roof_type, prop.squares)
    if opp.job_type == "Storm Damage" and rng.random() < 0.3:  # an approved insurance supplement
        factor = rng.uniform(1.03, 1.18)
        price, cost, material, labor = (round(v * factor / 100) * 100 for v in (price, cost, material, labor))
        notes += " Insurance supplement approved for decking and code items."
    job = Job(
        id=ids.productions.next(), name=opp.name, status="scheduled", created=opp.sold,
        price=price, cost=cost, material=material, labor=labor, notes=notes,
    )
    big = opp.job_type in BIG_JOBS
    start = opp.sold + (_days(rng, 5, 40) if big else _days(rng, 1, 12)) + rng.randint(7, 9) * HOUR
    completed = start + _duration(rng, opp.job_type, company.kind, prop.squares)
    invoiced = completed + _days(rng, 0.2, 6)
    tax_rate = prop.city.tax_rate if opp.job_type in TAXABLE_JOBS else 0.0
    deposit_sub = 0
    if big and price >= 8_000_00 and rng.random() < 0.45:
        deposit_sub = round(price * rng.choice((0.3, 0.33, 0.4, 0.5)) / 100) * 100
        deposit_at = opp.sold + _days(rng, 0.1, 3)
        if deposit_at < AS_OF_TS:
            pct = round(100 * deposit_sub / price)
            items = [LineItem(f"Deposit ({pct}% of contract) - {opp.job_type}", 1, deposit_sub, deposit_sub)]
            job.invoices.append(_invoice(ids, job, "deposit", deposit_at, company, deposit_sub, tax_rate, items, False))
    if start < AS_OF_TS:
        job.status, job.started = "started", start
    if completed < AS_OF_TS:
        job.status, job.completed = "completed", completed
    items = job_items(rng, opp.job_type, prop, price)
    if deposit_sub:
        items.append(LineItem("Less deposit invoiced", 1, -deposit_sub, -deposit_sub))
    if invoiced < AS_OF_TS:
        job.status, job.invoiced = "invoiced", invoiced
        job.invoices.append(_invoice(ids, job, "final", invoiced, company, price - deposit_sub, tax_rate, items, False))
        if rng.random() < 0.006:  # a duplicate draft someone started and then deleted
            dup = _invoice(ids, job, "final", invoiced - HOUR, company, price - deposit_sub, tax_rate, items, True)
            dup.deleted = min(AS_OF_TS - 1, invoiced + _days(rng, 0, 2))
            job.invoices.append(dup)
    elif job.completed is not None and rng.random() < 0.5:
        draft_at = min(AS_OF_TS - 1, job.completed + _days(rng, 0, 2))
        job.invoices.append(_invoice(ids, job, "final", draft_at, company, price - deposit_sub, tax_rate, items, True))
    for invoice in job.invoices:
        settle(rng, company, invoice)
    live = [i for i in job.invoices if not i.is_draft]
    if job.invoiced is not None and all(i.balance == 0 for i in live):
        job.status = "closed"
        job.closed = max(i.paid_at or 0 for i in live)
    if job.status == "scheduled" and not job.invoices and rng.random() < 0.15:
        job.deleted = min(AS_OF_TS - 1, opp.sold + _days(rng, 1, 20))  # cancelled before work began
    return job


def _invoice(
    ids: CenterPointIds,
    job: Job,
    kind: str,
    date: int,
    company: Company,
    subtotal: int,
    tax_rate: float,
    items: list[LineItem],
    draft: bool,
) -> Invoice:
    material = prorate(job.material, subtotal, job.price)
    labor = prorate(job.labor, subtotal, job.price)
    other = prorate(job.cost, subtotal, job.price) - material - labor
    return Invoice(
        id=ids.invoices.next(),
        number=ids.invoice_number(),
        kind=kind,
        date=date,
        terms_days=company.terms_days,
        is_draft=draft,
        subtotal=subtotal,
        tax_rate=tax_rate,
        tax=round(subtotal * tax_rate),
        items=items,
        material=material,
        labor=labor,
        other=other,
    )


def _company_status(company: Company, rng: random.Random, won: int, lost: int) -> None:
    opps = company.opportunities
    company.close_rate = round(won / (won + lost), 2) if won + lost else 0.0
    last_sold = max((o.sold for o in opps if o.sold is not None), default=None)
    open_leads = any(o.sold is None and o.dead is None for o in opps)
    if last_sold is None:
        company.sales_status = "prospect"
        company.wants_stripe = company.wants_stripe and rng.random() < 0.3  # few prospects leave a card
    elif last_sold < AS_OF_TS - 540 * DAY and not open_leads:
        company.sales_status = "inactive"
    else:
        company.sales_status = "customer"
    company.updated = max([company.created, *(o.opened for o in opps)])
    if company.sales_status == "prospect" and not (open_leads or company.wants_stripe) and rng.random() < 0.035:
        company.deleted = min(AS_OF_TS - 1, max(o.updated for o in opps) + _days(rng, 1, 60))
        company.updated = company.deleted
