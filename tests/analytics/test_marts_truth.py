"""The marts against the sample generator's own ground truth (scale 0.05, as of the sample's AS_OF), and
against what the sample's raw records say when recomputed here in Python."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import dagster as dg
import psycopg

from brainops.sample.timeline import AS_OF
from tests.analytics.conftest import Built

MARTS = ["customer_360", "revenue_monthly", "job_profitability", "sales_pipeline", "ar_aging", "payment_risk"]


def money(value: float | int | str) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def query(built: Built, statement: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(built.url) as conn:
        return conn.execute(statement, params).fetchall()


def test_everything_materializes_and_every_check_passes(analytics: Built) -> None:
    result = analytics.result
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    keys = {e.asset_key for e in result.get_asset_materialization_events()}
    for mart in [*MARTS, "unmatched_customers", "fct_stripe_events", "fct_stripe_charges"]:
        assert dg.AssetKey(["analytics", mart]) in keys
    evaluations = result.get_asset_check_evaluations()
    gx = {e.asset_key for e in evaluations if e.check_name == "gx_expectations"}
    assert dg.AssetKey(["raw", "stripe_charges"]) in gx and dg.AssetKey(["analytics", "customer_360"]) in gx
    failed = [(e.asset_key.to_user_string(), e.check_name) for e in evaluations
              if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]
    assert failed == []


def test_customer_360_matches_each_customers_true_money_jobs_and_stripe_customer(analytics: Built) -> None:
    truth = {t["company_id"]: t for t in analytics.truth_lines("customers")}
    rows = query(
        analytics,
        "SELECT customer_id, stripe_customer_id, jobs, invoiced_total, paid_total, open_receivables, "
        "match_confidence FROM analytics.customer_360",
    )
    assert len(rows) > 0.95 * len(truth)
    mismatches = []
    for customer_id, stripe_id, jobs, invoiced, paid, open_, confidence in rows:
        t = truth[customer_id]
        expected = (t["stripe_customer_id"], t["jobs"], money(t["invoiced_total"]), money(t["paid_total"]),
                    money(t["open_balance"]))
        if (stripe_id, jobs, invoiced, paid, open_) != expected:
            mismatches.append((customer_id, (stripe_id, jobs, invoiced, paid, open_), expected))
        # Both links agree (and the email, unless it was typed differently at checkout).
        assert stripe_id is None or confidence >= Decimal("0.97")
    assert mismatches == []
    # Companies the mart leaves out are the deleted ones, which never carry money.
    missing = set(truth) - {r[0] for r in rows}
    assert all(truth[c]["invoiced_total"] == 0 for c in missing)


def test_every_stripe_customer_is_matched_and_nothing_is_reported_unmatched(analytics: Built) -> None:
    truth_pairs = {(t["company_id"], t["stripe_customer_id"]) for t in analytics.truth_lines("customers")
                   if t["stripe_customer_id"]}
    assert set(query(analytics, "SELECT company_id, stripe_customer_id FROM analytics.int_customers_matched")) == (
        truth_pairs
    )
    assert query(analytics, "SELECT count(*) FROM analytics.unmatched_customers") == [(0,)]


def test_revenue_monthly_mrr_and_its_movements_match_every_month_of_the_truth(analytics: Built) -> None:
    rows = {
        month.strftime("%Y-%m"): values
        for month, *values in query(
            analytics,
            "SELECT month, mrr, active_subscriptions, new_mrr, expansion_mrr, contraction_mrr, churned_mrr "
            "FROM analytics.revenue_monthly",
        )
    }
    truth = analytics.truth_lines("mrr_by_month")
    assert truth and set(rows) == {t["month"] for t in truth}
    for t in truth:
        expected = [money(t["mrr"]), t["active_subscriptions"], money(t["new_mrr"]), money(t["expansion_mrr"]),
                    money(t["contraction_mrr"]), money(t["churned_mrr"])]
        assert rows[t["month"]] == expected, t["month"]
    assert any(t["churned_mrr"] for t in truth) and any(t["new_mrr"] for t in truth)


def test_revenue_monthly_invoiced_and_collected_add_up_to_the_truths_totals(analytics: Built) -> None:
    summary = __import__("json").loads((analytics.sample / "truth" / "summary.json").read_text())
    [(invoiced, collected, bridge_breaks)] = query(
        analytics,
        "SELECT sum(invoiced), sum(collected), count(*) FILTER (WHERE starting_mrr + net_new_mrr <> mrr) "
        "FROM analytics.revenue_monthly",
    )
    assert (invoiced, collected) == (money(summary["invoiced_total"]), money(summary["paid_total"]))
    assert bridge_breaks == 0


def test_ar_aging_buckets_match_the_sample_invoices_aged_here(analytics: Built) -> None:
    as_of = AS_OF.date()
    expected: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 5)
    for invoice in analytics.sample_lines("centerpoint/invoices"):
        a = invoice["attributes"]
        if a["isDraft"] or a["deletedAt"] or not a["balance"]:
            continue
        days = (as_of - date.fromisoformat(a["dueDate"][:10])).days
        bucket = 0 if days <= 30 else 1 if days <= 60 else 2 if days <= 90 else 3
        row = expected[a["billedCompanyId"]]
        row[bucket] += money(a["balance"])
        row[4] += money(a["balance"]) if days <= 0 else 0
    rows = {
        customer_id: list(values)
        for customer_id, *values in query(
            analytics,
            "SELECT customer_id, days_0_30, days_31_60, days_61_90, days_over_90, not_yet_due FROM analytics.ar_aging",
        )
    }
    assert rows == dict(expected)
    assert any(v[3] for v in rows.values()), "the sample should have something 90+ days past due"
    truth = {t["company_id"]: money(t["open_balance"]) for t in analytics.truth_lines("customers")}
    assert all(sum(v[:4]) == truth[c] for c, v in rows.items())


def test_payment_risk_counts_the_samples_failed_payments_and_disputes(analytics: Built) -> None:
    company_of = {t["stripe_customer_id"]: t["company_id"] for t in analytics.truth_lines("customers")}
    charges = {c["id"]: c for c in analytics.sample_lines("stripe/charges")}
    since = AS_OF - timedelta(days=180)
    failed = Counter(
        company_of[c["customer"]] for c in charges.values()
        if c["status"] == "failed" and datetime.fromtimestamp(c["created"], UTC) >= since
    )
    disputes = Counter(company_of[charges[d["charge"]]["customer"]] for d in analytics.sample_lines("stripe/disputes"))
    rows = query(analytics, "SELECT customer_id, failed_payments_180d, disputes, risk_score, risk_level, "
                            "risk_reasons FROM analytics.payment_risk")
    assert {r[0]: r[1] for r in rows if r[1]} == dict(failed)
    assert {r[0]: r[2] for r in rows if r[2]} == dict(disputes)
    for _, _, _, score, level, reasons in rows:
        assert (score > 0) == (reasons is not None)
        assert level == ("high" if score >= 50 else "medium" if score >= 20 else "low")


def test_job_profitability_and_sales_pipeline_match_the_sample_records(analytics: Built) -> None:
    jobs: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0)])
    for p in analytics.sample_lines("centerpoint/productions"):
        a = p["attributes"]
        if a["deletedAt"] or not a["completedAt"]:
            continue
        key = (date.fromisoformat(a["completedAt"][:7] + "-01"), a["jobType"], a["estimatorId"])
        jobs[key][0] += 1
        jobs[key][1] += money(a["price"])
        jobs[key][2] += money(a["cost"])
    rows = query(analytics, "SELECT month, job_type, estimator_id, jobs, revenue, cost, gross_margin "
                            "FROM analytics.job_profitability")
    assert {(m, t, e): [n, r, c] for m, t, e, n, r, c, _ in rows} == dict(jobs)
    assert all(margin == revenue - cost for *_, revenue, cost, margin in rows)

    pipeline: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for o in analytics.sample_lines("centerpoint/opportunities"):
        a = o["attributes"]
        if a["deletedAt"]:
            continue
        pipeline[(a["estimatorId"], a["leadSource"])][0] += 1
        pipeline[(a["estimatorId"], a["leadSource"])][1] += a["leadSoldAt"] is not None
    rows = query(analytics, "SELECT estimator_id, lead_source, estimates, sold FROM analytics.sales_pipeline")
    assert {(e, s): [n, sold] for e, s, n, sold in rows} == dict(pipeline)


def test_every_mart_enforces_its_contract_with_a_primary_key(analytics: Built) -> None:
    rows = query(
        analytics,
        """SELECT tc.table_name FROM information_schema.table_constraints tc
           WHERE tc.table_schema = 'analytics' AND tc.constraint_type = 'PRIMARY KEY'""",
    )
    assert set(MARTS) <= {r[0] for r in rows}
