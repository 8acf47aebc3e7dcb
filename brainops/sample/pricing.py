"""What a job is sold for, what it costs, and the line items an invoice shows (all in cents)."""

from __future__ import annotations

import math
import random

from brainops.sample.catalog import FLAT_PRICES, MATERIAL_SHARE, PRICE_PER_SQUARE, ROOF_PRODUCTS
from brainops.sample.models import LineItem, Property


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def estimate_price(rng: random.Random, job_type: str, domain: str, prop: Property) -> int:
    """The estimate's price in cents, rounded to $5 the way estimators quote."""
    low, high = PRICE_PER_SQUARE[prop.roof_type]
    if job_type == "Roof Replacement":
        dollars = prop.squares * rng.uniform(low, high)
    elif job_type == "Storm Damage":
        dollars = prop.squares * rng.uniform(low, high) * rng.uniform(0.55, 1.05)
    elif job_type == "New Construction":
        dollars = prop.squares * rng.uniform(low, high) * rng.uniform(1.0, 1.25)
    else:
        dollars = _log_uniform(rng, *FLAT_PRICES[(domain, job_type)])
    return max(100, round(dollars / 5)) * 500


def split_cost(rng: random.Random, job_type: str, price: int) -> tuple[int, int, int]:
    """(cost, material, labor) in cents: margins of 15-45%, and a few jobs that lost money."""
    margin = rng.uniform(-0.25, -0.02) if rng.random() < 0.04 else rng.uniform(0.15, 0.45)
    cost = round(price * (1 - margin))
    material = round(cost * rng.uniform(*MATERIAL_SHARE[job_type]))
    labor = round((cost - material) * rng.uniform(0.70, 0.92))
    return cost, material, labor


def prorate(total: int, part: int, whole: int) -> int:
    return round(total * part / whole) if whole else 0


def _item(description: str, quantity: int, target_cents: int) -> LineItem:
    unit = max(1, round(target_cents / quantity))
    return LineItem(description, quantity, unit, unit * quantity)


def job_items(rng: random.Random, job_type: str, prop: Property, price: int) -> list[LineItem]:
    """Line items that add up exactly to `price` (the last, labour, takes the remainder)."""
    sq = prop.squares
    product = rng.choice(ROOF_PRODUCTS[prop.roof_type])
    if job_type in ("Roof Replacement", "Storm Damage", "New Construction"):
        plan = [
            (f"{product} installed (squares)", sq, 0.38),
            ("Synthetic underlayment (squares)", sq, 0.06),
            ("Ice and water shield, valleys and eaves (rolls)", max(1, sq // 8), 0.04),
            ("Ridge vent (linear ft)", max(10, int(sq * 1.2)), 0.03),
            ("Drip edge and flashing kit", 1, 0.04),
            ("Permit and dumpster", 1, 0.03),
        ]
        if job_type != "New Construction":
            plan.insert(0, ("Tear-off and disposal (squares)", sq, 0.10))
    elif job_type == "Roof Repair":
        plan = [("Materials: shingles, sealant, flashing", 1, 0.25), ("Repair flashing and seal penetrations", 1, 0.2)]
    elif job_type == "Gutters":
        feet = rng.randint(60, 240)
        plan = [("6-inch seamless gutters (linear ft)", feet, 0.55), ("Downspouts", rng.randint(2, 8), 0.15)]
    elif job_type == "Maintenance":
        plan = [("Clear drains and valleys", 1, 0.3), ("Reseal penetrations", rng.randint(3, 14), 0.3)]
    else:
        plan = [("Roof inspection with photo report", 1, 0.9)]
    items = [_item(desc, qty, round(price * share)) for desc, qty, share in plan]
    remainder = price - sum(i.total_cents for i in items)
    items.append(LineItem("Labor and installation", 1, remainder, remainder))
    return items
