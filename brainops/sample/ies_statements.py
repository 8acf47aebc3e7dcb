"""Income & Expense Statements of the sample's funding applicants: property operating statements and
roofing contractors' P&Ls as PDF (text layer, or scanned images), XLSX and CSV, each with its truth.

Outputs under out_dir:
- ies/<file>: the statements, named the way applicants name them (Maple_Court_Apartments_T12_2026.pdf).
- truth/ies/<file>.json: what an extractor should find (see `truth`), with canonical keys and signs
  from pipelines/ies/contract/ies_chart_of_accounts.md and amounts in full currency units.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from random import Random
from typing import Any

from faker import Faker

from brainops.sample.ies_build import break_tie_out, build_statement
from brainops.sample.ies_figures import BUSINESS_PATTERNS, BUSINESS_WORDS, CITIES, PROPERTY_NAMES, PROPERTY_TYPES
from brainops.sample.ies_layouts import Style, choose_style, write_csv, write_xlsx
from brainops.sample.ies_model import Statement
from brainops.sample.ies_pdf import write_pdf


def deal(rng: Random, n: int, shares: dict[str, float]) -> list[str]:
    """Exactly-proportioned labels in a seeded order (the last label takes the rounding)."""
    names = list(shares)
    counts = {name: round(n * shares[name]) for name in names[:-1]}
    counts[names[-1]] = n - sum(counts.values())
    labels = [name for name in names for _ in range(max(counts[name], 0))][:n]
    rng.shuffle(labels)
    return labels


class Applicants:
    """Unique entity and file names for the applicants."""

    def __init__(self, rng: Random, fake: Faker) -> None:
        self.rng, self.fake = rng, fake
        self.entities: set[str] = set()
        self.files: set[str] = set()

    def entity(self, statement_type: str) -> tuple[str, str, str]:
        """(entity name, short name for the file, property kind)."""
        for attempt in range(50):
            if statement_type == "property_operating":
                type_name, kind = self.rng.choice(PROPERTY_TYPES)
                short = f"{self.rng.choice(PROPERTY_NAMES)} {type_name}"
                if attempt > 10:
                    short = f"{self.fake.last_name()} {short}"
                name = short + self.rng.choice(["", "", "", ", LLC", " Owner LLC", " LP"])
            else:
                kind = "business"
                name = self.rng.choice(BUSINESS_PATTERNS).format(
                    last=self.fake.last_name(), city=self.rng.choice(CITIES), word=self.rng.choice(BUSINESS_WORDS))
                short = re.sub(r",? (Inc\.|LLC|Co\.)$", "", name)
            if short not in self.entities:
                self.entities.add(short)
                return name, short, kind
        raise RuntimeError("ran out of applicant names")

    def file_name(self, short: str, stmt: Statement, ext: str) -> str:
        periods = [p for p in stmt.periods if p.months == 12]
        last = max(periods, key=lambda p: p.end).end
        first = min(periods, key=lambda p: p.end).end
        if stmt.period_layout == "t12":
            doc, when = "T12", self.rng.choice([str(last.year), f"{last:%b}{last.year}", f"{last:%Y-%m}"])
        else:
            doc = self.rng.choice(["Operating_Statement", "IE", "Income_Statement", "Financials"]
                                  if stmt.statement_type == "property_operating" else
                                  ["PL", "Income_Statement", "PnL", "Financials", "Profit_and_Loss"])
            when = str(last.year) if first == last else f"{first.year}-{last.year}"
        words = re.findall(r"[A-Za-z0-9]+", short)
        style = self.rng.random()
        if style < 0.7:
            stem = "_".join([*words, doc, when])
        elif style < 0.85:
            stem = "-".join([*words, doc, when]).lower().replace("_", "-")
        else:
            stem = "".join(words) + f"_{doc}_{when}"
        name, n = f"{stem}.{ext}", 2
        while name in self.files:
            name, n = f"{stem}_v{n}.{ext}", n + 1
        self.files.add(name)
        return name


def truth(stmt: Statement, *, file: str, file_format: str, style: Style, sources: list[dict | None],
          scanned: bool, pages: int | None) -> dict[str, Any]:
    values = {key: {pk: stmt.full(v) for pk, v in by_period.items()}
              for key, by_period in stmt.canonical_values().items()}
    debt = values.get("debt_service")
    anchor = next((p.key for p in stmt.periods if p.key.startswith("T12-")), None) or max(
        (p for p in stmt.periods if p.months == 12), key=lambda p: p.end).key
    return {
        "file": file,
        "entity_name": stmt.entity,
        "statement_type": stmt.statement_type,
        "currency": "USD",
        "unit_multiplier": stmt.multiplier,
        "periods": [{"key": p.key, "label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat(),
                     "months": p.months} for p in stmt.periods],
        "values": values,
        "ties_out": not stmt.errors,
        "tie_out_errors": stmt.errors,
        "scanned": scanned,
        "debt_service": debt[anchor] if debt else None,
        "format": file_format,
        "pages": pages,
        "layout": {"period_layout": stmt.period_layout, "title": stmt.title, "period_line": stmt.period_line,
                   "decimals": stmt.decimals, **style.describe(file_format)},
        "rows": [{"label": row.label, "canonical": row.canonical, "section": row.section, "is_total": row.is_total,
                  "values": {pk: stmt.full(v) for pk, v in row.values.items()}, "source": sources[i],
                  "printed_sign": row.display_sign}
                 for i, row in enumerate(stmt.rows) if row.kind != "heading"],
    }


def generate_ies(out_dir: Path, *, scale: float, seed: int, as_of: datetime) -> dict[str, int]:
    """Write the applicants' statements and their truth under out_dir; returns file counts."""
    n = max(5, round(50 * scale))
    as_of = as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
    rng = Random(f"ies-{seed}")
    fake = Faker("en_US")
    fake.seed_instance(seed)
    formats = deal(rng, n, {"pdf": 0.5, "xlsx": 0.3, "csv": 0.2})
    types = deal(rng, n, {"business_pnl": 0.45, "property_operating": 0.55})
    layouts = deal(rng, n, {"single": 0.3, "multi_year": 0.35, "t12": 0.35})
    pdf_slots = [i for i, f in enumerate(formats) if f == "pdf"]
    scanned = set(rng.sample(pdf_slots, min(len(pdf_slots), max(1, int(n * 0.05 + 0.5)))))
    broken = set(rng.sample(range(n), max(1, round(n * 0.1))))
    names = Applicants(rng, fake)
    (out_dir / "ies").mkdir(parents=True, exist_ok=True)
    (out_dir / "truth" / "ies").mkdir(parents=True, exist_ok=True)
    for old in (out_dir / "truth" / "ies").glob("*.json"):  # a previous run's statements, and nothing else
        (out_dir / "ies" / old.name.removesuffix(".json")).unlink(missing_ok=True)
        old.unlink()
    counts = {"ies/files": 0, "ies/pdf": 0, "ies/xlsx": 0, "ies/csv": 0}
    for i in range(n):
        file_rng = Random(rng.getrandbits(64))
        entity, short, kind = names.entity(types[i])
        layout = layouts[i]
        multiplier = 1000 if file_rng.random() < (0.05 if layout == "t12" else 0.2) else 1
        decimals = 2 if multiplier == 1 and file_rng.random() < (0.4 if layout == "t12" else 0.2) else 0
        stmt = build_statement(file_rng, entity=entity, statement_type=types[i], layout=layout,
                               as_of=as_of.date(), multiplier=multiplier, decimals=decimals, property_kind=kind)
        if i in broken:
            break_tie_out(file_rng, stmt)
        file_format = formats[i]
        style = choose_style(file_rng, file_format, stmt)
        file = names.file_name(short, stmt, file_format)
        # prepared some days after the last period closed, and before the application date
        closed = datetime.combine(max(p.end for p in stmt.periods), time(), tzinfo=UTC)
        span = max((as_of - closed).days - 1, 2)
        created = closed + timedelta(days=file_rng.randint(1, min(span, 120)), minutes=file_rng.randint(480, 1080))
        path = out_dir / "ies" / file
        pages = None
        if file_format == "pdf":
            sources, pages = write_pdf(path, stmt, style, file_rng, created=created, scanned=i in scanned)
        elif file_format == "xlsx":
            sources = write_xlsx(path, stmt, style, file_rng, created)
        else:
            sources = write_csv(path, stmt, style, file_rng)
        record = truth(stmt, file=file, file_format=file_format, style=style, sources=sources,
                       scanned=i in scanned, pages=pages)
        (out_dir / "truth" / "ies" / f"{file}.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        counts["ies/files"] += 1
        counts[f"ies/{file_format}"] += 1
    return counts
