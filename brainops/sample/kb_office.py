"""Knowledge base page families for the office: warranties, pricing, storm response, customer
service scripts, onboarding and permits."""

from __future__ import annotations

from random import Random

from brainops.sample.kb_content import (
    COMPANY,
    PRODUCTS,
    PageSpec,
    callout,
    code,
    divider,
    h1,
    h2,
    h3,
    money,
    ol,
    p,
    person,
    quote,
    review_footer,
    table,
    todo,
    toggle,
    ul,
)

VOIDS = [
    "pressure washing the roof surface",
    "mixing another manufacturer's starter, hip or ridge products into the system",
    "attic ventilation below the 1/300 minimum",
    "installing over more than one existing layer",
    "satellite dishes or solar racking fastened through the shingles without approved flashing",
    "failure to register the warranty within the registration window",
    "installation by a contractor without the required certification level",
    "foot traffic damage by other trades",
]


def manufacturer_warranty(rng: Random, branch: str) -> PageSpec:
    prod = rng.choice(PRODUCTS)
    program = rng.choice(prod.programs)
    tier = prod.programs.index(program)
    non_prorated = [10, 25, 50][tier] if rng.random() < 0.7 else rng.choice([10, 15, 20])
    wind = rng.choice([110, 130, 130, 150])
    algae = rng.choice([10, 15, 25])
    reg_days = rng.choice([30, 45, 60, 90])
    transfer_days = rng.choice([30, 60, 90])
    transfer_fee = rng.choice([0, 100, 150, 250])
    workmanship_years = [0, 10, 25][tier] if tier else rng.choice([0, 2])
    voids = rng.sample(VOIDS, 4)
    admin = person(rng)
    title = f"Warranty Terms: {prod.maker} {prod.line} - {program} ({branch})"
    blocks = [
        p(f"Summary of the {prod.maker} **{program}** warranty as it applies to {prod.line} roofs installed by "
          f"the {branch} branch. The manufacturer's certificate governs; this page is our working summary."),
        h2("Coverage"),
        table([["Item", "Term"],
               ["Manufacturing defects, non-prorated period", f"{non_prorated} years"],
               ["Wind", f"{wind} mph with the 6-nail pattern and matching starter and ridge cap"],
               ["Algae resistance (streaking)", f"{algae} years"],
               ["Manufacturer-backed workmanship",
                f"{workmanship_years} years" if workmanship_years else "Not included in this program"]]),
        callout(f"Register within **{reg_days} days** of completion or the job falls back to the standard "
                "limited warranty.",
                "\U0001f4dd", "yellow_background"),
        h2("What voids it"),
        *[ul(item) for item in voids],
        h2("Transfer"),
        p(f"One transfer is allowed when the home sells. The new owner must notify {prod.maker} within "
          f"{transfer_days} days of closing"
          + (f" and pay a {money(transfer_fee)} transfer fee." if transfer_fee else "; there is no transfer fee.")),
        toggle("Manufacturer vs. workmanship: which one answers a leak?",
               p("Shingle defects (granule loss, cracking, blistering) are the manufacturer's. Leaks from "
                 f"flashing, nailing or ventilation mistakes are covered by {COMPANY}'s workmanship warranty."),
               p("When in doubt, we inspect first and decide who files.")),
        p(f"Warranty administrator: {admin}."),
    ]
    questions = [
        (f"Within how many days must a {prod.maker} {program} warranty on {prod.line} be registered ({branch})?",
         f"within {reg_days} days"),
        (f"What is the non-prorated period of the {program} warranty for {prod.line} roofs in {branch}?",
         f"{non_prorated} years"),
        (f"What wind speed does the {branch} summary of {prod.maker} {program} cover for {prod.line}?", f"{wind} mph"),
        (f"Name something that voids the {prod.maker} {program} warranty on {prod.line} per the {branch} page.",
         voids[0]),
    ]
    return PageSpec(title, "policies", "Warranty", ["warranty", prod.maker.lower(), "manufacturer"], blocks, questions)


WORKMANSHIP_PROGRAMS = ["Standard", "Summit Shield", "Summit Shield Plus", "Lifetime Craftsmanship", "Repair"]


