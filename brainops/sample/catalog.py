"""Static facts of the sample business: where it works, what it sells, what it costs, how it talks."""

from __future__ import annotations

from dataclasses import dataclass

BUSINESS_NAME = "Summit Ridge Roofing"
BUSINESS_DOMAIN = "summitridgeroofing.com"
TIMEZONE = "America/Denver"


@dataclass(frozen=True)
class City:
    name: str
    region: str  # US state code
    lat: float
    lng: float
    zips: tuple[int, int]  # inclusive range of postal codes
    area_codes: tuple[str, ...]
    tax_rate: float  # combined sales tax on taxable (repair/service) work
    weight: int


CITIES: tuple[City, ...] = (
    City("Denver", "CO", 39.7392, -104.9903, (80202, 80239), ("303", "720"), 0.0915, 14),
    City("Aurora", "CO", 39.7294, -104.8319, (80010, 80019), ("303", "720"), 0.0800, 9),
    City("Lakewood", "CO", 39.7047, -105.0814, (80214, 80235), ("303", "720"), 0.0750, 6),
    City("Arvada", "CO", 39.8028, -105.0875, (80002, 80007), ("303", "720"), 0.0786, 5),
    City("Westminster", "CO", 39.8367, -105.0372, (80030, 80031), ("303", "720"), 0.0835, 4),
    City("Thornton", "CO", 39.8680, -104.9719, (80229, 80241), ("303", "720"), 0.0875, 4),
    City("Littleton", "CO", 39.6133, -105.0166, (80120, 80128), ("303", "720"), 0.0775, 4),
    City("Centennial", "CO", 39.5807, -104.8772, (80015, 80016), ("303", "720"), 0.0725, 4),
    City("Highlands Ranch", "CO", 39.5539, -104.9694, (80126, 80130), ("303", "720"), 0.0765, 4),
    City("Parker", "CO", 39.5186, -104.7614, (80134, 80138), ("303", "720"), 0.0790, 4),
    City("Castle Rock", "CO", 39.3722, -104.8561, (80104, 80109), ("303", "720"), 0.0740, 4),
    City("Boulder", "CO", 40.0150, -105.2705, (80301, 80305), ("303", "720"), 0.0886, 4),
    City("Longmont", "CO", 40.1672, -105.1019, (80501, 80504), ("303", "720"), 0.0853, 4),
    City("Colorado Springs", "CO", 38.8339, -104.8214, (80903, 80951), ("719",), 0.0825, 12),
    City("Pueblo", "CO", 38.2544, -104.6091, (81001, 81008), ("719",), 0.0760, 4),
    City("Fort Collins", "CO", 40.5853, -105.0844, (80521, 80528), ("970",), 0.0785, 7),
    City("Loveland", "CO", 40.3978, -105.0749, (80537, 80538), ("970",), 0.0770, 4),
    City("Greeley", "CO", 40.4233, -104.7091, (80631, 80634), ("970",), 0.0711, 5),
    City("Grand Junction", "CO", 39.0639, -108.5506, (81501, 81507), ("970",), 0.0765, 2),
    City("Cheyenne", "WY", 41.1400, -104.8202, (82001, 82009), ("307",), 0.0600, 2),
)

ROOF_TYPES = ("asphalt shingle", "metal", "TPO", "EPDM", "tile", "slate")
ROOF_WEIGHTS = {
    "residential": (76, 12, 1, 2, 7, 2),
    "commercial": (12, 30, 36, 18, 3, 1),
}
# Installed price per square (100 sq ft) in dollars for a full replacement, low and high.
PRICE_PER_SQUARE = {
    "asphalt shingle": (430, 690),
    "metal": (850, 1_300),
    "TPO": (650, 1_000),
    "EPDM": (600, 950),
    "tile": (950, 1_500),
    "slate": (1_500, 2_300),
}
ROOF_PRODUCTS = {
    "asphalt shingle": (
        "GAF Timberline HDZ shingles",
        "Owens Corning Duration shingles",
        "CertainTeed Landmark shingles",
        "Malarkey Vista impact-resistant shingles",
        "Owens Corning Duration FLEX Class 4 shingles",
    ),
    "metal": ("24-gauge standing seam metal panels", "26-gauge exposed-fastener R-panel"),
    "TPO": ("60-mil TPO membrane, fully adhered", "80-mil TPO membrane, mechanically attached"),
    "EPDM": ("60-mil EPDM membrane, fully adhered", "90-mil EPDM membrane, ballasted"),
    "tile": ("Concrete S-tile", "Clay barrel tile"),
    "slate": ("Vermont natural slate", "Synthetic slate (DaVinci)"),
}

