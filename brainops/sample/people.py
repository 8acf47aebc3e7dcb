"""Who the customers are: a company with its contacts and properties, and the contractor's staff."""

from __future__ import annotations

import random
import re

from faker import Faker

from brainops.sample.catalog import (
    BUSINESS_DOMAIN,
    CITIES,
    COMMERCIAL_MAILBOXES,
    COMMERCIAL_SUFFIXES,
    COMMERCIAL_TITLES,
    EMPLOYEE_ROLE_WEIGHTS,
    EMPLOYEE_ROLES,
    FREE_EMAIL_DOMAINS,
    PROPERTY_TYPES,
    ROOF_TYPES,
    ROOF_WEIGHTS,
    City,
)
from brainops.sample.ids import CenterPointIds
from brainops.sample.models import Company, Contact, Employee, Property
from brainops.sample.timeline import AS_OF_TS, DAY, HISTORY_START_TS

_CITY_WEIGHTS = [c.weight for c in CITIES]
FIRST_CUSTOMER_TS = HISTORY_START_TS - 60 * DAY
LAST_CUSTOMER_TS = AS_OF_TS - 10 * DAY


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def phone(rng: random.Random, city: City) -> str:
    return f"({rng.choice(city.area_codes)}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"


def postal_code(rng: random.Random, city: City) -> str:
    return f"{rng.randint(*city.zips):05d}"


def street(rng: random.Random, fake: Faker) -> str:
    return f"{rng.randint(100, 19999)} {fake.street_name()}"


def make_company(index: int, rng: random.Random, fake: Faker, ids: CenterPointIds) -> Company:
    """The company itself, its 1-3 contacts and 1-4 properties (jobs come from jobs.py)."""
    kind = "commercial" if rng.random() < 0.2 else "residential"
    city = rng.choices(CITIES, _CITY_WEIGHTS)[0]
    created = int(FIRST_CUSTOMER_TS + (LAST_CUSTOMER_TS - FIRST_CUSTOMER_TS) * rng.random() ** 0.8)
    first, last = fake.first_name(), fake.last_name()
    if kind == "residential":
        name = f"{first} {last}"
        sep = rng.choice((".", "", "_"))
        digits = str(rng.randint(1, 99)) if rng.random() < 0.35 else ""
        email = f"{slug(first)}{sep}{slug(last)}{digits}@{rng.choice(FREE_EMAIL_DOMAINS)}"
        terms = rng.choices((15, 30), (70, 30))[0]
    else:
        name = f"{fake.last_name()} {rng.choice(COMMERCIAL_SUFFIXES)}"
        email = f"{rng.choice(COMMERCIAL_MAILBOXES)}@{slug(name)}.com"
        terms = rng.choices((15, 30, 45), (10, 60, 30))[0]
    company = Company(
        index=index,
        id=ids.company(index),
        name=name,
        kind=kind,
        email=email,
        phone=phone(rng, city),
        street=street(rng, fake),
        city=city,
        postal_code=postal_code(rng, city),
        created=created,
        terms_days=terms,
        payer=rng.choices(("prompt", "normal", "slow"), (60, 30, 10))[0],
        card_share=(0.75 if kind == "residential" else 0.35) * rng.uniform(0.6, 1.0),
        wants_stripe=rng.random() < 0.62,
    )
    company.contacts = make_contacts(company, first, last, rng, fake, ids)
    company.properties = make_properties(company, rng, fake, ids)
    return company


def _edited(rng: random.Random, created: int) -> int:
    """updatedAt: most records are never edited after creation; some are, later."""
    return created if rng.random() < 0.8 else int(rng.uniform(created, AS_OF_TS - 1))


