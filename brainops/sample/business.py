"""One company of the sample business, generated on its own: its own seeded RNG and Faker stream,
so company N is the same at every scale, and nothing else has to be held in memory."""

from __future__ import annotations

import random

from faker import Faker

from brainops.sample.ids import CenterPointIds
from brainops.sample.jobs import simulate_history
from brainops.sample.models import Company, Employee
from brainops.sample.people import make_company, make_employees
from brainops.sample.timeline import AS_OF_TS

COMPANIES_AT_SCALE_1 = 3_600
EMPLOYEES_AT_SCALE_1 = 25


def company_count(scale: float) -> int:
    return max(1, round(COMPANIES_AT_SCALE_1 * scale))


def employee_count(scale: float) -> int:
    return max(6, round(EMPLOYEES_AT_SCALE_1 * scale))


def company_rng(seed: int, index: int, purpose: str) -> random.Random:
    """An independent stream per company and purpose (business history vs Stripe details)."""
    return random.Random(f"{seed}:{purpose}:{index}")


def staff(seed: int, scale: float) -> list[Employee]:
    rng = random.Random(f"{seed}:employees")
    fake = Faker("en_US")
    fake.seed_instance(rng.getrandbits(64))
    return make_employees(employee_count(scale), rng, fake)


def estimator_ids(employees: list[Employee]) -> list[str]:
    return [e.id for e in employees if e.role == "estimator" and e.deleted is None]


def simulate_company(index: int, seed: int, fake: Faker, ids: CenterPointIds, estimators: list[str]) -> Company:
    rng = company_rng(seed, index, "business")
    fake.seed_instance(rng.getrandbits(64))
    company = make_company(index, rng, fake, ids)
    simulate_history(company, rng, ids, estimators)
    _retire_unused_properties(company, rng)
    return company


def _retire_unused_properties(company: Company, rng: random.Random) -> None:
    """Now and then a property entered by mistake (or sold) is deleted; never one with estimates."""
    used = {o.property_id for o in company.opportunities}
    for prop in company.properties:
        if prop.id not in used and rng.random() < 0.05:
            prop.deleted = int(rng.uniform(prop.created, AS_OF_TS - 1))
            prop.updated = max(prop.updated, prop.deleted)