def workmanship_warranty(rng: Random, branch: str) -> PageSpec:
    program = rng.choice(WORKMANSHIP_PROGRAMS)
    years = {"Standard": rng.choice([2, 5]), "Summit Shield": 10, "Summit Shield Plus": rng.choice([15, 20]),
             "Lifetime Craftsmanship": 25, "Repair": 1}[program]
    report_days = rng.choice([14, 30, 45])
    inspect_days = rng.choice([2, 3, 5])
    hail_limit = rng.choice(["1 inch", "1-1/4 inch", "3/4 inch"])
    transfer_fee = rng.choice([0, 75, 150, 195])
    manager = person(rng)
    title = f"Workmanship Warranty Policy: {program} Program ({branch})"
    blocks = [
        h1(f"{program} workmanship warranty: {years} year{'s' if years > 1 else ''}"),
        p(f"{COMPANY} warrants its installation labor on {branch} jobs sold under the {program} program for "
          f"**{years} year{'s' if years > 1 else ''}** from the completion date on the final invoice."),
        h2("Covered"),
        ul("Leaks caused by flashing, fastening, or underlayment installation errors."),
        ul("Shingle blow-offs below the manufacturer's wind rating caused by our nailing."),
        h2("Not covered"),
        ul(f"Hail damage from stones {hail_limit} or larger, wind above the rated speed, and other acts of God."),
        ul("Damage by other trades: satellite, solar, HVAC, gutter cleaners."),
        ul("Ice dams on homes where the owner declined the recommended ice & water shield upgrade."),
        h2("Claims"),
        ol(f"The homeowner reports the problem within {report_days} days of noticing it."),
        ol(f"We inspect within **{inspect_days} business days**; emergency tarping the same day if it is "
           "actively leaking."),
        ol("Covered repairs are scheduled within 10 business days, weather permitting."),
        p("Transfers to a new owner: "
          + (f"{money(transfer_fee)} fee, one time." if transfer_fee else "free, one time.")),
        p(f"Claims manager: {manager}."),
    ]
    blocks += review_footer(rng, manager)
    questions = [
        (f"How long is the {program} workmanship warranty in {branch}?", f"{years} year"),
        (f"How soon does {COMPANY} inspect a workmanship claim under the {branch} {program} program?",
         f"{inspect_days} business days"),
        (f"What hail size is excluded from the {program} workmanship warranty ({branch})?", f"{hail_limit} or larger"),
    ]
    return PageSpec(title, "policies", "Warranty", ["warranty", "workmanship"], blocks, questions)


ROOF_TYPES = [
    ("3-Tab Shingle", (330, 420)), ("Architectural Shingle", (420, 560)), ("Designer Shingle", (620, 850)),
    ("Class 4 Impact-Resistant Shingle", (520, 690)), ("Standing Seam Metal", (1050, 1450)),
    ("Stone-Coated Steel", (900, 1250)), ("TPO Low-Slope", (650, 900)), ("EPDM Low-Slope", (600, 820)),
    ("Synthetic Slate", (1100, 1500)), ("Cedar Shake", (950, 1300)),
]
LENDERS = ["Keystone Home Finance", "Front Range Credit Union", "BrightPath Lending", "Hearth Financing"]


def pricing(rng: Random, branch: str) -> PageSpec:
    roof, (lo, hi) = rng.choice(ROOF_TYPES)
    year = rng.choice([2024, 2025, 2026])
    low = round(rng.uniform(lo, (lo + hi) / 2) / 5) * 5
    high = round(rng.uniform((lo + hi) / 2, hi) / 5) * 5
    layer = rng.choice([35, 45, 55, 65, 75])
    s1, s2, s3 = sorted(rng.sample([25, 35, 45, 55, 65, 85, 95, 120], 3))
    two_story = rng.choice([15, 20, 25, 30])
    minimum = rng.choice([1850, 2250, 2500, 2850, 3200, 3500, 4500])
    deposit = rng.choice([10, 25, 30, 33, 50])
    lender = rng.choice(LENDERS)
    apr = rng.choice(["0% APR for 12 months", "0% APR for 18 months", "7.99% APR for 120 months",
                      "9.99% APR for 144 months", "5.99% APR for 84 months"])
    valid = rng.choice([15, 30, 45])
    approver = person(rng)
    title = f"Pricing Policy: {roof} ({branch}, {year})"
    blocks = [
        p(f"Price book for {roof.lower()} work sold out of {branch} in {year}. Prices are per square "
          f"(100 sq ft of roof surface) and include one layer of tear-off, underlayment, and disposal."),
        h2("Base price"),
        callout(f"{roof}: **{money(low)} to {money(high)} per square** depending on complexity tier.",
                "\U0001f4b2", "green_background"),
        h2("Adders"),
        table([["Condition", "Adder"],
               ["Each additional tear-off layer", f"{money(layer)} per square"],
               ["Pitch 7/12 to 8/12", f"{money(s1)} per square"],
               ["Pitch 9/12 to 10/12", f"{money(s2)} per square"],
               ["Pitch 11/12 and steeper", f"{money(s3)} per square"],
               ["Two-story or higher", f"{two_story}% on labor"],
               ["Permit", "Passed through at cost"]]),
        h2("Minimums and terms"),
        ul(f"Minimum job charge: {money(minimum)}."),
        ul(f"Deposit: {deposit}% at contract signing, balance due at completion."),
        ul(f"Quotes are valid for {valid} days."),
        h3("Financing"),
        p(f"Offered through {lender}: {apr}, subject to credit approval. The rep never quotes a monthly "
          "payment before the application is approved."),
        quote(f"Discounts beyond the price book need written approval from {approver}."),
    ]
    questions = [
        (f"What is the minimum job charge for {roof.lower()} jobs in {branch} ({year} price book)?", money(minimum)),
        (f"What is the steep-slope adder for 9/12 to 10/12 pitch on {roof.lower()} in {branch}, {year}?",
         f"{money(s2)} per square"),
        (f"What does each additional tear-off layer cost on {roof.lower()} in the {branch} {year} pricing policy?",
         f"{money(layer)} per square"),
        (f"What per-square range does {branch} charge for {roof.lower()} in {year}?",
         f"{money(low)} to {money(high)} per square"),
        (f"Which financing partner and terms are offered on {roof.lower()} jobs in {branch} ({year})?", apr),
    ]
    return PageSpec(title, "policies", "Pricing", ["pricing", roof.lower()], blocks, questions)


