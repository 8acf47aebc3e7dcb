"""IES extraction accuracy against the generator's truth, by format, and speed, against a naive
label-mapping baseline in the same run.

    .venv/bin/python bench/ies_accuracy.py [--scale 1] [--seed 42]      # scale 1 = 50 statements

Figures (the issue's targets in brackets):
- headline: the contract's `totals` (total income, total operating expenses, NOI, per period) within half
  a printed unit ($0.50, or $500 in a statement in thousands) of the truth [>= 99%];
- mapping: printed rows mapped onto the canonical key the truth gives them [>= 95%];
- cited: line items that say where they were read (page + bbox, sheet + row, or CSV row) [all];
- values: every truth (canonical key, period) value, as before (pipelines/ies/evaluation.py);
- status: extracted for files that tie out, needs_review for those that do not;
- documents/s and the median seconds per document (one process, imports warmed first).
Scanned PDFs are read by OCR when tesseract is installed; they are reported on their own line and left
out of the text-layer targets (without OCR they are needs_review by design).

Baseline: the same readers and tie-outs, but labels mapped by exact match of the lower-cased printed
label against the same curated vocabulary, ignoring the section a label sits in, with no abbreviation
or punctuation normalisation and no keyword fallback: what a lookup table alone achieves.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from brainops.sample.ies_statements import generate_ies
from pipelines.ies.chart import SECTION_OF, TOTAL_KEYS, VOCABULARY
from pipelines.ies.evaluation import Score, headline_score, mapping_score, score, uncited
from pipelines.ies.extract import extract
from pipelines.ies.labels import LabelContext, LabelMatch, MapperChain, default_chain

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
TEXT_FORMATS = ("pdf", "xlsx", "csv")
SCANNED = "pdf (scanned)"


class ExactLabelMapper:
    """The baseline: a lookup table of known labels, nothing else."""

    name = "exact"

    def __init__(self) -> None:
        self.words: dict[str, str] = {}
        for words in VOCABULARY.values():
            for label, key in words.items():
                self.words.setdefault(label, key)

    def map(self, label: str, context: LabelContext) -> LabelMatch | None:
        key = self.words.get(label.strip().lower())
        if key is None:
            return None
        return LabelMatch(key, SECTION_OF[key], key in TOTAL_KEYS or label.lower().startswith("total"), 0.95,
                          self.name)


@dataclass
class Figures:
    """One format's (or all formats') figures."""

    headline: Score = field(default_factory=Score)
    mapping: Score = field(default_factory=Score)
    values: Score = field(default_factory=Score)
    items: int = 0
    uncited: list[tuple[str, str]] = field(default_factory=list)  # (file, label)
    seconds: list[float] = field(default_factory=list)
    status_ok: int = 0

    @property
    def files(self) -> int:
        return len(self.seconds)

    def add(self, other: Figures) -> None:
        for name in ("headline", "mapping", "values"):
            getattr(self, name).add(getattr(other, name))
        self.items += other.items
        self.uncited += other.uncited
        self.seconds += other.seconds
        self.status_ok += other.status_ok


def run(corpus: Path, chain: MapperChain) -> dict[str, Figures]:
    by_kind: dict[str, Figures] = defaultdict(Figures)
    for truth_path in sorted((corpus / "truth" / "ies").glob("*.json")):
        truth = json.loads(truth_path.read_text())
        kind = SCANNED if truth["scanned"] else truth["format"]
        started = time.perf_counter()
        result = extract(corpus / "ies" / truth["file"], chain=chain)
        figures = by_kind[kind]
        figures.seconds.append(time.perf_counter() - started)
        want = "extracted" if truth["ties_out"] and not truth["scanned"] else "needs_review"
        figures.status_ok += result["status"] == want or (truth["scanned"] and result["status"] == "extracted")
        figures.headline.add(headline_score(result, truth))
        figures.mapping.add(mapping_score(result, truth))
        figures.values.add(score(result, truth))
        figures.items += len(result["line_items"])
        figures.uncited += [(truth["file"], label) for label in uncited(result, truth["format"])]
    return by_kind


def total(by_kind: dict[str, Figures], kinds: tuple[str, ...]) -> Figures:
    out = Figures()
    for kind in kinds:
        if kind in by_kind:
            out.add(by_kind[kind])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 50 statements")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ies-bench-") as tmp:
        corpus = Path(tmp)
        counts = generate_ies(corpus, scale=args.scale, seed=args.seed, as_of=AS_OF)
        print(f"corpus: {counts['ies/files']} statements (scale {args.scale:g}, seed {args.seed}): "
              f"{counts['ies/pdf']} PDF, {counts['ies/xlsx']} XLSX, {counts['ies/csv']} CSV")
        extract(next((corpus / "ies").iterdir()))  # warm imports and the schema once, outside the timings
        ours = run(corpus, default_chain())
        base = run(corpus, MapperChain([ExactLabelMapper()]))

    header = (f"{'format':<14}{'files':>6}{'headline':>10}{'(base)':>9}{'mapping':>9}{'(base)':>9}{'values':>9}"
              f"{'(base)':>9}{'uncited':>9}{'status ok':>11}{'median s':>10}")
    print("\n" + header)
    kinds = [k for k in (*TEXT_FORMATS, SCANNED) if k in ours]
    rows = [(k, ours[k], base[k]) for k in kinds]
    rows.append(("all text-layer", total(ours, TEXT_FORMATS), total(base, TEXT_FORMATS)))
    rows.append(("all with scans", total(ours, tuple(kinds)), total(base, tuple(kinds))))
    for name, o, b in rows:
        print(f"{name:<14}{o.files:>6}{o.headline.accuracy:>10.2%}{b.headline.accuracy:>9.2%}"
              f"{o.mapping.accuracy:>9.2%}{b.mapping.accuracy:>9.2%}{o.values.accuracy:>9.2%}{b.values.accuracy:>9.2%}"
              f"{len(o.uncited):>9}{o.status_ok:>8}/{o.files:<2}{statistics.median(o.seconds):>10.3f}")

    text, everything = total(ours, TEXT_FORMATS), total(ours, tuple(kinds))
    elapsed = sum(everything.seconds)
    print(f"\nheadline figures (total income, total operating expenses, NOI per period), text-layer files: "
          f"{text.headline.matched}/{text.headline.total} = {text.headline.accuracy:.2%} (target >= 99%) "
          f"{'OK' if text.headline.accuracy >= 0.99 else 'BELOW TARGET'}; "
          f"baseline {total(base, TEXT_FORMATS).headline.accuracy:.2%}")
    print(f"canonical mapping of rows, text-layer files: {text.mapping.matched}/{text.mapping.total} = "
          f"{text.mapping.accuracy:.2%} (target >= 95%) {'OK' if text.mapping.accuracy >= 0.95 else 'BELOW TARGET'}"
          f"; baseline {total(base, TEXT_FORMATS).mapping.accuracy:.2%}")
    print(f"line items cited (page+bbox, sheet+row, CSV row), all files: "
          f"{everything.items - len(everything.uncited)}/{everything.items}"
          f" {'OK' if not everything.uncited else 'MISSING: ' + repr(everything.uncited[:5])}")
    print(f"speed: {everything.files / elapsed:.1f} documents/s, median {statistics.median(everything.seconds):.3f} s "
          f"per document, p90 {statistics.quantiles(everything.seconds, n=10)[-1]:.3f} s "
          f"({elapsed:.2f} s for {everything.files} documents, one process, baseline not included); "
          f"text-layer alone {text.files / sum(text.seconds):.1f} documents/s, OCR of scans "
          f"{statistics.median(ours[SCANNED].seconds) if SCANNED in ours else 0:.1f} s per document (median)")
    misses = defaultdict(int)
    for s in (text.headline, text.mapping):
        for key, _period, _, _ in s.misses:
            misses[key] += 1
    if misses:
        print("misses by key:", dict(sorted(misses.items(), key=lambda kv: -kv[1])[:8]))


if __name__ == "__main__":
    main()
