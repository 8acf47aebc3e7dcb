"""Peak memory and time of IES extraction, normal statements against hostile files, with the resource
bounds on (the default settings) and off (every size limit raised out of reach: the unbounded baseline),
in the same run.

    .venv/bin/python bench/ies_memory.py [--no-ocr] [--cap-mb 3072] [--timeout 120] [--before DIR]

Every extraction runs alone in a fresh child process (python -c, the repository's extract_bytes, no
LLM); its peak memory is the child's RSS high-water mark (os.wait4's ru_maxrss), so imports count too
(~60 MB for the readers alone). Every run is capped by RLIMIT_AS (--cap-mb) and a wall-clock limit
(--timeout), so an unbounded bomb cannot take the machine down (one padded sheet asks for 128 GB):
past them the outcome is "MemoryError" or "killed". --before DIR also runs a checkout without the
bounds (e.g. `git worktree add /tmp/before main`), the code as it was.

Files, generated in a temporary directory: a text PDF, an XLSX, a CSV and (unless --no-ocr) a scanned
PDF from the sample generator (the largest of each), and brainops/sample/ies_hostile.py's bombs: the
issue's finding (an XLSX of ~190 KB that unpacks to ~49 MB), a sheet part lying about its size, a sheet
spanning A1:XFD1048576 (declared, and by two far cells), a CSV of one 12-million-cell line, a PDF
embedding a 20,000 x 20,000 image, a PDF page whose content inflates to 200 MB, and a 200 x 200 inch
scanned page.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from brainops.sample import ies_hostile  # noqa: E402

# Every size bound raised out of reach (the page and time limits stay: they predate the bounds).
UNBOUNDED = {"IES_MAX_UNCOMPRESSED_MB": "1000000000", "IES_MAX_COMPRESSION_RATIO": "1000000000",
             "IES_MAX_ZIP_MEMBERS": "1000000000", "IES_MAX_CELLS": str(10**18), "IES_MAX_IMAGE_PIXELS": str(10**18),
             "IES_MAX_PAGE_PIXELS": str(10**18)}
BOUNDS = tuple(UNBOUNDED)

CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from pipelines.ies.extract import extract_bytes
data = open(sys.argv[2], "rb").read()
started = time.perf_counter()
try:
    result = extract_bytes(data, sys.argv[2].rsplit("/", 1)[-1], llm=None)
    outcome, error = result["status"], result["error"] or ""
except MemoryError:
    outcome, error = "MemoryError", ""
print(json.dumps({"outcome": outcome, "error": error, "seconds": time.perf_counter() - started}))
"""


@dataclass
class Case:
    name: str
    path: Path
    unpacked: int  # bytes the file unpacks, decodes or renders to (what an unbounded reader meets)


@dataclass
class Run:
    outcome: str
    error: str
    seconds: float
    peak_mb: float