STORM_MONTHS = {
    "Hail": ["April", "May", "June", "July", "August"],
    "Wind": ["January", "February", "March", "April", "October", "November", "December"],
    "Derecho": ["June", "July", "August"],
    "Tornado": ["May", "June", "July"],
    "Heavy Snow and Ice Dam": ["November", "December", "January", "February", "March"],
    "Microburst": ["June", "July", "August", "September"],
}
STORMS = ["Hail", "Hail", "Wind", "Derecho", "Tornado", "Heavy Snow and Ice Dam", "Microburst"]


def storm_playbook(rng: Random, branch: str) -> PageSpec:
    storm = rng.choice(STORMS)
    month, year = rng.choice(STORM_MONTHS[storm]), rng.choice([2023, 2024, 2025, 2026])
    hail = rng.choice(["1 inch", "1-1/4 inch", "1-1/2 inch", "1-3/4 inch", "2 inch"])
    hits = rng.choice([6, 8, 10])
    missing = rng.choice([3, 5, 8])
    tarp_rate = rng.choice([350, 395, 450, 495, 550])
    tarp_hours = rng.choice([4, 8, 12, 24])
    supplement_days = rng.choice([7, 10, 14])
    lead = person(rng)
    code_lines = ["RFG 300S   Laminated comp. shingle rfg - w/out felt",
                  "RFG STRSUB Starter strip - peel and stick",
                  "RFG DRIP   Drip edge",
                  "RFG IWS    Ice & water barrier",
                  "RFG RIDGC  Ridge cap - composition shingles",
                  "O&P        Overhead and profit 10% / 10%"]
    title = f"Storm Playbook: {month} {year} {storm} Event ({branch})"
    blocks = [
        p(f"Storm lead for this event: **{lead}**. Opened the morning after the {month} {year} {storm.lower()} "
          f"event reached the {branch} service area."),
        h2("Triage in the first 48 hours"),
        ol(f"Emergency tarps within **{tarp_hours} hours** of the call for active leaks.",
           ul(f"Tarp service is {money(tarp_rate)} per roof plane, credited back if we win the re-roof.")),
        ol("Sort calls: active leak, visible damage, inspection request."),
        ol("Schedule inspections by ZIP code in the hail or wind swath from the radar map."),
        h2("Damage thresholds we document"),
    ]
    questions = [
        (f"How quickly are emergency tarps installed in the {month} {year} {storm.lower()} playbook for {branch}?",
         f"within {tarp_hours} hours"),
        (f"What does a tarp cost per roof plane during the {branch} {month} {year} {storm.lower()} response?",
         f"{money(tarp_rate)} per roof plane"),
    ]
    if storm == "Hail":
        blocks += [ul(f"Hail of {hail} or larger at the property (hail report or spatter marks on soft metals)."),
                   ul(f"Test square: 10 x 10 feet on each slope; {hits} or more functional hits means replacement.")]
        questions.append((f"How many hits in a test square trigger replacement in the {month} {year} hail playbook "
                          f"({branch})?", f"{hits} or more functional hits"))
    else:
        blocks += [ul(f"{missing} or more missing or creased shingles on one slope."),
                   ul("Lifted tabs that will not reseal: hand-seal test on 3 tabs per slope.")]
        questions.append((f"How many missing shingles per slope are documented as damage in the {branch} "
                          f"{month} {year} {storm.lower()} playbook?", f"{missing} or more missing"))
    blocks += [
        h2("Adjuster meetings"),
        todo("Roof measured and diagrammed before the adjuster arrives"),
        todo("Photo report printed: overview, each slope, test squares, soft metals, interior stains"),
        todo("Rep on the roof with the adjuster; never argue scope on the roof, write it down"),
        h2("Supplements"),
        p(f"Supplements go in within {supplement_days} days of receiving the adjuster's scope. Common missed items:"),
        code("\n".join(code_lines)),
        callout("We never waive or absorb a deductible. It is illegal in Colorado (C.R.S. 10-4-110.8).",
                "\u2696\ufe0f", "red_background"),
    ]
    questions.append((f"How many days after the adjuster's scope are supplements due in the {branch} "
                      f"{month} {year} {storm.lower()} playbook?", f"within {supplement_days} days"))
    child = None
    if rng.random() < 0.3:
        blocks.append(divider())
        blocks.append(p("Canvassing rules for this event are on the sub-page below."))
        no_knock = rng.choice(["7 p.m.", "8 p.m.", "dusk"])
        child = PageSpec(
            f"Canvassing Rules: {month} {year} {storm} ({branch})", "playbooks", "Storm Response",
            ["canvassing"],
            [p(f"Door knocking ends at {no_knock} sharp; respect every no-solicitation sign."),
             ul("Carry the city solicitor license on a lanyard."),
             ul("Leave a door hanger, never a business card in the mailbox.")],
            [(f"When does door knocking end in the {month} {year} {storm.lower()} canvassing rules for {branch}?",
              f"Door knocking ends at {no_knock}")])
    return PageSpec(title, "playbooks", "Storm Response", ["storm", storm.lower(), "insurance"], blocks, questions,
                    child)


