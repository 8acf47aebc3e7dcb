"""Shared vocabulary and helpers for the roofing knowledge base content (see kb_field.py and
kb_office.py for the page families)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random

from brainops.sample.notion_blocks import Blk

COMPANY = "Summit Ridge Roofing"

BRANCHES = [
    "Denver Metro", "Colorado Springs", "Fort Collins", "Boulder County", "Pueblo", "Greeley",
    "Castle Rock", "Longmont", "Loveland", "Aurora", "Lakewood", "Parker", "Cheyenne", "Grand Junction",
]

FIRST_NAMES = [
    "Marcus", "Elena", "Dwayne", "Priya", "Tomás", "Kelsey", "Andre", "Brianna", "Luis", "Hannah",
    "Caleb", "Rosa", "Jamal", "Megan", "Victor", "Tanya", "Owen", "Lucia", "Grant", "Mei",
]
LAST_NAMES = [
    "Alvarez", "Brennan", "Castillo", "Dunleavy", "Eckert", "Fuentes", "Gallagher", "Hoang", "Iverson",
    "Jorgensen", "Kowalski", "Lindqvist", "Maldonado", "Novak", "Okafor", "Petrakis", "Quintero",
    "Rasmussen", "Sandoval", "Thibodeaux", "Underwood", "Vasquez", "Whitfield", "Yazzie", "Zielinski",
]


@dataclass(frozen=True)
class Product:
    maker: str
    line: str
    kind: str  # 3-tab, architectural, designer, impact-resistant, metal, synthetic, low-slope
    weight: int  # lbs per square
    bundles: int  # bundles per square
    exposure: str
    class4: bool
    programs: tuple[str, ...]


PRODUCTS = [
    Product("GAF", "Timberline HDZ", "architectural", 238, 3, "5-5/8 inch", False,
            ("System Plus", "Silver Pledge", "Golden Pledge")),
    Product("GAF", "Timberline AS II", "impact-resistant", 250, 3, "5-5/8 inch", True,
            ("System Plus", "Silver Pledge", "Golden Pledge")),
    Product("GAF", "Royal Sovereign", "3-tab", 216, 3, "5 inch", False, ("System Plus", "Silver Pledge")),
    Product("GAF", "Grand Canyon", "designer", 412, 5, "5-5/8 inch", False, ("Silver Pledge", "Golden Pledge")),
    Product("Owens Corning", "Duration", "architectural", 245, 3, "5-5/8 inch", False,
            ("System Protection", "Preferred Protection", "Platinum Protection")),
    Product("Owens Corning", "Duration FLEX", "impact-resistant", 258, 3, "5-5/8 inch", True,
            ("Preferred Protection", "Platinum Protection")),
    Product("Owens Corning", "Supreme", "3-tab", 221, 3, "5 inch", False, ("System Protection",)),
    Product("CertainTeed", "Landmark", "architectural", 240, 3, "5-5/8 inch", False,
            ("SureStart PLUS 3-Star", "SureStart PLUS 4-Star", "SureStart PLUS 5-Star")),
    Product("CertainTeed", "Landmark ClimateFlex", "impact-resistant", 250, 3, "5-5/8 inch", True,
            ("SureStart PLUS 4-Star", "SureStart PLUS 5-Star")),
    Product("CertainTeed", "Presidential Shake", "designer", 380, 5, "5-5/8 inch", False,
            ("SureStart PLUS 4-Star", "SureStart PLUS 5-Star")),
    Product("Malarkey", "Vista AR", "architectural", 242, 3, "5-5/8 inch", False, ("Emerald Pro", "Emerald Pro Plus")),
    Product("Malarkey", "Legacy", "impact-resistant", 272, 3, "5-5/8 inch", True, ("Emerald Pro", "Emerald Pro Plus")),
    Product("IKO", "Dynasty", "architectural", 236, 3, "5-7/8 inch", False, ("Iron Clad", "ROOFPRO Shield")),
    Product("IKO", "Nordic", "impact-resistant", 262, 3, "5-7/8 inch", True, ("Iron Clad", "ROOFPRO Shield")),
    Product("Atlas", "Pinnacle Pristine", "architectural", 232, 3, "5-5/8 inch", False,
            ("Signature Select", "Signature Select Premium")),
    Product("Atlas", "StormMaster Slate", "impact-resistant", 265, 4, "5-5/8 inch", True,
            ("Signature Select", "Signature Select Premium")),
    Product("TAMKO", "Heritage", "architectural", 230, 3, "5-5/8 inch", False, ("Pro Limited", "Edge Enhanced")),
    Product("TAMKO", "Titan XT", "impact-resistant", 255, 3, "5-5/8 inch", True, ("Pro Limited", "Edge Enhanced")),
]

COLORS = [
    "Charcoal", "Weathered Wood", "Pewter Gray", "Barkwood", "Driftwood", "Onyx Black", "Estate Gray",
    "Hickory", "Shakewood", "Slate", "Mission Brown", "Birchwood", "Teak", "Max Def Moire Black",
    "Sierra Gray", "Desert Tan", "Harbor Blue", "Hunter Green", "Colonial Slate", "Heather Blend",
]


@dataclass
class PageSpec:
    """One knowledge base page before it becomes API objects."""

    title: str
    source: str  # data source key: sops | policies | playbooks
    category: str
    tags: list[str]
    blocks: list[Blk]
    questions: list[tuple[str, str]] = field(default_factory=list)  # (question, answer phrase)
    child: PageSpec | None = None  # a sub-page, linked from a child_page block
    duplicate_title: bool = False  # the title was taken, so this page got a "(rev. N)" suffix


Family = Callable[[Random, str], PageSpec]


# Small constructors that keep the content modules readable.
def h1(text: str) -> Blk:
    return Blk("h1", text)


def h2(text: str, *children: Blk) -> Blk:
    return Blk("h2", text, list(children))


def h3(text: str) -> Blk:
    return Blk("h3", text)


def p(text: str) -> Blk:
    return Blk("p", text)


def ul(text: str, *children: Blk) -> Blk:
    return Blk("ul", text, list(children))


def ol(text: str, *children: Blk) -> Blk:
    return Blk("ol", text, list(children))


def todo(text: str, checked: bool = False) -> Blk:
    return Blk("todo", text, meta={"checked": checked})


def toggle(text: str, *children: Blk) -> Blk:
    return Blk("toggle", text, list(children))


def callout(text: str, emoji: str = "\u26a0\ufe0f", color: str = "yellow_background") -> Blk:
    return Blk("callout", text, meta={"emoji": emoji, "color": color})


def quote(text: str) -> Blk:
    return Blk("quote", text)


def code(text: str, language: str = "plain text") -> Blk:
    return Blk("code", text, meta={"language": language})


def divider() -> Blk:
    return Blk("divider")


def table(rows: list[list[str]], *, header: bool = True, row_header: bool = False) -> Blk:
    return Blk("table", meta={"rows": rows, "header": header, "row_header": row_header})


def person(rng: Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def money(amount: float, cents: bool = False) -> str:
    return f"${amount:,.2f}" if cents else f"${amount:,.0f}"


def review_footer(rng: Random, owner: str) -> list[Blk]:
    """Ownership and review cadence, a line most real SOP pages end with."""
    months = rng.choice([6, 12, 12, 18, 24])
    return [divider(), p(f"Page owner: **{owner}**. Reviewed every {months} months or after any incident.")]
