"""Full materialization of the analytics, end to end and per asset, at one or more sample scales.

    .venv/bin/python bench/full_materialization.py --scale 1 --scale 10 [--job analytics_full_refresh]

For each scale: a fresh database (`brainops_bench_materialize` on the embedded server, or on
DATABASE_URL's server) and a throwaway Dagster home; then the Dagster CLI runs the job the daily
schedule runs, `analytics_full_refresh` (CenterPoint and Stripe synced from their local stand-ins,
every dbt model built with its tests, the Great Expectations checks), with Dagster's default
multiprocess executor, as in production. Afterwards the run's event log gives the time of each step
and of each asset (a dbt model's own execution time; a sync's own timer), and the marts are checked
against the generator's truth (every customer's money, MRR by month).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import drop_database, ensure_sample, fresh_database
from brainops.paths import PROJECT_ROOT

BENCH_DB = "brainops_bench_materialize"


def warm_standins(sample: Path) -> None:
    """Build the stand-ins' indexes of the sample before the clock starts (a real API has them)."""
    from brainops.standins import centerpoint, stripe

    centerpoint.open_store(sample)
    stripe.open_store(sample)


def run_job(job: str, url: str, scale: float, home: Path, log: Path) -> float:
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "BRAINOPS_WAREHOUSE_URL": url,
        "SAMPLE_SCALE": f"{scale:g}",
        "DAGSTER_HOME": str(home),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "GX_ANALYTICS_ENABLED": "false",
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    subprocess.run([str(bin_dir / "dbt"), "parse", "--quiet", "--project-dir", "dbt", "--profiles-dir", "dbt"],
                   cwd=PROJECT_ROOT, env=env, check=True)
    started = time.perf_counter()
    with log.open("w") as out:
        code = subprocess.call(
            [str(bin_dir / "dagster"), "job", "execute", "-m", "pipelines.definitions", "-j", job],
            cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"`dagster job execute -j {job}` failed (exit {code}); its log: {log}")
    return seconds


