"""The sample business generator: deterministic, complete, internally consistent, Stripe-shaped.

Runs at scale 0.05 (180 companies) in a temporary directory; no database. The Notion and IES parts
(other modules) are switched off here, so these tests check only the CenterPoint/Stripe/truth part.
"""

from __future__ import annotations

import itertools
import json
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from brainops.paths import PROJECT_ROOT
from brainops.sample import stripe_objects as so
from brainops.sample.generate import AS_OF, CENTERPOINT_RESOURCES, STRIPE_OBJECTS, generate

SCALE = 0.05
OTHER_PARTS = ("brainops.sample.notion_kb", "brainops.sample.ies_statements")
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "stripe" / "fixtures3.json"
AS_OF_TS = int(AS_OF.timestamp())

# Stripe file -> the fixtures3.json example whose top-level keys its objects must carry.
STRIPE_FIXTURE_TYPES = {
    "customers": "customer", "products": "product", "prices": "price", "subscriptions": "subscription",
    "invoices": "invoice", "charges": "charge", "payment_intents": "payment_intent", "refunds": "refund",
    "disputes": "dispute", "payouts": "payout", "balance_transactions": "balance_transaction", "events": "event",
}
# Documented exceptions to "same top-level keys as the fixture" (none today): type -> keys.
ALLOWED_EXTRA_KEYS: dict[str, set[str]] = {}
ALLOWED_MISSING_KEYS: dict[str, set[str]] = {}


def run(out: Path, scale: float = SCALE, progress: Any = None) -> dict[str, Any]:
    """generate() with the Notion and IES parts unavailable (their imports fail)."""
    with pytest.MonkeyPatch.context() as mp:
        for name in OTHER_PARTS:
            mp.setitem(sys.modules, name, None)
        return generate(out, scale=scale, seed=42, progress=progress)


class Sample:
    def __init__(self, root: Path, manifest: dict[str, Any], manifest_seen_early: bool) -> None:
        self.root = root
        self.manifest = manifest
        self.manifest_seen_early = manifest_seen_early
        self._cache: dict[str, list[dict[str, Any]]] = {}

    def load(self, stream: str) -> list[dict[str, Any]]:
        if stream not in self._cache:
            with (self.root / f"{stream}.jsonl").open(encoding="utf-8") as f:
                self._cache[stream] = [json.loads(line) for line in f]
        return self._cache[stream]

    def by_id(self, stream: str) -> dict[str, dict[str, Any]]:
        return {r["id"]: r for r in self.load(stream)}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    root = tmp_path_factory.mktemp("sample")
    (root / "manifest.json").write_text("{}")  # a stale manifest must disappear at once
    seen = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage != "done":
            seen.append((root / "manifest.json").exists())

    manifest = run(root, progress=progress)
    return Sample(root, manifest, any(seen))


def cents(dollars: float) -> int:
    return round(dollars * 100)


def ts(iso: str | None) -> int | None:
    return None if iso is None else int(datetime.fromisoformat(iso).timestamp())