def run_child(repo: Path, path: Path, env: dict[str, str], cap_mb: int, timeout: float) -> Run:
    """One extraction in a fresh process under RLIMIT_AS; its peak RSS from wait4, killed past `timeout`."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap_mb << 20, cap_mb << 20))

    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(repo), str(path)], env=env, stdout=out,
                                stderr=subprocess.DEVNULL, preexec_fn=limit, cwd=repo)
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout and not killed:
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: keep Popen from waiting again
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode().strip().splitlines()
    if killed:
        return Run(f"killed after {timeout:g} s", "", seconds, usage.ru_maxrss / 1024)
    if proc.returncode != 0 or not text:
        return Run(f"crashed (exit {proc.returncode})", "", seconds, usage.ru_maxrss / 1024)
    answer = json.loads(text[-1])
    return Run(answer["outcome"], answer["error"], answer["seconds"], usage.ru_maxrss / 1024)


def zip_unpacked(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def cases(folder: Path, ocr: bool) -> list[Case]:
    from brainops.sample.ies_statements import generate_ies

    sample = folder / "sample"
    generate_ies(sample, scale=0.5, seed=7, as_of=datetime(2026, 11, 1, tzinfo=UTC))
    truths = [json.loads(p.read_text()) for p in sorted((sample / "truth" / "ies").glob("*.json"))]
    picked: list[Case] = []
    for label, fmt, scanned in [("normal PDF", "pdf", False), ("normal XLSX", "xlsx", False),
                                ("normal CSV", "csv", False), ("normal scanned PDF", "pdf", True)]:
        if scanned and not ocr:
            continue
        files = [sample / "ies" / t["file"] for t in truths if t["format"] == fmt and t["scanned"] == scanned]
        path = max(files, key=lambda p: p.stat().st_size)
        data = path.read_bytes()
        picked.append(Case(label, path, zip_unpacked(data) if fmt == "xlsx" else len(data)))

    def add(name: str, data: bytes, unpacked: int) -> None:
        path = folder / name
        path.write_bytes(data)
        picked.append(Case(name, path, unpacked))

    bomb = ies_hostile.xlsx_bomb()
    add("xlsx_bomb.xlsx", bomb, zip_unpacked(bomb))
    lying = ies_hostile.xlsx_lying_member()
    add("xlsx_lying_member.xlsx", lying, 20_000 * 20 * 22)  # what the sheet really inflates to, ~8.8 MB
    far = ies_hostile.xlsx_far_cells(declare_dimension=False)
    add("xlsx_far_cells.xlsx", far, 16_384 * 1_048_576 * 8)  # a padded grid: 8 bytes a cell
    declared = ies_hostile.xlsx_far_cells(declare_dimension=True)
    add("xlsx_far_cells_declared.xlsx", declared, 16_384 * 1_048_576 * 8)
    add("csv_wide.csv", ies_hostile.csv_wide(), 12_000_000 * 8)  # a list of 12 million cells
    add("pdf_huge_image.pdf", ies_hostile.pdf_huge_image(), 20_000 * 20_000)  # 8-bit gray
    add("pdf_content_bomb.pdf", ies_hostile.pdf_content_bomb(), 200 * 1024 * 1024)
    if ocr:
        render = round(14_400 * 300 / 72)
        add("pdf_huge_page.pdf", ies_hostile.pdf_huge_page(), render * render * 3)  # rendered BGR at 300 dpi
    return picked


def size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-ocr", action="store_true", help="leave out the scanned PDFs (OCR: ~45 s each)")
    parser.add_argument("--cap-mb", type=int, default=3072, help="RLIMIT_AS of every run (MB of address space)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds before a run is killed")
    parser.add_argument("--before", type=Path, help="also run this checkout (the code without the bounds)")
    args = parser.parse_args()

    base_env = {k: v for k, v in os.environ.items() if k not in BOUNDS and not k.endswith("_API_KEY")}
    modes = [("bounded", ROOT, base_env), ("unbounded", ROOT, {**base_env, **UNBOUNDED})]
    if args.before:
        modes.append(("before", args.before.resolve(), base_env))
    with tempfile.TemporaryDirectory(prefix="ies-memory-") as tmp:
        todo = cases(Path(tmp), not args.no_ocr)
        print(f"{len(todo)} files; every run capped at {args.cap_mb} MB of address space and {args.timeout:g} s\n")
        head = f"{'file':<29}{'on disk':>10}{'unpacks to':>11}"
        for mode, *_ in modes:
            head += f"  {mode + ': outcome':<26}{'s':>6}{'peak MB':>9}"
        print(head)
        print("-" * len(head))
        reasons: list[str] = []
        for case in todo:
            line = f"{case.name:<29}{size(case.path.stat().st_size):>10}{size(case.unpacked):>11}"
            for mode, repo, env in modes:
                run = run_child(repo, case.path, env, args.cap_mb, args.timeout)
                line += f"  {run.outcome[:26]:<26}{run.seconds:>6.1f}{run.peak_mb:>9.0f}"
                if mode == "bounded" and run.outcome == "failed":
                    reasons.append(f"{case.name}: {run.error}")
            print(line, flush=True)
    print("\nreasons given with the bounds on:")
    for reason in reasons:
        print(f"- {reason}")


if __name__ == "__main__":
    main()
