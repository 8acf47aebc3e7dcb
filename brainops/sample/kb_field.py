"""Knowledge base page families for field work: installation, tear-off, flashing, ventilation,
low-slope membranes, gutters, material specs, safety and job closeout."""

from __future__ import annotations

from random import Random

from brainops.sample.kb_content import (
    COLORS,
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

SHINGLE_KINDS = ("3-tab", "architectural", "designer", "impact-resistant")
SHINGLE_PRODUCTS = [prod for prod in PRODUCTS if prod.kind in SHINGLE_KINDS]


def shingle_install(rng: Random, branch: str) -> PageSpec:
    prod = rng.choice(SHINGLE_PRODUCTS)
    high_wind = rng.random() < 0.4
    nails = 6 if high_wind else 4
    nail_len = rng.choice(["1-1/4 inch", "1-1/2 inch", "1-3/4 inch"] if prod.kind == "designer" else
                          ["1-1/4 inch", "1-1/4 inch", "1-1/2 inch"])
    iws_inside = rng.choice([24, 24, 36])
    valley_iws = rng.choice([36, 36, 48])
    offset = rng.choice(["6 inch", "6-1/2 inch", "5 inch", "10 inch"])
    starter = rng.choice(["3/8 inch", "1/4 inch", "1/2 inch"])
    side_lap, end_lap = rng.choice([(4, 6), (3, 6), (4, 12)])
    lead = person(rng)
    nailing = "High-Wind" if high_wind else "Standard"
    title = f"Installation SOP: {prod.maker} {prod.line} ({nailing} Nailing, {branch})"
    which = f"{prod.maker} {prod.line} ({nailing.lower()} nailing, {branch})"
    blocks = [
        h1(f"{prod.maker} {prod.line} installation"),
        p(f"This procedure is how {branch} crews install {prod.maker} {prod.line} {prod.kind} shingles. "
          f"It follows the manufacturer's application instructions and adds {COMPANY} house rules. "
          f"Crew lead of record: {lead}."),
        callout(f"Every shingle gets **{nails} nails** on this procedure"
                + (" (high-wind zone: the enhanced warranty requires the 6-nail pattern)." if high_wind else "."),
                "\U0001f528", "blue_background"),
        h2("Deck and underlayment"),
        ol("Confirm the deck is dry, flat and nailed off; flag any sheet that deflects more than 1/8 inch."),
        ol(f"Install ice & water shield at all eaves, extending **{iws_inside} inches inside the warm wall**.",
           ul("Two courses are required where the overhang is deeper than 24 inches."),
           ul(f"Valleys: a {valley_iws}-inch-wide sheet centered on the valley before any metal.")),
        ol(f"Roll synthetic underlayment with {side_lap}-inch side laps and {end_lap}-inch end laps; "
           f"cap-nail 12 inches on center at laps."),
        ol("Drip edge goes under the underlayment at eaves and over it at rakes."),
        h2("Shingle application"),
        ol(f"Starter strip along eaves and rakes with a **{starter} overhang** past the drip edge."),
        ol(f"Use {nail_len} 11-gauge galvanized roofing nails, driven flush (never countersunk).",
           ul("Over 3/4 inch sheathing the nail must penetrate through the deck by at least 1/8 inch.")),
        ol(f"Nail pattern: {nails} nails per shingle in the manufacturer's nailing zone, 1 inch from each end."),
        ol(f"Stagger courses with a {offset} offset; racking straight up the roof is not allowed."),
        ol(f"Keep the exposure at {prod.exposure}; check it every fifth course with the gauge."),
        h3("Nailing pattern"),
        code(f"|<-1\"  nail  ....  nail  ....  nail  ....  nail  1\"->|   {nails} nails per shingle\n"
             f"exposure {prod.exposure}   offset {offset}   starter overhang {starter}"),
        h2("Inspection points"),
        todo("Photos of ice & water shield before shingles cover it", rng.random() < 0.5),
        todo("Nail pattern check on 3 random shingles per slope"),
        todo("Exposure and offset verified by crew lead"),
    ]
    blocks += review_footer(rng, lead)
    questions = [
        (f"How many nails per shingle does the install SOP for {which} require?", f"{nails} nails"),
        (f"How far inside the warm wall must ice & water shield extend on {which} installs?",
         f"{iws_inside} inches inside the warm wall"),
        (f"What starter strip overhang is used in the installation SOP for {which}?", f"{starter} overhang"),
        (f"What nail length is specified in the installation SOP for {which}?", f"Use {nail_len} 11-gauge"),
    ]
    return PageSpec(title, "sops", "Installation", ["installation", prod.kind, "shingles"], blocks, questions)


def tear_off(rng: Random, branch: str) -> PageSpec:
    layers = rng.choice([1, 2, 2, 3])
    deck = rng.choice(["OSB", "Plywood", "Plank (skip-sheathed)", "1x6 Plank"])
    squares_per_dumpster = rng.choice([18, 20, 25, 30])
    dumpster = rng.choice(["20-yard", "30-yard", "40-yard"])
    sweep = rng.choice([25, 30, 50, 75])
    sheet_price = rng.choice([58, 64, 72, 79, 85, 92])
    tarp_ft = rng.choice([10, 15, 20])
    super_name = person(rng)
    title = f"Tear-Off Procedure: {layers}-Layer Removal over {deck} Decking ({branch})"
    blocks = [
        p(f"Applies to every {branch} re-roof where {layers} layer{'s' if layers > 1 else ''} of shingles "
          f"come off {deck.lower()} decking. Superintendent: {super_name}."),
        h2("Before the first shingle comes off"),
        todo("Dumpster placed on plywood pads, never directly on the driveway"),
        todo(f"Tarps over landscaping and AC units, extending {tarp_ft} feet from the foundation"),
        todo("Attic items covered if the homeowner agreed (note it on the work order)"),
        p(f"Order one {dumpster} dumpster per {squares_per_dumpster} squares of {layers}-layer tear-off."),
        h2("Removal"),
        ol("Strip from the ridge down, one slope at a time; never open more roof than can be dried-in the same day."),
        ol("Pull every nail or drive it flush; remove old flashing unless the SOP for the feature says reuse."),
        ol("Inspect the deck as it is exposed.",
           ul("Replace any sheet that is delaminated, soft or has a hole larger than 1 inch."),
           ul(f"Replacement decking is billed at {money(sheet_price)} per sheet, with photos before and after.")),
        h2("Cleanup"),
        ol(f"Run the magnetic sweeper over a {sweep}-foot radius around the house twice: at lunch and at the end."),
        ol("Blow off gutters and flush downspouts before the crew leaves."),
        callout("Weather rule: if the forecast shows 40% or more chance of rain, open only what can be "
                "dried-in by 2 p.m.", "\U0001f327\ufe0f", "blue_background"),
    ]
    blocks += review_footer(rng, super_name)
    questions = [
        (f"How much is replacement decking billed per sheet on {layers}-layer tear-offs over {deck} in {branch}?",
         f"{money(sheet_price)} per sheet"),
        (f"What radius does the magnetic sweep cover after a {branch} {layers}-layer tear-off on {deck} decking?",
         f"{sweep}-foot radius"),
        (f"How many squares per dumpster are planned for {layers}-layer tear-off over {deck} ({branch})?",
         f"{squares_per_dumpster} squares"),
    ]
    return PageSpec(title, "sops", "Installation", ["tear-off", "decking"], blocks, questions)


FLASHING_FEATURES = ["Chimney", "Skylight", "Sidewall", "Headwall", "Plumbing Vent", "Dormer", "Valley"]


def flashing(rng: Random, branch: str) -> PageSpec:
    feature = rng.choice(FLASHING_FEATURES)
    roof = rng.choice(["Architectural Shingle", "Class 4 Shingle", "Designer Shingle", "Stone-Coated Steel"])
    step = rng.choice(["4 x 4 x 8 inch", "5 x 5 x 7 inch", "4 x 5 x 8 inch"])
    reglet = rng.choice(["3/4 inch", "1 inch", "5/8 inch"])
    cricket_width = rng.choice([24, 30, 36])
    counter_overlap = rng.choice([3, 4, 4, 6])
    sealant = rng.choice(["Geocel 2300", "NP1 polyurethane", "Tremco Vulkem 116", "OSI Quad Max"])
    metal = rng.choice(["26-gauge galvanized", "24-gauge pre-finished steel", "16-oz copper", "0.032 aluminum"])
    tech = person(rng)
    title = f"Flashing SOP: {feature} on {roof} Roofs ({branch})"
    blocks = [
        p(f"How {branch} crews flash a {feature.lower()} on {roof.lower()} roofs. Flashing metal: {metal}."),
        h2("Materials"),
        ul(f"Step flashing pieces: {step}, one per shingle course."),
        ul(f"Counterflashing from {metal}, lapping the step flashing by {counter_overlap} inches."),
        ul(f"Sealant: {sealant} (never roofing tar on exposed joints)."),
        h2("Procedure"),
        ol("Install ice & water shield 6 inches up the vertical wall and 12 inches onto the deck."),
        ol("Weave step flashing with each course; one nail per piece, high on the deck side only."),
        ol(f"Cut a reglet **{reglet} deep** into the mortar joint or siding for the counterflashing.",
           ol("Set the counterflashing into the reglet and fasten with lead wedges or masonry screws."),
           ol(f"Seal the reglet with {sealant}.")),
        ol(f"Build a cricket on the upslope side of any penetration wider than {cricket_width} inches."),
        toggle("Why we never reuse old step flashing",
               p("Old step flashing is usually bent, nailed through, and sized for a different shingle exposure. "
                 "Reuse is the top cause of callbacks on this feature.")),
        quote(f"\"A roof leaks at its flashings, not its shingles.\" - {tech}, flashing trainer"),
    ]
    blocks += review_footer(rng, tech)
    questions = [
        (f"How deep is the reglet cut for {feature.lower()} counterflashing on {roof.lower()} roofs in {branch}?",
         f"{reglet} deep"),
        (f"Above what width does a {feature.lower()} need a cricket per the {branch} flashing SOP for {roof.lower()}?",
         f"wider than {cricket_width} inches"),
        (f"Which sealant is specified for {feature.lower()} flashing on {roof.lower()} ({branch})?", sealant),
    ]
    return PageSpec(title, "sops", "Installation", ["flashing", feature.lower()], blocks, questions)


RIDGE_VENTS = [("GAF Cobra Rigid Vent 3", 18), ("Owens Corning VentSure 4-Foot Strip", 18),
               ("Lomanco OmniRidge", 18), ("Air Vent ShingleVent II", 18), ("CertainTeed Ridge Vent Filtered", 17),
               ("Trimline Flexible Ridge Vent", 12.5), ("DCI SmartRidge", 16.5)]


def ventilation(rng: Random, branch: str) -> PageSpec:
    vent, nfa_per_ft = rng.choice(RIDGE_VENTS)
    attic = rng.choice([1200, 1450, 1600, 1800, 2100, 2400, 2750, 3000])
    rule = rng.choice([150, 300])
    total_nfa = attic * 144 / rule
    exhaust = total_nfa / 2
    ridge_ft = exhaust / nfa_per_ft
    slot = rng.choice(["1 inch", "3/4 inch", "1-1/8 inch"])
    stop = rng.choice([6, 12])
    title = f"Ventilation Spec: {vent} on a {attic:,} sq ft Attic ({branch})"
    blocks = [
        p(f"Reference calculation for a {attic:,} square foot attic using the 1/{rule} rule, "
          f"balanced 50/50 between soffit intake and ridge exhaust."),
        h2("Calculation"),
        code(f"attic floor area        = {attic:,} sq ft\n"
             f"required NFA (1/{rule})    = {attic:,} x 144 / {rule} = {total_nfa:,.0f} sq in\n"
             f"exhaust share (50%)     = {exhaust:,.0f} sq in\n"
             f"{vent} NFA = {nfa_per_ft} sq in per linear ft\n"
             f"ridge vent needed       = {ridge_ft:,.1f} linear ft", "plain text"),
        callout(f"Required net free area: **{total_nfa:,.0f} sq in** total, split evenly between intake and exhaust.",
                "\U0001f32c\ufe0f", "gray_background"),
        h2("Install"),
        ol(f"Cut the ridge slot {slot} on each side of the ridge board."),
        ol(f"Stop the slot {stop} inches short of each gable end and of any hip junction."),
        ol("Never mix ridge vent with box vents or power fans on the same attic space."),
        ol("Verify soffit intake is open: pull two soffit panels and check for insulation blocking."),
        table([["Attic type", "Rule", "Why"],
               ["Balanced intake and exhaust, vapor retarder", "1/300", "Code allows the reduced ratio"],
               ["No vapor retarder or unbalanced", "1/150", "Default for older homes"]]),
    ]
    questions = [
        (f"How much net free area does the {branch} spec for a {attic:,} sq ft attic with {vent} require?",
         f"{total_nfa:,.0f} sq in"),
        (f"How many linear feet of {vent} does the {branch} {attic:,} sq ft attic calculation call for?",
         f"{ridge_ft:,.1f} linear ft"),
    ]
    return PageSpec(title, "sops", "Installation", ["ventilation", "ridge vent"], blocks, questions)


SAFETY_TOPICS = ["Fall Protection", "Ladder Safety", "Heat Illness Prevention", "Power Line Clearance",
                 "Skylight and Roof Opening Covers", "Cold Weather Work", "Torch-Down Hot Work", "Material Hoisting"]


def safety(rng: Random, branch: str) -> PageSpec:
    topic = rng.choice(SAFETY_TOPICS)
    coordinator = person(rng)
    stop_wind = rng.choice([20, 25, 30, 35])
    talk_day = rng.choice(["Monday", "Tuesday", "Wednesday"])
    fine = rng.choice([250, 500, 750])
    blocks = [h1(topic),
              p(f"{branch} safety coordinator: **{coordinator}**. Toolbox talk every {talk_day} at 7:00 a.m.")]
    questions: list[tuple[str, str]] = [
        (f"Who is the safety coordinator named on the {branch} {topic.lower()} procedure?", coordinator),
    ]
    if topic == "Fall Protection":
        anchor = rng.choice(["5,000 lb", "5,000-pound"])
        lanyard = rng.choice([6, 4])
        blocks += [
            callout("Fall protection is required at **6 feet** above a lower level on every residential roof "
                    "(29 CFR 1926.501(b)(13)).", "\U0001f6d1", "red_background"),
            h2("Personal fall arrest"),
            ol(f"Anchors rated {anchor} per worker, installed into a rafter or truss with the manufacturer's screws."),
            ol(f"Use {lanyard}-foot shock-absorbing lanyards or self-retracting lifelines; "
               "inspect harness webbing daily."),
            ol("Install the first anchor from a ladder before anyone walks the roof."),
            h2("Stop-work rules"),
            ul(f"Sustained wind at or above **{stop_wind} mph**: get off the roof."),
            ul("Frost or dew on the deck: wait until it burns off."),
        ]
        questions.append((f"What anchor rating is required per worker under the {branch} fall protection procedure?",
                          f"Anchors rated {anchor} per worker"))
    elif topic == "Ladder Safety":
        extend = rng.choice([3, 3, 4])
        blocks += [
            h2("Setup"),
            ol("Use the 4-to-1 rule: 1 foot out at the base for every 4 feet of height."),
            ol(f"Extend the ladder **{extend} feet above** the landing (OSHA 1926.1053(b)(1))."),
            ol("Tie off the top and foot the bottom on every setup over 16 feet."),
            ul("Fiberglass ladders only within 10 feet of any overhead line.", ul("No aluminum ladders on site.")),
            h2("Climbing"),
            ul("Three points of contact; carry tools on a belt or hoist them."),
        ]
        questions.append((f"How far above the landing must a ladder extend per the {branch} ladder safety page?",
                          f"{extend} feet above"))
    elif topic == "Heat Illness Prevention":
        threshold = rng.choice([80, 85, 90])
        water = rng.choice(["1 quart per hour", "8 ounces every 15 minutes"])
        acclim = rng.choice([20, 25])
        blocks += [
            h2("Triggers"),
            table([["Heat index", "Action"],
                   [f"{threshold} F and above", "Shade break of 10 minutes every hour, water on the roof"],
                   [f"{threshold + 15} F and above", "Work ends at 2 p.m.; buddy checks every 30 minutes"]]),
            h2("Water, rest, shade"),
            ul(f"Each worker drinks {water}, even when not thirsty."),
            ul(f"New hires start at {acclim}% of a normal workload on day one and add 20% per day."),
            callout("Confusion, slurred speech or no sweating means heat stroke: call 911, then cool the worker.",
                    "\U0001f321\ufe0f", "red_background"),
        ]
        questions.append((f"At what heat index do shade breaks start in the {branch} heat illness procedure?",
                          f"{threshold} F and above"))
    elif topic == "Power Line Clearance":
        clear = rng.choice([10, 10, 15])
        blocks += [
            p(f"Keep every person, ladder and conveyor at least **{clear} feet** from overhead power lines "
              "up to 50 kV."),
            ol("Walk the site and mark lines with flags before unloading the boom truck."),
            ol("If a line crosses the roof, call the utility for a drop or a blanket at least 5 business days ahead."),
            toggle("Service drops at the mast",
                   p("Treat the service mast as live. Never step on it or use it as an anchor.")),
        ]
        questions.append((f"What clearance from power lines does the {branch} power line procedure require?",
                          f"at least {clear} feet"))
    else:
        blocks += [
            h2("Rules"),
            ol(f"Hold a pre-task briefing for {topic.lower()} before work begins."),
            ol(f"Stop work when sustained wind reaches **{stop_wind} mph**."),
            ol(f"Violations carry a {money(fine)} deduction after the second written warning."),
            todo("Pre-task checklist signed by the crew lead"),
        ]
        questions.append((f"What deduction applies to repeat {topic.lower()} violations in {branch}?",
                          f"{money(fine)} deduction"))
    blocks += review_footer(rng, coordinator)
    return PageSpec(f"Safety Procedure: {topic} ({branch})", "sops", "Safety",
                    ["safety", "osha", topic.lower()], blocks, questions)


def low_slope(rng: Random, branch: str) -> PageSpec:
    membrane = rng.choice(["TPO", "PVC", "EPDM", "Modified Bitumen"])
    mil = rng.choice([45, 60, 60, 80]) if membrane != "Modified Bitumen" else rng.choice([120, 160])
    substrate = rng.choice(["Polyiso", "Cover Board", "Existing BUR (recover)", "Plywood Deck"])
    weld = rng.choice([1050, 1100, 950, 1000])
    seam = rng.choice([1.5, 2, 3])
    perimeter = rng.choice([6, 9, 12])
    field_oc = rng.choice([12, 18, 24])
    r_value = rng.choice([20, 25, 30])
    title = f"Low-Slope SOP: {mil} mil {membrane} over {substrate} ({branch})"
    join = "hot-air welded" if membrane in ("TPO", "PVC") else ("taped" if membrane == "EPDM" else "torched")
    blocks = [
        p(f"For roofs under 2:12 pitch. Insulation target R-{r_value}."),
        h2("Attachment"),
        table([["Zone", "Fastener spacing"], ["Field", f"{field_oc} inches o.c."],
               ["Perimeter", f"{perimeter} inches o.c."], ["Corners", f"{max(perimeter // 2, 3)} inches o.c."]]),
        h2("Seams"),
        ol(f"Seams are {join} with a minimum {seam}-inch effective seam width."),
    ]
    questions = [(f"What is the perimeter fastener spacing for {mil} mil {membrane} over {substrate.lower()} "
                  f"in {branch}?", f"{perimeter} inches o.c.")]
    if join == "hot-air welded":
        blocks.append(ol(f"Set the robotic welder to **{weld} F** and run a test weld every morning and after lunch."))
        questions.append((f"What welder temperature is used for {mil} mil {membrane} over {substrate.lower()} "
                          f"({branch})?",
                          f"{weld} F"))
    blocks += [ol("Probe every seam with a cotter-pin probe the same day."),
               todo("Seam probe log photographed and attached to the job"), divider(),
               p("Walkway pads at every rooftop unit and hatch.")]
    return PageSpec(title, "sops", "Installation", ["low-slope", membrane.lower(), "commercial"], blocks, questions)


def gutters(rng: Random, branch: str) -> PageSpec:
    size = rng.choice(["5-inch", "6-inch", "7-inch"])
    material = rng.choice(["Aluminum K-Style", "Half-Round Copper", "Steel K-Style", "Seamless Aluminum"])
    per_ft = rng.choice([9, 11, 12.5, 14, 18, 24])
    downspout_every = rng.choice([30, 35, 40])
    hanger = rng.choice([18, 24, 24, 30])
    slope = rng.choice(["1/4 inch per 10 feet", "1/2 inch per 10 feet", "1/16 inch per foot"])
    title = f"Gutter Install Standard: {size} {material} ({branch})"
    blocks = [
        p(f"{size} {material.lower()} gutters are sold at **{money(per_ft, cents=True)} per linear foot** installed."),
        h2("Layout"),
        ul(f"One downspout every {downspout_every} feet of run, and at every inside corner run longer than 20 feet."),
        ul(f"Slope gutters {slope} toward the outlet."),
        ul(f"Hidden hangers every {hanger} inches; every 12 inches in snow-load areas."),
        h2("Upsell rules"),
        ol("Offer guards on any home with trees within 30 feet of the roofline."),
        ol("Offer downspout extensions where water discharges within 4 feet of the foundation."),
    ]
    questions = [
        (f"What is the installed price per linear foot for {size} {material.lower()} gutters in {branch}?",
         f"{money(per_ft, cents=True)} per linear foot"),
        (f"How often are hangers spaced for {size} {material.lower()} gutters ({branch})?", f"every {hanger} inches"),
    ]
    return PageSpec(title, "sops", "Installation", ["gutters"], blocks, questions)


def material_spec(rng: Random, branch: str) -> PageSpec:
    prod = rng.choice(SHINGLE_PRODUCTS)
    color = rng.choice(COLORS)
    sku = f"{prod.maker[:2].upper()}-{rng.randint(10000, 99999)}"
    cost = rng.choice([96, 104, 112, 118, 126, 139, 152, 168]) + (40 if prod.kind == "designer" else 0)
    lead_days = rng.choice([2, 3, 5, 7, 10])
    supplier = rng.choice(["ABC Supply", "Beacon Building Products", "SRS Distribution", "Bradco Supply"])
    max_stack = rng.choice([2, 3])
    title = f"Material Spec: {prod.maker} {prod.line} in {color} ({branch} stock)"
    rows = [["Property", "Value"], ["Type", prod.kind], ["Weight", f"{prod.weight} lbs per square"],
            ["Bundles per square", str(prod.bundles)], ["Exposure", prod.exposure],
            ["Impact rating", "UL 2218 Class 4" if prod.class4 else "Not impact rated"],
            ["Fire rating", "Class A (ASTM E108)"], ["Standard", "ASTM D7158 Class H, ASTM D3462"],
            ["Our cost", f"{money(cost)} per square"]]
    blocks = [
        p(f"{supplier} stocks {color} for the {branch} branch under SKU `{sku}`. "
          f"Lead time: {lead_days} business days."),
        table(rows, row_header=True),
        h2("Storage and handling"),
        ul(f"Stack pallets no more than {max_stack} high; keep bundles flat so they do not bow."),
        ul("Below 40 F the sealant strip will not activate: hand-seal with 4 dabs of cement per shingle."),
        callout(f"{prod.maker} {prod.line} in {color} is a stocked color; special-order colors add 10 days.",
                "\U0001f4e6", "gray_background"),
    ]
    questions = [
        (f"What is the SKU for {prod.maker} {prod.line} in {color} at the {branch} branch?", sku),
        (f"What does {branch} pay per square for {prod.maker} {prod.line} in {color}?", f"{money(cost)} per square"),
        (f"Which supplier stocks {prod.maker} {prod.line} in {color} for {branch}?", supplier),
    ]
    return PageSpec(title, "sops", "Materials", ["materials", prod.maker.lower(), prod.kind], blocks, questions)


def closeout(rng: Random, branch: str) -> PageSpec:
    job = rng.choice(["Residential Re-Roof", "Insurance Claim Re-Roof", "Commercial TPO", "Repair Ticket",
                      "Gutter Replacement", "Metal Roof"])
    photos = rng.choice([25, 30, 40, 50])
    invoice_hours = rng.choice([24, 48, 72])
    review_days = rng.choice([3, 5, 7])
    pm = person(rng)
    blocks = [
        p(f"Production manager {pm} signs off every {job.lower()} in {branch} with this checklist."),
        h2("On site"),
        todo(f"Minimum of {photos} photos uploaded: before, during, details, after, and the cleaned yard"),
        todo("Magnet sweep done twice, driveway and beds"),
        todo("Homeowner walk-through with the crew lead; punch list written on the work order"),
        todo("Extra shingles (one bundle) left in the garage, labeled with color and lot"),
        h2("Office"),
        ol(f"Final invoice goes out within **{invoice_hours} hours** of the walk-through."),
        ol("Conditional lien waivers from the supplier and any subcontractor attached to the invoice."),
        ol(f"Review request text sent {review_days} days after payment clears."),
        quote("Closeout is the first thing the customer remembers and the last thing we do."),
    ]
    questions = [
        (f"How many photos are required at closeout for a {job.lower()} in {branch}?", f"Minimum of {photos} photos"),
        (f"How soon after the walk-through is the final invoice sent for a {branch} {job.lower()}?",
         f"within {invoice_hours} hours"),
    ]
    return PageSpec(f"Closeout Checklist: {job} ({branch})", "sops", "Operations", ["closeout", "quality"],
                    blocks, questions)


FIELD_FAMILIES = [shingle_install, tear_off, flashing, ventilation, safety, low_slope, gutters, material_spec, closeout]
