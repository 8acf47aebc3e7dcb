"""The Roof Care maintenance plans sold through Stripe: products and their recurring prices."""

from __future__ import annotations

import random
from typing import Any

from brainops.sample import stripe_objects as so
from brainops.sample.ids import stripe_id
from brainops.sample.subscriptions import Plans
from brainops.sample.timeline import DAY, HISTORY_START_TS

CATALOG_CREATED = HISTORY_START_TS - 200 * DAY

_PRODUCTS = (
    ("Roof Care Basic", "Annual inspection and minor sealing for one home."),
    ("Roof Care Plus", "Two inspections a year, gutter cleaning and priority storm response."),
    ("Commercial Roof Care", "Quarterly inspections, drain clearing and leak response for one building."),
)


def build_catalog(seed: int) -> tuple[Plans, list[dict[str, Any]], list[dict[str, Any]]]:
    """(plans, product objects, price objects)."""
    rng = random.Random(f"{seed}:stripe-catalog")
    product_ids = [stripe_id(rng, "prod", 14) for _ in _PRODUCTS]

    def spec(product: int, nickname: str, amount: int, interval: str) -> so.PriceSpec:
        return so.PriceSpec(stripe_id(rng, "price"), product_ids[product], nickname, amount, interval,
                            CATALOG_CREATED + DAY)

    plans = Plans(
        basic=spec(0, "Roof Care Basic monthly", 19_00, "month"),
        plus=spec(1, "Roof Care Plus monthly", 39_00, "month"),
        plus_annual=spec(1, "Roof Care Plus annual", 390_00, "year"),
        commercial=spec(2, "Commercial Roof Care monthly", 149_00, "month"),
    )
    defaults = (plans.basic.id, plans.plus.id, plans.commercial.id)
    products = [
        so.product(id=pid, created=CATALOG_CREATED, name=name, description=text, default_price=default)
        for pid, (name, text), default in zip(product_ids, _PRODUCTS, defaults, strict=True)
    ]
    prices = [so.price(p) for p in (plans.basic, plans.plus, plans.plus_annual, plans.commercial)]
    return plans, products, prices
