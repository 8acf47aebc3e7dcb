"""Ground truth the pipelines must reproduce: per-customer money, totals, and MRR by month."""

from __future__ import annotations

from typing import Any

from brainops.sample.models import Company
from brainops.sample.people import FIRST_CUSTOMER_TS
from brainops.sample.subscriptions import Life
from brainops.sample.timeline import month_ends


def dollars(cents: int) -> float:
    return round(cents / 100, 2)


class Truth:
    """Small running aggregates; one line per company is handed back to be written at once."""

    def __init__(self) -> None:
        self.months = month_ends(FIRST_CUSTOMER_TS)
        # per month: mrr, active, new, expansion, contraction, churned (cents / counts)
        self._mrr = [[0] * 6 for _ in self.months]
        self.totals = {"companies": 0, "jobs": 0, "invoiced": 0, "paid": 0, "open": 0, "subscriptions": 0,
                       "stripe_customers": 0}

    def company_line(self, company: Company) -> dict[str, Any]:
        live = [i for i in company.invoices if not i.is_draft and i.deleted is None]
        jobs = sum(1 for j in company.jobs if j.deleted is None)
        invoiced, paid = sum(i.amount for i in live), sum(i.paid for i in live)
        t = self.totals
        t["companies"] += 1
        t["jobs"] += jobs
        t["invoiced"] += invoiced
        t["paid"] += paid
        t["open"] += invoiced - paid
        t["stripe_customers"] += company.stripe_customer_id is not None
        return {
            "company_id": company.id, "stripe_customer_id": company.stripe_customer_id, "email": company.email,
            "jobs": jobs, "invoiced_total": dollars(invoiced), "paid_total": dollars(paid),
            "open_balance": dollars(invoiced - paid),
        }

    def add_subscription(self, life: Life) -> None:
        self.totals["subscriptions"] += 1
        before = 0
        for row, (_, month_end) in zip(self._mrr, self.months, strict=True):
            now = life.monthly_cents_at(month_end)
            row[0] += now
            row[1] += now > 0
            if before == 0 and now > 0:
                row[2] += now
            elif before > 0 and now == 0:
                row[5] += before
            elif now > before:
                row[3] += now - before
            elif now < before:
                row[4] += before - now
            before = now

    def mrr_rows(self) -> list[dict[str, Any]]:
        return [
            {"month": month, "mrr": dollars(r[0]), "active_subscriptions": r[1], "new_mrr": dollars(r[2]),
             "expansion_mrr": dollars(r[3]), "contraction_mrr": dollars(r[4]), "churned_mrr": dollars(r[5])}
            for (month, _), r in zip(self.months, self._mrr, strict=True)
        ]

    def summary(self) -> dict[str, Any]:
        t = self.totals
        return {
            "companies": t["companies"], "jobs": t["jobs"], "invoiced_total": dollars(t["invoiced"]),
            "paid_total": dollars(t["paid"]), "open_balance": dollars(t["open"]),
            "stripe_customers": t["stripe_customers"], "subscriptions": t["subscriptions"],
            "mrr_latest": dollars(self._mrr[-1][0]) if self._mrr else 0.0,
        }
