"""Short, realistic roofing notes for estimates and jobs (hail, decking, flashing, adjusters)."""

from __future__ import annotations

import random

from brainops.sample.catalog import INSURERS, ROOF_PRODUCTS, SHINGLE_COLORS

_BY_TYPE: dict[str, tuple[str, ...]] = {
    "Roof Replacement": (
        "Existing roof is {age} years old with curling and granule loss on the south slope.",
        "Two layers of shingles; full tear-off to the deck required.",
        "Homeowner chose {color} {product}.",
        "Expect to replace {sheets} sheets of 7/16 OSB decking around the chimney and lower eaves.",
        "Replace all pipe boots and add ice and water shield in the valleys.",
        "Attic ventilation is short; add {vents} ft of ridge vent and close off the box vents.",
    ),
    "Storm Damage": (
        "Hail hit on {date}; {hits} hits per test square on the west and north slopes.",
        "Adjuster {adjuster} from {insurer} approved full replacement; deductible ${deductible}.",
        "Claim with {insurer}; supplement filed for drip edge, starter and code-required ice and water.",
        "Wind creased shingles along the ridge; soft metals dented on vents and gutters.",
        "Waiting on the ACV check before ordering {color} {product}.",
    ),
    "Roof Repair": (
        "Leak at the step flashing where the roof meets the second-story wall.",
        "Replace {shingles} missing shingles after the wind storm and reseal the ridge cap.",
        "Chimney counterflashing pulled loose; regrind and reset with new counterflashing.",
        "Cracked pipe boot over the kitchen; stain on the ceiling below.",
        "Ponding near the rear drain; patch the seam and add a tapered cricket.",
    ),
    "Inspection": (
        "Annual inspection: {finding}.",
        "Pre-listing inspection for the sale; buyer's agent wants a roof certification.",
        "Free storm inspection after the {date} hail; photos sent to the homeowner.",
    ),
    "Gutters": (
        "Replace {feet} ft of 6-inch seamless gutters and {downspouts} downspouts.",
        "Gutters pulled from the fascia by ice dams; replace fascia board on the north side.",
        "Add gutter guards on the front elevation under the cottonwood trees.",
    ),
    "Maintenance": (
        "Semi-annual maintenance: cleared drains, resealed {penetrations} penetrations.",
        "Roof Care visit: {finding}.",
        "Cleared debris from valleys and checked sealant at skylights.",
    ),
    "New Construction": (
        "New build; roof dried in on schedule, {product} to follow after framing inspection.",
        "General contractor wants the roof completed before the drywall crew starts.",
        "Plans call for {squares} squares with a 6/12 pitch and two dormers.",
    ),
}
_FINDINGS = (
    "minor granule loss, no leaks",
    "two lifted shingles resealed",
    "exposed nail heads sealed at the ridge",
    "sealant at the skylight failing, recommend repair",
    "membrane seams in good shape",
    "hail bruising found, recommend a claim",
)
_ADJUSTERS = (
    "Dana Whitaker", "Luis Ortega", "Kim Nguyen", "Brent Halvorsen", "Tasha Greene", "Mark Feldman",
    "Rachel Osei", "Cody Burke", "Angela Ruiz", "Scott Lindgren", "Nadia Petrov", "Wes Harmon",
)
_HAIL_DATES = ("May 8", "June 12", "July 21", "August 3", "May 30", "June 27")


def job_notes(rng: random.Random, job_type: str, roof_type: str, squares: int) -> str:
    """One to three sentences for an opportunity or production of this type."""
    pool = _BY_TYPE[job_type]
    count = min(len(pool), rng.choice((1, 1, 2, 2, 3)))
    values = {
        "age": rng.randint(14, 32),
        "color": rng.choice(SHINGLE_COLORS),
        "product": rng.choice(ROOF_PRODUCTS[roof_type]),
        "sheets": rng.randint(2, 14),
        "vents": rng.randint(20, 60),
        "date": rng.choice(_HAIL_DATES),
        "hits": rng.randint(8, 22),
        "adjuster": rng.choice(_ADJUSTERS),
        "insurer": rng.choice(INSURERS),
        "deductible": rng.choice((500, 1_000, 1_500, 2_000, 2_500)),
        "shingles": rng.randint(4, 30),
        "finding": rng.choice(_FINDINGS),
        "feet": rng.randint(60, 220),
        "downspouts": rng.randint(2, 8),
        "penetrations": rng.randint(3, 14),
        "squares": squares,
    }
    return " ".join(template.format(**values) for template in rng.sample(pool, count))
