"""Seconds per scanned page of IES extraction, as a user meets it: `brainops ies extract FILE --json`, each
document in a fresh process (imports and model loading count), against another checkout in the same run.

    .venv/bin/python bench/ies_ocr_speed.py SCAN.pdf [SCAN.pdf ...] [--before DIR] [--workers N]

--before DIR also runs a checkout of the code as it was (e.g. `git worktree add --detach /tmp/before main`)
with this interpreter, file by file alternating with this checkout so both meet the same load on a shared
machine. Per document and run: the status, the seconds, the pages and seconds per page; at the end, whether
both runs read the same headline totals (a faster run reading other figures shows). --workers sets
IES_OCR_WORKERS for this checkout.
No scans ship with the repository; bench/ies_accuracy.py generates scanned statements of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = "import sys; from brainops.cli import app; sys.argv[0] = 'brainops'; sys.exit(app())"


def pages(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def run(repo: Path, path: Path, env: dict[str, str]) -> tuple[str, float, str]:
    """(status, seconds, headline totals) of one extraction in `repo`."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CLI, "ies", "extract", str(path), "--json"], cwd=repo, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError:
        return f"crashed (exit {done.returncode})", seconds, ""
    totals = result.get("totals") or {}
    figures = ",".join(f"{v:g}" for period in sorted(totals) for v in totals[period].values() if v is not None)
    return result["status"], seconds, figures


def print_same_totals(figures: dict[str, list[str]], unit: str) -> None:
    """Whether both checkouts read the same headline totals: a faster run reading other figures shows."""
    same = sum(a == b for a, b in zip(figures["before"], figures["now"], strict=True))
    print(f"headline totals identical before and now: {same}/{len(figures['now'])} {unit}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="scanned PDFs (image-only pages)")
    parser.add_argument("--before", type=Path, help="also run this checkout (the code as it was)")
    parser.add_argument("--workers", type=int, help="IES_OCR_WORKERS for this checkout")
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}  # no LLM: OCR and layout alone
    env["PYTHONPATH"] = ""
    modes = [("now", ROOT, {**env, **({"IES_OCR_WORKERS": str(args.workers)} if args.workers else {})})]
    if args.before:
        modes.insert(0, ("before", args.before.resolve(), env))
    head = f"{'file':<44}{'pages':>6}"
    for mode, *_ in modes:
        head += f"  {mode + ': status':<20}{'s':>7}{'s/page':>8}"
    print(head)
    print("-" * len(head))
    per_page: dict[str, list[float]] = {mode: [] for mode, *_ in modes}
    figures: dict[str, list[str]] = {mode: [] for mode, *_ in modes}
    for path in args.files:
        count = pages(path)
        line = f"{path.name[:43]:<44}{count:>6}"
        for mode, repo, mode_env in modes:
            status, seconds, totals = run(repo, path.resolve(), mode_env)
            per_page[mode].append(seconds / count)
            figures[mode].append(totals)
            line += f"  {status[:20]:<20}{seconds:>7.1f}{seconds / count:>8.1f}"
        print(line, flush=True)
    print()
    for mode, values in per_page.items():
        print(f"{mode}: median {statistics.median(values):.1f} s/page, worst {max(values):.1f} s/page, "
              f"{sum(values) / len(values):.1f} mean")
    if args.before:
        print_same_totals(figures, "documents")


if __name__ == "__main__":
    main()
