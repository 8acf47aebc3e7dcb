"""Generate the sample business into a directory: `generate(out_dir, scale=..., seed=...)`.

Company by company (so scale 100 streams in constant memory): its CenterPoint records, its Stripe
records, its ground-truth line; then Stripe payouts, the Notion knowledge base and IES statements
(other modules), and last of all manifest.json, whose presence means the sample is complete.

Layout (JSON Lines, one object per line, keys sorted):
    manifest.json                       {"seed", "scale", "as_of", "counts": {"centerpoint/companies": N, ...}}
    centerpoint/<resource>.jsonl        JSON:API resource objects (companies, profiles, properties, ...)
    stripe/<object>.jsonl               Stripe API objects (customers, charges, events, ...)
    truth/customers.jsonl, truth/mrr_by_month.jsonl, truth/summary.json

For readers of these files (the stand-in servers):
- Lines are in generation order (company by company), not sorted by time: a server sorts (CenterPoint
  by updatedAt, id; Stripe lists newest `created` first) and filters itself. Within one Stripe
  customer, events are in time order; payout records and payout.paid events come last.
- Every time is before AS_OF (2026-11-01T00:00:00Z). Stripe `created` is unix seconds, amounts in cents;
  CenterPoint money is dollars, times ISO 8601 with Z.
- Stripe links are ids, never expanded: charge.customer / payment_intent / balance_transaction,
  refund.charge, dispute.charge, payout.balance_transaction, balance_transaction.source,
  invoice.customer / subscription, subscription.customer / latest_invoice, price.product. A charge
  embeds its refunds list. Payment method ids (pm_...) are referenced but not written anywhere.
- stripe/invoices are Roof Care subscription invoices only; their charges carry metadata
  {stripe_invoice_id, stripe_subscription_id}. Card payments of CenterPoint invoices are charges with
  metadata {centerpoint_invoice_id, centerpoint_company_id, centerpoint_invoice_number}; the CenterPoint
  invoice lists its payments (card ones with the charge id as reference, checks and ACH not in Stripe).
- Events are `data.object` snapshots at event time; customer.subscription.updated/deleted also carry
  `data.previous_attributes`.
- Soft-deleted CenterPoint records (deletedAt set) never carry money: deleted invoices are drafts,
  deleted productions are cancelled jobs without invoices.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from faker import Faker

from brainops.sample import centerpoint_objects as cp
from brainops.sample.business import company_count, company_rng, estimator_ids, simulate_company, staff
from brainops.sample.ids import CenterPointIds
from brainops.sample.models import Company
from brainops.sample.payouts import write_payouts
from brainops.sample.stripe_catalog import build_catalog
from brainops.sample.stripe_customer import simulate_customer
from brainops.sample.stripe_payments import StripeAccount
from brainops.sample.timeline import AS_OF
from brainops.sample.truth import Truth
from brainops.sample.writer import JsonlWriter, write_json_atomically

__all__ = ["AS_OF", "CENTERPOINT_RESOURCES", "STRIPE_OBJECTS", "generate"]

Progress = Callable[[str, int, int], None]

CENTERPOINT_RESOURCES = ("companies", "profiles", "properties", "employees", "opportunities", "productions", "invoices")
STRIPE_OBJECTS = (
    "customers", "products", "prices", "subscriptions", "invoices", "charges", "payment_intents", "refunds",
    "disputes", "payouts", "balance_transactions", "events",
)
TRUTH_STREAMS = ("customers", "mrr_by_month")


def generate(out_dir: Path, *, scale: float = 1.0, seed: int = 42, progress: Progress | None = None) -> dict[str, Any]:
    """Write the whole sample under `out_dir` and return its manifest."""
    if scale <= 0:
        raise ValueError(f"The scale must be positive (got {scale}).")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "manifest.json").unlink(missing_ok=True)  # until the new sample is complete
    report = progress or (lambda stage, done, total: None)
    streams = [f"centerpoint/{r}" for r in CENTERPOINT_RESOURCES] + [f"stripe/{o}" for o in STRIPE_OBJECTS]
    streams += [f"truth/{t}" for t in TRUTH_STREAMS]
    with JsonlWriter(out_dir, streams) as writer:
        truth = _write_business(writer, scale=scale, seed=seed, report=report)
    write_json_atomically(out_dir / "truth" / "summary.json", truth.summary())
    counts: dict[str, int] = dict(writer.counts)
    counts.update(_other_parts(out_dir, scale=scale, seed=seed, report=report))
    manifest = {"seed": seed, "scale": scale, "as_of": AS_OF.isoformat().replace("+00:00", "Z"), "counts": counts}
    write_json_atomically(out_dir / "manifest.json", manifest)
    report("done", 1, 1)
    return manifest


def _write_business(writer: JsonlWriter, *, scale: float, seed: int, report: Progress) -> Truth:
    def stripe_sink(kind: str, obj: dict[str, Any]) -> None:
        writer.write(f"stripe/{kind}", obj)

    account = StripeAccount(stripe_sink)
    plans, products, prices = build_catalog(seed)
    for obj in products:
        stripe_sink("products", obj)
    for obj in prices:
        stripe_sink("prices", obj)
    employees = staff(seed, scale)
    for e in employees:
        writer.write("centerpoint/employees", cp.employee(e))
    estimators = estimator_ids(employees)
    fake = Faker("en_US")
    ids = CenterPointIds()
    truth = Truth()
    total = company_count(scale)
    step = max(1, total // 100)
    for index in range(total):
        company = simulate_company(index, seed, fake, ids, estimators)
        life = simulate_customer(company, company_rng(seed, index, "stripe"), account, plans)
        _write_centerpoint(writer, company)
        writer.write("truth/customers", truth.company_line(company))
        if life is not None:
            truth.add_subscription(life)
        if (index + 1) % step == 0 or index + 1 == total:
            report("companies", index + 1, total)
    report("payouts", 0, 1)
    write_payouts(seed, account.net_by_day, stripe_sink)
    report("payouts", 1, 1)
    for row in truth.mrr_rows():
        writer.write("truth/mrr_by_month", row)
    return truth


def _write_centerpoint(writer: JsonlWriter, company: Company) -> None:
    writer.write("centerpoint/companies", cp.company(company))
    for contact in company.contacts:
        writer.write("centerpoint/profiles", cp.profile(contact, company.id))
    for prop in company.properties:
        writer.write("centerpoint/properties", cp.property_(prop, company.id))
    for opp in company.opportunities:
        writer.write("centerpoint/opportunities", cp.opportunity(opp, company.id))
    for opp in company.opportunities:
        if opp.job is not None:
            writer.write("centerpoint/productions", cp.production(opp.job, opp, company.id))
            for inv in opp.job.invoices:
                writer.write("centerpoint/invoices", cp.invoice(inv, opp.job, company.id))


def _other_parts(out_dir: Path, *, scale: float, seed: int, report: Progress) -> dict[str, int]:
    """The Notion knowledge base and IES statements, from their own modules when they are installed."""
    counts: dict[str, int] = {}
    try:
        from brainops.sample.notion_kb import generate_notion
    except ImportError:
        generate_notion = None
    try:
        from brainops.sample.ies_statements import generate_ies
    except ImportError:
        generate_ies = None
    for name, part in (("notion", generate_notion), ("ies", generate_ies)):
        if part is None:
            counts[name] = 0
            continue
        report(name, 0, 1)
        part_counts = part(out_dir, scale=scale, seed=seed, as_of=AS_OF)
        counts.update({k if "/" in k else f"{name}/{k}": v for k, v in part_counts.items()})
        counts[name] = sum(part_counts.values())
        report(name, 1, 1)
    return counts