SCENARIOS = ["Inbound Lead Call", "Estimate Follow-Up", "Active Leak Complaint", "Schedule Delay",
             "Past-Due Balance Reminder", "Review Request", "Insurance Claim Explainer", "Cancellation Save"]


def service_script(rng: Random, branch: str) -> PageSpec:
    scenario = rng.choice(SCENARIOS)
    callback = rng.choice([1, 2, 4])
    cadence = rng.choice(["day 1, day 3 and day 7", "day 2, day 5 and day 10", "day 1, day 4 and day 14"])
    discount = rng.choice([3, 5, 7, 10])
    escalate = rng.choice([4, 24, 48])
    agent = person(rng)
    phone = f"(719) 555-{rng.randint(1000, 9999)}" if rng.random() < 0.5 else f"(303) 555-{rng.randint(1000, 9999)}"
    title = f"Call Script: {scenario} ({branch})"
    blocks = [
        p(f"Use this script for {scenario.lower()} calls handled by the {branch} office. Owner: {agent}."),
        h2("Opening"),
        quote(f"\"Thanks for calling {COMPANY}, {branch} office, this is [name]. "
              "How can I help with your roof today?\""),
        h2("Steps"),
        ol(f"Return missed calls within **{callback} business hour{'s' if callback > 1 else ''}**."),
        ol("Confirm name, address, best number and how they heard about us."),
        ol(f"Follow up on open estimates on {cadence}, then mark the lead dormant."),
        ol(f"Reps may offer up to {discount}% off without a manager; above that, hand off to the sales manager."),
        h2("Escalation"),
        p(f"Anything unresolved after {escalate} hours goes to the branch manager. After-hours line: {phone}."),
        toggle("If the customer is upset",
               ul("Let them finish. Repeat back what you heard."),
               ul("Give a time, not a promise: \"A project manager will call you by 3 p.m. today.\"")),
        code("Hi {first_name}, this is " + agent.split()[0] + f" from {COMPANY}. Just checking in on your roof "
             "estimate. Reply here or call us anytime!", "plain text"),
    ]
    questions = [
        (f"How quickly must missed calls be returned under the {branch} {scenario.lower()} script?",
         f"within {callback} business hour"),
        (f"How much discount can a rep offer without a manager on a {branch} {scenario.lower()} call?",
         f"up to {discount}% off"),
        (f"What is the after-hours number in the {branch} {scenario.lower()} call script?", phone),
    ]
    return PageSpec(title, "playbooks", "Customer Service", ["customer service", "script"], blocks, questions)