def test_same_seed_and_scale_give_byte_identical_files(sample: Sample, tmp_path: Path) -> None:
    again = tmp_path / "again"
    run(again)
    first = sorted(p.relative_to(sample.root) for p in sample.root.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    for rel in first:
        assert (sample.root / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_manifest_is_written_last_and_counts_every_line(sample: Sample) -> None:
    root, manifest = sample.root, sample.manifest
    assert not sample.manifest_seen_early
    assert json.loads((root / "manifest.json").read_text()) == manifest
    assert manifest["seed"] == 42 and manifest["scale"] == SCALE and manifest["as_of"] == "2026-11-01T00:00:00Z"
    assert not list(root.rglob("*.tmp"))
    manifest_time = (root / "manifest.json").stat().st_mtime_ns
    for path in root.rglob("*"):
        if path.is_file():
            assert path.stat().st_mtime_ns <= manifest_time, path
    expected = {f"centerpoint/{r}" for r in CENTERPOINT_RESOURCES} | {f"stripe/{o}" for o in STRIPE_OBJECTS}
    expected |= {"truth/customers", "truth/mrr_by_month"}
    for stream in expected:
        lines = (root / f"{stream}.jsonl").read_text().splitlines()
        assert manifest["counts"][stream] == len(lines), stream
    assert manifest["counts"]["notion"] == 0 and manifest["counts"]["ies"] == 0
    assert (root / "truth" / "summary.json").exists()


def test_lines_are_compact_sorted_json(sample: Sample) -> None:
    line = (sample.root / "stripe" / "charges.jsonl").read_text().splitlines()[0]
    assert line == json.dumps(json.loads(line), separators=(",", ":"), sort_keys=True)


def test_centerpoint_records_are_json_api_resources_with_sane_times(sample: Sample) -> None:
    for resource in CENTERPOINT_RESOURCES:
        records = sample.load(f"centerpoint/{resource}")
        assert records, resource
        assert len({r["id"] for r in records}) == len(records), f"duplicate ids in {resource}"
        deleted = 0
        for r in records:
            assert set(r) == {"id", "type", "attributes", "relationships"}
            assert r["type"] == resource and r["id"].isdigit()
            a = r["attributes"]
            assert a["createdAt"].endswith("Z") and a["updatedAt"].endswith("Z")
            assert ts(a["createdAt"]) <= ts(a["updatedAt"]) <= AS_OF_TS, (resource, r["id"])
            if a["deletedAt"] is not None:
                deleted += 1
                assert ts(a["createdAt"]) <= ts(a["deletedAt"]) <= ts(a["updatedAt"])
        assert deleted <= max(2, 0.03 * len(records)), resource
    assert sample.load("centerpoint/companies")[0]["id"] == "10001"


def test_foreign_ids_resolve(sample: Sample) -> None:
    companies = sample.by_id("centerpoint/companies")
    properties = sample.by_id("centerpoint/properties")
    employees = sample.by_id("centerpoint/employees")
    opportunities = sample.by_id("centerpoint/opportunities")
    productions = sample.by_id("centerpoint/productions")
    for p in sample.load("centerpoint/profiles") + list(properties.values()):
        assert p["attributes"]["companyId"] in companies
        assert p["relationships"]["company"]["data"]["id"] == p["attributes"]["companyId"]
    for o in opportunities.values():
        a = o["attributes"]
        assert a["billedCompanyId"] in companies and a["propertyId"] in properties
        assert employees[a["estimatorId"]]["attributes"]["role"] == "estimator"
        assert properties[a["propertyId"]]["attributes"]["companyId"] == a["billedCompanyId"]
        assert o["relationships"]["property"]["data"]["id"] == a["propertyId"]
    sold = {o["id"] for o in opportunities.values() if o["attributes"]["leadSoldAt"]}
    assert {p["attributes"]["opportunityId"] for p in productions.values()} == sold  # one job per sale
    for p in productions.values():
        a = p["attributes"]
        opp = opportunities[a["opportunityId"]]["attributes"]
        assert a["billedCompanyId"] == opp["billedCompanyId"] and a["propertyId"] == opp["propertyId"]
        assert a["estimatorId"] == opp["estimatorId"] and a["jobType"] == opp["opportunityType"]
        assert p["relationships"]["opportunity"]["data"] == {"type": "opportunities", "id": a["opportunityId"]}
    for i in sample.load("centerpoint/invoices"):
        a = i["attributes"]
        job = productions[a["productionId"]]["attributes"]
        assert a["billedCompanyId"] == job["billedCompanyId"] and a["productionName"] == job["name"]
        assert i["relationships"]["production"]["data"]["id"] == a["productionId"]


def test_estimates_and_jobs_move_forward_in_time(sample: Sample) -> None:
    statuses = set()
    for o in sample.load("centerpoint/opportunities"):
        a = o["attributes"]
        statuses.add(a["status"])
        times = [ts(a[k]) for k in ("leadOpenedAt", "leadQuotedAt", "leadSoldAt", "leadDeadAt") if a[k]]
        assert times == sorted(times)
        assert not (a["leadSoldAt"] and a["leadDeadAt"])
        assert a["notes"]
    assert {"lead_dead", "closed", "invoiced"} <= statuses
    for p in sample.load("centerpoint/productions"):
        a = p["attributes"]
        times = [ts(a[k]) for k in ("createdAt", "startedAt", "completedAt", "invoicedAt") if a[k]]
        assert times == sorted(times)
        assert (a["closedAt"] is not None) == (a["status"] == "closed")
    margins = [1 - p["attributes"]["cost"] / p["attributes"]["price"] for p in sample.load("centerpoint/productions")]
    assert sum(m < 0 for m in margins) < 0.15 * len(margins)
    assert 0.15 < sorted(margins)[len(margins) // 2] < 0.45


def test_invoice_arithmetic(sample: Sample) -> None:
    invoices = sample.load("centerpoint/invoices")
    for i in invoices:
        a, o = i["attributes"], i["attributes"]["options"]
        amount = cents(a["amount"])
        assert cents(o["subtotal"]) + cents(o["taxAmount"]) == cents(o["total"]) == amount
        assert sum(cents(item["total"]) for item in o["items"]) == cents(o["subtotal"])
        for item in o["items"]:
            assert cents(item["unitPrice"]) * item["quantity"] == cents(item["total"])
        assert cents(a["amountPaid"]) == sum(cents(p["amount"]) for p in a["payments"])
        assert cents(a["balance"]) == amount - cents(a["amountPaid"]) >= 0
        assert (a["paidAt"] is not None) == (a["balance"] == 0 and not a["isDraft"])
        assert ts(a["dueDate"]) - ts(a["invoiceDate"]) in (15 * 86400, 30 * 86400, 45 * 86400)
        assert o["paymentTerms"] in ("Net 15", "Net 30", "Net 45")
        if a["isDraft"]:
            assert a["payments"] == []
        if a["deletedAt"]:
            assert a["isDraft"]  # only drafts are ever deleted, so deletions never move money
        assert cents(a["profit"]) == cents(o["subtotal"]) - sum(
            cents(a[k]) for k in ("materialTotal", "laborTravelTotal", "otherTotal")
        )
    live = [i["attributes"] for i in invoices if not i["attributes"]["isDraft"]]
    assert any(a["amountPaid"] and a["balance"] for a in live), "some partial payments"
    overdue = [a for a in live if a["balance"] and ts(a["dueDate"]) < AS_OF_TS]
    assert overdue and any(AS_OF_TS - ts(a["dueDate"]) > 90 * 86400 for a in overdue)
    productions = sample.by_id("centerpoint/productions")
    totals: dict[str, int] = defaultdict(int)
    for a in live:
        totals[a["productionId"]] += cents(a["amount"])
    for pid, p in productions.items():
        assert cents(p["attributes"]["totalInvoiced"]) == totals.get(pid, 0)


def test_companies_contacts_and_stripe_customers_agree(sample: Sample) -> None:
    companies = sample.load("centerpoint/companies")
    customers = sample.by_id("stripe/customers")
    primary = {p["attributes"]["companyId"]: p["attributes"] for p in sample.load("centerpoint/profiles")
               if p["attributes"]["isPrimary"]}
    linked = 0
    same_email = 0
    for c in companies:
        a = c["attributes"]
        assert primary[c["id"]]["email"] == a["email"]
        assert a["type"] in ("residential", "commercial")
        assert a["salesStatus"] in ("customer", "prospect", "inactive")
        assert 0 <= a["closeRate"] <= 1
        if a["externalId"]:
            linked += 1
            customer = customers[a["externalId"]]
            assert customer["metadata"] == {"centerpoint_company_id": c["id"]}
            same_email += customer["email"] == a["email"]
            if customer["email"] is not None:
                assert customer["email"].lower() == a["email"]
    assert linked == len(customers)
    assert 0.4 < linked / len(companies) < 0.7
    assert same_email >= 0.9 * linked
    assert 0.65 < sum(c["attributes"]["type"] == "residential" for c in companies) / len(companies) < 0.95


def test_stripe_links_resolve(sample: Sample) -> None:
    customers = sample.by_id("stripe/customers")
    charges = sample.by_id("stripe/charges")
    intents = sample.by_id("stripe/payment_intents")
    txns = sample.by_id("stripe/balance_transactions")
    refunds = sample.load("stripe/refunds")
    prices = sample.by_id("stripe/prices")
    products = sample.by_id("stripe/products")
    for stream in STRIPE_OBJECTS:
        records = sample.load(f"stripe/{stream}")
        assert len({r["id"] for r in records}) == len(records), stream
        for r in records:
            assert r["object"] == STRIPE_FIXTURE_TYPES[stream] and r.get("livemode", False) is False
            assert 0 < r["created"] < AS_OF_TS
    for p in prices.values():
        assert p["product"] in products and p["recurring"]["interval"] in ("month", "year")
    refunds_by_charge: dict[str, int] = defaultdict(int)
    for r in refunds:
        assert r["charge"] in charges and r["payment_intent"] == charges[r["charge"]]["payment_intent"]
        assert txns[r["balance_transaction"]]["amount"] == -r["amount"]
        assert txns[r["balance_transaction"]]["source"] == r["id"]
        refunds_by_charge[r["charge"]] += r["amount"]
    for ch in charges.values():
        assert ch["customer"] in customers and ch["payment_intent"] in intents
        assert ch["amount_refunded"] == refunds_by_charge.get(ch["id"], 0) == sum(
            r["amount"] for r in ch["refunds"]["data"])
        assert ch["refunded"] == (ch["amount_refunded"] == ch["amount"] and ch["status"] == "succeeded")
        if ch["status"] == "succeeded":
            txn = txns[ch["balance_transaction"]]
            assert txn["source"] == ch["id"] and txn["amount"] == ch["amount"]
            assert txn["fee"] == round(ch["amount"] * 0.029) + 30 and txn["net"] == txn["amount"] - txn["fee"]
        else:
            assert ch["balance_transaction"] is None and ch["failure_code"] and not ch["paid"]
    failed = sum(ch["status"] == "failed" for ch in charges.values())
    assert 0 < failed < 0.08 * len(charges)
    assert refunds, "some refunds"
    for pi in intents.values():
        assert pi["latest_charge"] in charges and pi["customer"] in customers
    for d in sample.load("stripe/disputes"):
        assert charges[d["charge"]]["disputed"]
        assert all(t["id"] in txns for t in d["balance_transactions"])
    assert sum(ch["disputed"] for ch in charges.values()) == len(sample.load("stripe/disputes"))
    for p in sample.load("stripe/payouts"):
        assert txns[p["balance_transaction"]]["amount"] == -p["amount"]
    subscriptions = sample.by_id("stripe/subscriptions")
    for s in subscriptions.values():
        assert s["customer"] in customers
        assert s["items"]["data"][0]["price"]["id"] in prices
        assert s["status"] in ("active", "past_due", "canceled", "trialing")
        if s["status"] == "canceled":
            assert s["canceled_at"] and s["ended_at"]
    invoices = sample.by_id("stripe/invoices")
    for inv in invoices.values():
        assert inv["customer"] == subscriptions[inv["subscription"]]["customer"]
        assert inv["status"] in ("paid", "open", "uncollectible")
        assert inv["amount_paid"] == (inv["amount_due"] if inv["status"] == "paid" else 0)
    paid_by_invoice = {ch["metadata"]["stripe_invoice_id"] for ch in charges.values()
                       if ch["status"] == "succeeded" and "stripe_invoice_id" in ch["metadata"]}
    assert paid_by_invoice == {i for i, inv in invoices.items() if inv["status"] == "paid"}
    streams = {"customer": customers, "charge": charges, "invoice": invoices, "subscription": subscriptions,
               "payout": sample.by_id("stripe/payouts"), "dispute": sample.by_id("stripe/disputes")}
    types = set()
    for e in sample.load("stripe/events"):
        types.add(e["type"])
        obj = e["data"]["object"]
        assert obj["id"] in streams[obj["object"]], e["type"]
    assert {"customer.created", "charge.succeeded", "invoice.paid", "customer.subscription.created",
            "payout.paid", "charge.refunded"} <= types


def test_card_payments_of_centerpoint_invoices_are_stripe_charges(sample: Sample) -> None:
    charges = sample.by_id("stripe/charges")
    net_by_invoice: dict[str, int] = defaultdict(int)
    for ch in charges.values():
        if ch["status"] == "succeeded" and "centerpoint_invoice_id" in ch["metadata"]:
            net_by_invoice[ch["metadata"]["centerpoint_invoice_id"]] += ch["amount"] - ch["amount_refunded"]
    companies = sample.by_id("centerpoint/companies")
    card_total = 0
    for i in sample.load("centerpoint/invoices"):
        a = i["attributes"]
        card = [p for p in a["payments"] if p["method"] == "card"]
        card_total += len(card)
        assert sum(cents(p["amount"]) for p in card) == net_by_invoice.pop(i["id"], 0)
        for p in card:
            ch = charges[p["reference"]]
            assert ch["metadata"]["centerpoint_invoice_id"] == i["id"]
            assert ch["metadata"]["centerpoint_company_id"] == a["billedCompanyId"]
            assert ch["customer"] == companies[a["billedCompanyId"]]["attributes"]["externalId"]
            assert ch["created"] == ts(p["paidAt"])
        for p in a["payments"]:
            assert p["method"] in ("card", "check", "ach")
    assert not net_by_invoice, "Stripe charges for invoices that do not exist"
    assert card_total > 0


def test_truth_agrees_with_records(sample: Sample) -> None:
    companies = sample.load("centerpoint/companies")
    expected: dict[str, dict[str, int]] = {c["id"]: defaultdict(int) for c in companies}
    for p in sample.load("centerpoint/productions"):
        if p["attributes"]["deletedAt"] is None:
            expected[p["attributes"]["billedCompanyId"]]["jobs"] += 1
    for i in sample.load("centerpoint/invoices"):
        a = i["attributes"]
        if not a["isDraft"]:
            row = expected[a["billedCompanyId"]]
            row["invoiced"] += cents(a["amount"])
            row["paid"] += cents(a["amountPaid"])
            row["open"] += cents(a["balance"])
    truth = sample.load("truth/customers")
    assert [t["company_id"] for t in truth] == [c["id"] for c in companies]
    by_id = {c["id"]: c["attributes"] for c in companies}
    for t in truth:
        e = expected[t["company_id"]]
        assert t["jobs"] == e["jobs"]
        assert (cents(t["invoiced_total"]), cents(t["paid_total"]), cents(t["open_balance"])) == (
            e["invoiced"], e["paid"], e["open"])
        assert t["email"] == by_id[t["company_id"]]["email"]
        assert t["stripe_customer_id"] == by_id[t["company_id"]]["externalId"]
    summary = json.loads((sample.root / "truth" / "summary.json").read_text())
    assert summary["companies"] == len(companies)
    assert summary["jobs"] == sum(t["jobs"] for t in truth)
    for key in ("invoiced_total", "paid_total", "open_balance"):
        assert cents(summary[key]) == sum(cents(t[key]) for t in truth)


def _month_end(month: str) -> int:
    year, mon = map(int, month.split("-"))
    following = datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=UTC)
    return int(following.timestamp()) - 1


def _monthly(sub: dict[str, Any]) -> int:
    if sub["status"] not in ("active", "past_due"):
        return 0
    price = sub["items"]["data"][0]["price"]
    return price["unit_amount"] // (12 if price["recurring"]["interval"] == "year" else 1)


def test_mrr_truth_replays_from_subscription_events(sample: Sample) -> None:
    events = sorted(
        (e for e in sample.load("stripe/events") if e["type"].startswith("customer.subscription.")),
        key=lambda e: e["created"],
    )
    rows = sample.load("truth/mrr_by_month")
    assert [r["month"] for r in rows] == sorted(r["month"] for r in rows) and rows[-1]["month"] == "2026-10"
    state: dict[str, int] = {}
    k = 0
    for row in rows:
        end = _month_end(row["month"])
        while k < len(events) and events[k]["created"] <= end:
            sub = events[k]["data"]["object"]
            state[sub["id"]] = _monthly(sub)
            k += 1
        assert cents(row["mrr"]) == sum(state.values()), row["month"]
        assert row["active_subscriptions"] == sum(v > 0 for v in state.values()), row["month"]
    for before, row in itertools.pairwise(rows):
        moved = cents(row["new_mrr"]) + cents(row["expansion_mrr"]) - cents(row["contraction_mrr"])
        assert cents(before["mrr"]) + moved - cents(row["churned_mrr"]) == cents(row["mrr"])
    final = sum(_monthly(s) for s in sample.load("stripe/subscriptions"))
    assert cents(rows[-1]["mrr"]) == final > 0


def test_payouts_sweep_the_available_balance(sample: Sample) -> None:
    txns = sample.load("stripe/balance_transactions")
    payouts = sorted(sample.load("stripe/payouts"), key=lambda p: p["created"])
    assert payouts
    last = payouts[-1]["created"]
    earned = sum(t["net"] for t in txns if t["type"] != "payout" and t["available_on"] <= last)
    assert sum(p["amount"] for p in payouts) == earned
    for p in payouts:
        assert p["amount"] > 0 and p["arrival_date"] > p["created"]
        assert p["status"] == ("paid" if p["arrival_date"] <= AS_OF_TS else "in_transit")
    for t in txns:
        assert t["status"] == ("available" if t["available_on"] <= AS_OF_TS else "pending")


def test_stripe_objects_have_the_fixture_top_level_keys(sample: Sample) -> None:
    fixtures = json.loads(FIXTURES.read_text())["resources"]

    def check(kind: str, obj: dict[str, Any]) -> None:
        want = set(fixtures[kind])
        assert set(obj) - want <= ALLOWED_EXTRA_KEYS.get(kind, set()), kind
        assert want - set(obj) <= ALLOWED_MISSING_KEYS.get(kind, set()), kind

    for stream, kind in STRIPE_FIXTURE_TYPES.items():
        for obj in sample.load(f"stripe/{stream}")[:50]:
            check(kind, obj)
    for sub in sample.load("stripe/subscriptions")[:5]:
        check("subscription_item", sub["items"]["data"][0])
    for inv in sample.load("stripe/invoices")[:5]:
        check("line_item", inv["lines"]["data"][0])
    card = so.Card("pm_x", "visa", "4242", 1, 2030, "f", "credit")
    check("dispute", so.dispute(id="dp_x", created=1, amount=1, charge="ch_x", payment_intent="pi_x", card=card,
                                reason="general", status="won", balance_transactions=[], due_by=2,
                                customer_email=None, customer_name="x"))


def test_counts_scale_roughly_linearly(sample: Sample, tmp_path: Path) -> None:
    double = run(tmp_path / "double", scale=2 * SCALE)["counts"]
    single = sample.manifest["counts"]
    for stream in ("centerpoint/companies", "centerpoint/opportunities", "centerpoint/productions",
                   "centerpoint/invoices", "stripe/customers", "stripe/charges", "stripe/payment_intents"):
        assert 1.6 < double[stream] / single[stream] < 2.4, stream
    # Payouts follow the calendar (at most one every 2-4 days over ~3 years), not the number of customers.
    assert double["stripe/payouts"] < 3 * 365 / 2
    assert single["centerpoint/companies"] == 180