def make_contacts(
    company: Company, first: str, last: str, rng: random.Random, fake: Faker, ids: CenterPointIds
) -> list[Contact]:
    n = rng.choices((1, 2), (55, 45))[0] if company.kind == "residential" else rng.choices((1, 2, 3), (35, 40, 25))[0]
    contacts: list[Contact] = []
    for k in range(n):
        if k == 0 and company.kind == "residential":
            f, l_, email, title = first, last, company.email, "Homeowner"
        else:
            f = fake.first_name()
            l_ = last if company.kind == "residential" else fake.last_name()
            title = "Homeowner" if company.kind == "residential" else rng.choice(COMMERCIAL_TITLES)
            if k == 0:
                email = company.email
            elif company.kind == "residential":
                email = f"{slug(f)}.{slug(l_)}@{rng.choice(FREE_EMAIL_DOMAINS)}"
            else:
                email = f"{slug(f)}.{slug(l_)}@{company.email.split('@', 1)[1]}"
        created = company.created if k == 0 else int(rng.uniform(company.created, AS_OF_TS - DAY))
        deleted = None
        if k > 0 and rng.random() < 0.012:
            deleted = int(rng.uniform(created, AS_OF_TS - 1))
        contacts.append(
            Contact(
                id=ids.profiles.next(),
                first_name=f,
                last_name=l_,
                email=email,
                phone=phone(rng, company.city),
                title=title,
                is_primary=k == 0,
                created=created,
                updated=deleted or _edited(rng, created),
                deleted=deleted,
            )
        )
    return contacts


def make_properties(company: Company, rng: random.Random, fake: Faker, ids: CenterPointIds) -> list[Property]:
    if company.kind == "residential":
        n = rng.choices((1, 2), (90, 10))[0]
    else:
        n = rng.choices((1, 2, 3, 4), (45, 30, 15, 10))[0]
    props: list[Property] = []
    for k in range(n):
        same_address = k == 0
        city = company.city if same_address or rng.random() < 0.6 else rng.choices(CITIES, _CITY_WEIGHTS)[0]
        roof = rng.choices(ROOF_TYPES, ROOF_WEIGHTS[company.kind])[0]
        if company.kind == "residential":
            squares = max(10, min(90, int(rng.gauss(28, 9))))
            ptype = "single_family" if k == 0 else "rental"
            addr = company.street if same_address else street(rng, fake)
            name = f"{company.name.split()[-1]} Residence" if k == 0 else f"Rental - {addr}"
        else:
            squares = max(30, min(400, int(rng.lognormvariate(4.35, 0.6))))
            ptype = rng.choice(PROPERTY_TYPES["commercial"])
            addr = company.street if same_address else street(rng, fake)
            name = f"{company.name} - Building {chr(65 + k)}" if n > 1 else company.name
        props.append(
            Property(
                id=ids.properties.next(),
                name=name,
                street=addr,
                city=city,
                postal_code=company.postal_code if same_address else postal_code(rng, city),
                property_type=ptype,
                roof_type=roof,
                squares=squares,
                latitude=round(city.lat + rng.uniform(-0.09, 0.09), 6),
                longitude=round(city.lng + rng.uniform(-0.11, 0.11), 6),
                created=company.created,
                updated=_edited(rng, company.created),
            )
        )
    return props


def make_employees(count: int, rng: random.Random, fake: Faker) -> list[Employee]:
    """The contractor's staff. The first two are always an estimator and a project manager."""
    staff: list[Employee] = []
    for k in range(count):
        role = ("estimator", "project_manager")[k] if k < 2 else rng.choices(EMPLOYEE_ROLES, EMPLOYEE_ROLE_WEIGHTS)[0]
        first, last = fake.first_name(), fake.last_name()
        created = int(rng.uniform(HISTORY_START_TS - 4 * 365 * DAY, HISTORY_START_TS - 90 * DAY))
        leaves = role == "office" and rng.random() < 0.1
        deleted = int(rng.uniform(HISTORY_START_TS, AS_OF_TS - DAY)) if leaves else None
        staff.append(
            Employee(
                id=str(1_001 + k),
                first_name=first,
                last_name=last,
                email=f"{slug(first)}.{slug(last)}@{BUSINESS_DOMAIN}",
                phone=phone(rng, CITIES[0]),
                role=role,
                created=created,
                updated=deleted or _edited(rng, created),
                deleted=deleted,
            )
        )
    return staff