ROLES = ["Roofer I", "Roofer II", "Crew Lead", "Foreman", "Apprentice", "Sales Representative",
         "Production Manager", "Service Technician", "Estimator"]


def onboarding(rng: Random, branch: str) -> PageSpec:
    role = rng.choice(ROLES)
    osha_days = rng.choice([30, 60, 90])
    probation = rng.choice([60, 90])
    allowance = rng.choice([150, 250, 300, 400, 500])
    mentor = person(rng)
    cert = rng.choice(["GAF Master Elite training", "Owens Corning Preferred Contractor training",
                       "CertainTeed ShingleMaster", "Haag Certified Inspector (Residential)", "OSHA 30"])
    title = f"Onboarding: {role} ({branch})"
    days = [["Day", "Plan"], ["Monday", "HR paperwork, PPE issue, safety orientation (4 hours)"],
            ["Tuesday", f"Shadow {mentor} on a tear-off"], ["Wednesday", "Ladder and fall-arrest practical"],
            ["Thursday", "Installation basics on the training roof"], ["Friday", "Ride-along and week-one review"]]
    blocks = [
        p(f"Welcome to {COMPANY} {branch}. New {role.lower()} hires are paired with mentor **{mentor}** for their "
          f"first {probation} days (the probation period)."),
        h2("Week one"),
        table(days),
        h2("Requirements"),
        todo(f"OSHA 10 card within {osha_days} days of hire"),
        todo(f"{cert} within the first year"),
        todo("Signed safety handbook acknowledgment"),
        h2("Pay and gear"),
        ul("Paid every other Friday by direct deposit; timesheets lock Monday at noon."),
        ul(f"Tool allowance of {money(allowance)} after 30 days, reimbursed against receipts."),
        ul("Issued: harness, hard hat, safety glasses, 2 company shirts, cut-resistant gloves."),
    ]
    questions = [
        (f"Who mentors new {role.lower()} hires in {branch}?", mentor),
        (f"What tool allowance does a new {role.lower()} get in {branch}?", f"{money(allowance)} after 30 days"),
        (f"Within how many days must a new {branch} {role.lower()} get an OSHA 10 card?", f"within {osha_days} days"),
    ]
    return PageSpec(title, "sops", "Onboarding", ["onboarding", "hr", role.lower()], blocks, questions)


MUNICIPALITIES = ["City of Aurora", "City and County of Denver", "City of Colorado Springs (PPRBD)",
                  "City of Fort Collins", "Larimer County", "Douglas County", "El Paso County", "City of Lakewood",
                  "City of Longmont", "Town of Castle Rock", "City of Greeley", "Boulder County", "City of Pueblo",
                  "Town of Parker", "City of Loveland", "Weld County"]


def permit_guide(rng: Random, branch: str) -> PageSpec:
    place = rng.choice(MUNICIPALITIES)
    base_fee = rng.choice([95, 120, 150, 185, 220])
    per_k = rng.choice([6.5, 8.25, 9.75, 11.5, 12.0])
    turnaround = rng.choice([1, 2, 3, 5])
    inspection = rng.choice(["mid-roof inspection of ice & water shield", "final inspection only",
                             "sheathing inspection before underlayment", "mid-roof and final inspections"])
    coordinator = person(rng)
    title = f"Permit Guide: {place} Re-Roof Permits ({branch})"
    blocks = [
        p(f"{branch} permit coordinator: {coordinator}. Re-roof permits in {place} are pulled online."),
        table([["Item", "Detail"], ["Base fee", money(base_fee)],
               ["Valuation fee", f"{money(per_k, cents=True)} per $1,000 of valuation"],
               ["Turnaround", f"{turnaround} business day{'s' if turnaround > 1 else ''}"],
               ["Inspections", inspection]]),
        h2("Documents"),
        ol("Signed contract showing the valuation."),
        ol("Roof diagram with squares and pitch."),
        ol("Manufacturer product approval sheet for Class 4 or high-wind products."),
        callout("No work starts before the permit card is posted in a front window.", "\U0001f4cb",
                "yellow_background"),
    ]
    questions = [
        (f"What is the base re-roof permit fee in {place} for {branch} jobs?", money(base_fee)),
        (f"What valuation fee does {place} charge on re-roof permits ({branch} guide)?",
         f"{money(per_k, cents=True)} per $1,000 of valuation"),
    ]
    blocks += review_footer(rng, coordinator)
    return PageSpec(title, "policies", "Permits", ["permits", "compliance"], blocks, questions)


OFFICE_FAMILIES = [manufacturer_warranty, workmanship_warranty, pricing, storm_playbook, service_script,
                   onboarding, permit_guide]
