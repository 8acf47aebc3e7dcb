"""Seconds per text-layer statement (PDF, XLSX, CSV) as a user meets them: `brainops ies extract FILE --json`,
each run a fresh process (start-up, imports and the label model count), against another checkout in the
same run.

    .venv/bin/python bench/ies_cli_speed.py DIR_OR_FILE [...] [--before DIR] [--rounds N]

Scanned PDFs (no text layer) are left out: bench/ies_ocr_speed.py measures those. --before DIR also runs a
checkout of the code as it was (`git worktree add --detach /tmp/before <commit>`), document by document
alternating with this one, so both meet the same load on a shared machine. Each document is run --rounds
times per checkout (default 3) and its median kept; the figure is the median of those over the documents.
No statements ship with the repository: point it at a folder of real ones.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ies_ocr_speed import print_same_totals, run  # noqa: E402  (one way to time a CLI extraction, shared)

SUFFIXES = {".pdf", ".xlsx", ".csv"}


def has_text(path: Path) -> bool:
    if path.suffix.lower() != ".pdf":
        return True
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return any(page.chars for page in pdf.pages[:5])


def documents(paths: list[Path]) -> list[Path]:
    found = [p for path in paths for p in (sorted(path.rglob("*")) if path.is_dir() else [path])
             if p.is_file() and p.suffix.lower() in SUFFIXES]
    return [p for p in found if has_text(p)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="statements, or folders searched for them")
    parser.add_argument("--before", type=Path, help="also run this checkout (the code as it was)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per document and checkout (median kept)")
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}  # no LLM: the reader alone
    env["PYTHONPATH"] = ""
    modes = [("now", ROOT)] + ([("before", args.before.resolve())] if args.before else [])
    docs = documents(args.paths)
    if not docs:
        sys.exit("No text-layer PDF, XLSX or CSV found under the paths given.")
    print(f"{'file':<48}" + "".join(f"  {mode + ': status':<20}{'s':>6}" for mode, _ in modes))
    medians: dict[str, list[float]] = {mode: [] for mode, _ in modes}
    figures: dict[str, list[str]] = {mode: [] for mode, _ in modes}
    for path in docs:
        seconds: dict[str, list[float]] = {mode: [] for mode, _ in modes}
        status: dict[str, str] = {}
        for _ in range(args.rounds):
            for mode, repo in modes:
                state, took, totals = run(repo, path.resolve(), env)
                seconds[mode].append(took)
                status[mode] = state
                figures[mode].append(totals)
        line = f"{path.name[:47]:<48}"
        for mode, _ in modes:
            medians[mode].append(statistics.median(seconds[mode]))
            line += f"  {status[mode][:20]:<20}{medians[mode][-1]:>6.2f}"
        print(line, flush=True)
    print()
    for mode, values in medians.items():
        print(f"{mode}: median {statistics.median(values):.2f} s per document over {len(values)} "
              f"(fastest {min(values):.2f}, slowest {max(values):.2f}; {args.rounds} runs each)")
    if args.before:
        print_same_totals(figures, "runs")


if __name__ == "__main__":
    main()
