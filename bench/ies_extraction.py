"""IES extraction: accuracy against the generator's truth, by format, and speed, against a naive
label-mapping baseline in the same run.

    .venv/bin/python bench/ies_extraction.py [--scale 1] [--seed 42]

Accuracy: of the truth's (canonical key, period) values in non-scanned files, the fraction extracted
within half a printed unit ($0.50, or $500 in a statement in thousands). Status: extracted for files
that tie out, needs_review for those that do not (and for scans without OCR).

Baseline: the same readers and tie-outs, but labels mapped by exact match of the lower-cased printed
label against the same curated vocabulary, ignoring the section a label sits in, with no abbreviation
or punctuation normalisation and no keyword fallback: what a lookup table alone achieves.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from brainops.sample.ies_statements import generate_ies
from pipelines.ies.chart import SECTION_OF, TOTAL_KEYS, VOCABULARY
from pipelines.ies.evaluation import Score, score
from pipelines.ies.extract import extract
from pipelines.ies.labels import LabelContext, LabelMatch, MapperChain, default_chain

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)


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


def run(corpus: Path, chain: MapperChain) -> dict:
    by_format: dict[str, Score] = defaultdict(Score)
    seconds: dict[str, float] = defaultdict(float)
    files: dict[str, int] = defaultdict(int)
    right_status: dict[str, int] = defaultdict(int)
    for truth_path in sorted((corpus / "truth" / "ies").glob("*.json")):
        truth = json.loads(truth_path.read_text())
        kind = "pdf (scanned)" if truth["scanned"] else truth["format"]
        started = time.perf_counter()
        result = extract(corpus / "ies" / truth["file"], chain=chain)
        seconds[kind] += time.perf_counter() - started
        files[kind] += 1
        want = "extracted" if truth["ties_out"] and not truth["scanned"] else "needs_review"
        right_status[kind] += result["status"] == want
        if not truth["scanned"]:
            by_format[kind].add(score(result, truth))
    return {"score": by_format, "seconds": seconds, "files": files, "status": right_status}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 50 statements")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ies-bench-") as tmp:
        corpus = Path(tmp)
        counts = generate_ies(corpus, scale=args.scale, seed=args.seed, as_of=AS_OF)
        print(f"corpus: {counts['ies/files']} statements (scale {args.scale:g}, seed {args.seed})")
        extract(next((corpus / "ies").iterdir()))  # warm imports and the schema once, outside the timings
        ours = run(corpus, default_chain())
        base = run(corpus, MapperChain([ExactLabelMapper()]))
    print(f"\n{'format':<14}{'files':>6}{'accuracy':>11}{'baseline':>11}{'status ok':>11}{'base ok':>9}{'s/file':>9}")
    total_ours, total_base = Score(), Score()
    for kind in sorted(ours["files"]):
        n = ours["files"][kind]
        s, b = ours["score"].get(kind), base["score"].get(kind)
        acc = f"{s.accuracy:.2%}" if s else "-"
        bacc = f"{b.accuracy:.2%}" if b else "-"
        print(f"{kind:<14}{n:>6}{acc:>11}{bacc:>11}{ours['status'][kind]:>8}/{n:<2}{base['status'][kind]:>6}/{n:<2}"
              f"{ours['seconds'][kind] / n:>9.3f}")
        if s:
            total_ours.add(s)
            total_base.add(b)
    n = sum(ours["files"].values())
    elapsed = sum(ours["seconds"].values())
    print(f"{'all':<14}{n:>6}{total_ours.accuracy:>11.2%}{total_base.accuracy:>11.2%}"
          f"{sum(ours['status'].values()):>8}/{n:<2}{sum(base['status'].values()):>6}/{n:<2}{elapsed / n:>9.3f}")
    print(f"\n{n / elapsed:.1f} files/s ({elapsed:.2f} s for {n} files, one process, baseline not included)")
    print(f"values: {total_ours.matched}/{total_ours.total} extracted; "
          f"baseline {total_base.matched}/{total_base.total}")
    misses = defaultdict(int)
    for s in ours["score"].values():
        for _key, period, _, _ in s.misses:
            misses[period] += 1
    if misses:
        print("missed values by period key:", dict(sorted(misses.items(), key=lambda kv: -kv[1])[:6]))


if __name__ == "__main__":
    main()
