"""A corpus of scanned IES statements only (150 DPI JPEG pages, a slight tilt, specks, blur: the way
brainops/sample/ies_pdf.py draws scans), with truth in the shape of ies_statements' truth. The sample's
own corpus holds one scan in twenty statements: too few to measure OCR on, hence this.

    generate_scans(out_dir, n=12, seed=1, as_of=...)  -> writes out_dir/ies/*.pdf and out_dir/truth/ies/*.json
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from random import Random

from faker import Faker

from brainops.sample.ies_build import break_tie_out, build_statement
from brainops.sample.ies_layouts import choose_style
from brainops.sample.ies_pdf import write_pdf
from brainops.sample.ies_statements import Applicants, deal, truth


def generate_scans(out_dir: Path, *, n: int, seed: int, as_of: datetime) -> list[str]:
    """n scanned statements, property and business, single-year, multi-year and T-12 in equal shares,
    one in ten with a total that does not tie out. Returns the file names."""
    rng = Random(f"ies-scans-{seed}")
    fake = Faker("en_US")
    fake.seed_instance(seed)
    types = deal(rng, n, {"business_pnl": 0.45, "property_operating": 0.55})
    layouts = deal(rng, n, {"single": 1 / 3, "multi_year": 1 / 3, "t12": 1 / 3})
    broken = set(rng.sample(range(n), max(1, round(n * 0.1))))
    names = Applicants(rng, fake)
    (out_dir / "ies").mkdir(parents=True, exist_ok=True)
    (out_dir / "truth" / "ies").mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        file_rng = Random(rng.getrandbits(64))
        entity, short, kind = names.entity(types[i])
        multiplier = 1000 if file_rng.random() < (0.05 if layouts[i] == "t12" else 0.2) else 1
        decimals = 2 if multiplier == 1 and file_rng.random() < (0.4 if layouts[i] == "t12" else 0.2) else 0
        stmt = build_statement(file_rng, entity=entity, statement_type=types[i], layout=layouts[i],
                               as_of=as_of.date(), multiplier=multiplier, decimals=decimals, property_kind=kind)
        if i in broken:
            break_tie_out(file_rng, stmt)
        style = choose_style(file_rng, "pdf", stmt)
        file = names.file_name(short, stmt, "pdf")
        closed = datetime.combine(max(p.end for p in stmt.periods), time(), tzinfo=UTC)
        created = closed + timedelta(days=file_rng.randint(1, 60))
        sources, pages = write_pdf(out_dir / "ies" / file, stmt, style, file_rng, created=created, scanned=True)
        record = truth(stmt, file=file, file_format="pdf", style=style, sources=sources, scanned=True, pages=pages)
        (out_dir / "truth" / "ies" / f"{file}.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        files.append(file)
    return files