JOB_TYPES = (
    "Roof Replacement",
    "Roof Repair",
    "Inspection",
    "Gutters",
    "Storm Damage",
    "Maintenance",
    "New Construction",
)
JOB_TYPE_WEIGHTS = {
    "residential": (24, 26, 12, 9, 19, 7, 3),
    "commercial": (18, 26, 10, 5, 10, 22, 9),
}
BIG_JOBS = frozenset({"Roof Replacement", "Storm Damage", "New Construction"})
TAXABLE_JOBS = frozenset({"Roof Repair", "Gutters", "Maintenance", "Inspection"})
# Dollar price ranges (log-uniform) for jobs not priced by the square.
FLAT_PRICES = {
    ("residential", "Roof Repair"): (350, 4_500),
    ("commercial", "Roof Repair"): (900, 16_000),
    ("residential", "Inspection"): (149, 395),
    ("commercial", "Inspection"): (350, 950),
    ("residential", "Gutters"): (900, 6_500),
    ("commercial", "Gutters"): (3_000, 18_000),
    ("residential", "Maintenance"): (250, 900),
    ("commercial", "Maintenance"): (1_200, 8_000),
}
# Share of cost that is materials, by job type (low, high).
MATERIAL_SHARE = {
    "Roof Replacement": (0.42, 0.55),
    "Storm Damage": (0.42, 0.55),
    "New Construction": (0.45, 0.58),
    "Roof Repair": (0.18, 0.35),
    "Gutters": (0.38, 0.50),
    "Maintenance": (0.10, 0.25),
    "Inspection": (0.00, 0.05),
}

LEAD_SOURCES = ("referral", "website", "storm canvass", "repeat customer", "insurance", "home show")
LEAD_SOURCE_WEIGHTS = (30, 34, 12, 0, 8, 6)

PROPERTY_TYPES = {
    "residential": ("single_family", "single_family", "single_family", "townhome", "rental"),
    "commercial": ("office", "retail", "warehouse", "multifamily", "church", "school", "medical", "hoa"),
}
COMMERCIAL_SUFFIXES = (
    "Properties", "Property Management", "Holdings", "Storage", "Community Church", "Apartments",
    "Medical Plaza", "Realty Group", "Business Park", "HOA", "Self Storage", "Industrial",
)
COMMERCIAL_MAILBOXES = ("ap", "accounts", "facilities", "info", "office", "maintenance")
COMMERCIAL_TITLES = (
    "Facilities Manager", "Property Manager", "Accounts Payable", "Owner", "Maintenance Supervisor",
    "HOA Board President", "Operations Director",
)
FREE_EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "comcast.net", "hotmail.com")

EMPLOYEE_ROLES = ("estimator", "project_manager", "crew_lead", "office")
EMPLOYEE_ROLE_WEIGHTS = (40, 20, 30, 10)

INSURERS = ("State Farm", "Allstate", "USAA", "Farmers", "Liberty Mutual", "Travelers", "American Family")
SHINGLE_COLORS = ("Charcoal", "Weathered Wood", "Pewter Gray", "Barkwood", "Slate", "Hickory", "Driftwood")

OPPORTUNITY_STATUS_TEXT = {
    "new_service": "New Service Request",
    "opened": "Estimate In Progress",
    "lead_sold": "Sold - Awaiting Schedule",
    "lead_dead": "Lost",
    "scheduled": "Job Scheduled",
    "started": "In Progress",
    "completed": "Work Complete",
    "invoiced": "Invoiced",
    "closed": "Paid & Closed",
}