def read_run(home: Path) -> dict:
    """Step and asset timings of the (only) run in the Dagster home."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        [run] = instance.get_runs(limit=1)
        steps: dict[str, dict[str, float]] = defaultdict(dict)
        assets: dict[str, float] = {}
        checks = {"passed": 0, "failed": 0, "gx_seconds": 0.0}
        failed_checks: list[str] = []
        run_window = {}
        for entry in instance.all_logs(run.run_id):
            event = entry.dagster_event
            if event is None:
                continue
            kind = event.event_type
            if kind in (dg.DagsterEventType.RUN_START, dg.DagsterEventType.RUN_SUCCESS):
                run_window[kind.value] = entry.timestamp
            elif kind == dg.DagsterEventType.STEP_START:
                steps[event.step_key]["start"] = entry.timestamp
            elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
                steps[event.step_key]["end"] = entry.timestamp
            elif kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
                materialization = event.event_specific_data.materialization
                metadata = materialization.metadata
                value = metadata.get("Execution Duration") or metadata.get("seconds")
                if value is not None:
                    assets[materialization.asset_key.to_user_string()] = float(value.value)
            elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
                evaluation = event.event_specific_data
                checks["passed" if evaluation.passed else "failed"] += 1
                if not evaluation.passed:
                    failed_checks.append(f"{evaluation.severity.value} {evaluation.asset_key.to_user_string()}: "
                                         f"{evaluation.check_name}")
                if "seconds" in evaluation.metadata:
                    checks["gx_seconds"] += float(evaluation.metadata["seconds"].value)
        return {
            "status": run.status.value,
            "run_seconds": run_window.get("PIPELINE_SUCCESS", 0) - run_window.get("PIPELINE_START", 0),
            "steps": {k: v["end"] - v["start"] for k, v in steps.items() if "start" in v and "end" in v},
            "assets": assets,
            "checks": checks,
            "failed_checks": failed_checks,
        }


def verify_truth(url: str, sample: Path) -> tuple[str, bool]:
    def money(value: float) -> Decimal:
        return Decimal(str(value)).quantize(Decimal("0.01"))

    with psycopg.connect(url) as conn:
        customers = {
            r[0]: r[1:]
            for r in conn.execute(
                "SELECT customer_id, stripe_customer_id, jobs, invoiced_total, paid_total, open_receivables "
                "FROM analytics.customer_360"
            )
        }
        months = {
            r[0].strftime("%Y-%m"): list(r[1:])
            for r in conn.execute(
                "SELECT month, mrr, active_subscriptions, new_mrr, expansion_mrr, contraction_mrr, churned_mrr "
                "FROM analytics.revenue_monthly"
            )
        }
    wrong_customers = checked = 0
    with (sample / "truth" / "customers.jsonl").open() as f:
        for line in f:
            t = json.loads(line)
            if t["company_id"] not in customers:
                wrong_customers += t["invoiced_total"] != 0  # only deleted companies (never with money) leave
                continue
            checked += 1
            expected = (t["stripe_customer_id"], t["jobs"], money(t["invoiced_total"]), money(t["paid_total"]),
                        money(t["open_balance"]))
            wrong_customers += customers[t["company_id"]] != expected
    truth_months = [json.loads(line) for line in (sample / "truth" / "mrr_by_month.jsonl").open()]
    wrong_months = sum(
        months.get(t["month"]) != [money(t["mrr"]), t["active_subscriptions"], money(t["new_mrr"]),
                                   money(t["expansion_mrr"]), money(t["contraction_mrr"]), money(t["churned_mrr"])]
        for t in truth_months
    )
    ok = wrong_customers == 0 and wrong_months == 0
    return (f"customers {checked - wrong_customers:,}/{checked:,} exact (jobs, invoiced, paid, open, Stripe id); "
            f"MRR months {len(truth_months) - wrong_months}/{len(truth_months)} exact (MRR and movements)"), ok


def row_total(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        raw = conn.execute("SELECT sum(n_live_tup) FROM pg_stat_user_tables WHERE schemaname = 'raw'").fetchone()[0]
        marts = conn.execute(
            "SELECT sum(n_live_tup) FROM pg_stat_user_tables WHERE schemaname = 'analytics'"
        ).fetchone()[0]
    return int(raw or 0), int(marts or 0)


def bench(scale: float, job: str, top: int, keep: bool) -> bool:
    sample = ensure_sample(scale)
    print(f"\n=== scale {scale:g}: job {job} into a fresh database ===", flush=True)
    warm_standins(sample)
    url = fresh_database(BENCH_DB)
    with tempfile.TemporaryDirectory(prefix="brainops-bench-dagster-") as home:
        log = Path(tempfile.gettempdir()) / f"brainops-bench-materialize-{scale:g}.log"
        wall = run_job(job, url, scale, Path(home), log)
        run = read_run(Path(home))
    raw_rows, analytics_rows = row_total(url)
    print(f"end to end (CLI start to exit): {wall:7.1f} s   run (first to last event): {run['run_seconds']:.1f} s")
    print(f"rows: raw {raw_rows:,}, analytics tables {analytics_rows:,}; checks passed {run['checks']['passed']}, "
          f"failed {run['checks']['failed']} (Great Expectations validation {run['checks']['gx_seconds']:.1f} s)")
    for failed in run["failed_checks"]:  # WARN: reported, blocks nothing; ERROR would have stopped the run
        print(f"  check not passed: {failed}")
    print("steps (seconds):")
    for step, seconds in sorted(run["steps"].items(), key=lambda kv: -kv[1]):
        print(f"  {step:<34} {seconds:7.1f}")
    print(f"slowest assets (seconds; dbt: model execution, syncs: the sync's timer), {top} of {len(run['assets'])}:")
    for asset, seconds in sorted(run["assets"].items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {asset:<48} {seconds:7.2f}")
    verdict, ok = verify_truth(url, sample)
    print(f"truth: {verdict}")
    if not keep:
        drop_database(BENCH_DB)
    return ok and run["status"] == "SUCCESS"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, action="append", help="sample scale; repeat for several (default 1)")
    parser.add_argument("--job", default="analytics_full_refresh", help="Dagster job to run (default: %(default)s)")
    parser.add_argument("--top", type=int, default=15, help="how many of the slowest assets to list")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()
    results = [bench(scale, args.job, args.top, args.keep) for scale in (args.scale or [1.0])]
    raise SystemExit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
