"""API load on loopback: results endpoints and search against a real uvicorn server on the scale-1 warehouse.

    .venv/bin/python bench/api_load.py                 # workers 1 (baseline) then 2, 15 s per scenario
    .venv/bin/python bench/api_load.py --workers 2 --seconds 20 --connections 16

Uses the warehouse `make run` built (.data/, scale 1): run `make run` once first (or `brainops materialize`);
search needs the rag/chunks asset (`brainops materialize --select rag/chunks`). The script starts its own
API server (`python -m serving.server`, as `make run` starts it) on a free 127.0.0.1 port for each worker count,
creates an analyst key, and drives it with a small keep-alive HTTP/1.1 client on asyncio (a fraction of the
CPU that locust would take from the 2 cores the server also runs on). The per-key rate limit is raised for the
run (one key is sending all the traffic) and printed. Every request is counted; any non-200 is an error.

Targets (issue 7): results >= 500 requests/s with p95 <= 20 ms, search p95 <= 50 ms, zero errors.
Bounded: each scenario stops after --seconds, and the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

from brainops.apikeys import NewKey

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS_PATHS = [
    "/api/v1/results/customer_360?limit=20",
    "/api/v1/results/ar_aging?limit=20&sort=-open_receivables",
    "/api/v1/results/revenue_monthly?limit=24&sort=-month",
    "/api/v1/results/payment_risk?limit=20&risk_level=high",
    "/api/v1/customers?limit=20",
    "/api/v1/results/customer_360?limit=20&region=TX&sort=-lifetime_value",
]
SEARCH_PATHS = [
    "/api/v1/search?q=roof%20leak%20warranty&k=10",
    "/api/v1/search?q=shingle%20replacement%20estimate&k=10",
    "/api/v1/search?q=late%20payment%20policy&k=10",
    "/api/v1/search?q=hail%20damage%20inspection&k=10",
    "/api/v1/search?q=crew%20safety%20checklist&k=10&mode=hybrid",
    "/api/v1/search?q=invoice%20terms&k=10&mode=keyword",
]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


async def _connection(host: str, port: int, paths: list[str], key: str, stop_at: float, tally: Tally,
                      offset: int) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = offset
    try:
        while time.perf_counter() < stop_at:
            path = paths[i % len(paths)]
            i += 1
            request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nX-API-Key: {key}\r\n"
                       "Accept: application/json\r\n\r\n").encode()
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            tally.latencies.append(time.perf_counter() - started)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
            if status != 200:
                tally.errors += 1
    except (ConnectionError, asyncio.IncompleteReadError):
        tally.errors += 1
    finally:
        writer.close()


async def drive(port: int, paths: list[str], key: str, *, connections: int, seconds: float) -> dict:
    tally = Tally()
    # A short warm-up (pool connections, plan caches, the embedder's first call) that is not counted.
    await asyncio.gather(*(_connection("127.0.0.1", port, paths, key, time.perf_counter() + 1.5, Tally(), n)
                           for n in range(connections)))
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(*(_connection("127.0.0.1", port, paths, key, stop_at, tally, n) for n in range(connections)))
    elapsed = time.perf_counter() - started
    ms = sorted(x * 1000 for x in tally.latencies)

    def pct(p: float) -> float:
        return ms[min(len(ms) - 1, int(p * len(ms)))] if ms else float("nan")

    return {"requests": len(ms), "rps": len(ms) / elapsed, "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99),
            "mean": statistics.fmean(ms) if ms else float("nan"), "errors": tally.errors, "statuses": tally.statuses}


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (uvicorn's workers), from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (FileNotFoundError, ProcessLookupError):
        return total
    return total + sum(cpu_seconds(int(child)) for child in children)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "serving.server", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--log-level", "warning"]
    server_env = {**env, "WEB_CONCURRENCY": str(workers)}
    with open(log, "ab") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=server_env, stdout=out, stderr=out, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"uvicorn stopped at start-up (exit {proc.returncode}); see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    stop_server(proc)
    raise SystemExit(f"uvicorn did not answer /health within 120 s; see {log}")


def stop_server(proc: subprocess.Popen) -> None:
    import signal

    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def prepare() -> tuple[NewKey, dict[str, str], bool]:
    from brainops import bootstrap
    from brainops.apikeys import create_key

    env = bootstrap.prepare_database()  # the embedded server `make run` uses, migrations applied
    with psycopg.connect(env.warehouse_url) as conn:
        built = conn.execute("SELECT to_regclass('analytics.customer_360') IS NOT NULL").fetchone()[0]
        if not built:
            raise SystemExit("The warehouse has no marts yet: run `make run` (or `brainops materialize`) first.")
        customers = conn.execute("SELECT count(*) FROM analytics.customers").fetchone()[0]
        chunks = conn.execute("SELECT count(*) FROM rag.chunks").fetchone()[0]
        key = create_key(conn, name="bench/api_load.py", role="analyst", tier="enterprise", actor="bench")
    print(f"warehouse: {customers:,} customers, {chunks:,} search chunks")
    server_env = {**os.environ, "BRAINOPS_WAREHOUSE_URL": env.warehouse_url, "DAGSTER_PG_URL": env.dagster_url,
                  "RATE_LIMIT_PER_MINUTE": "100000000", "RATE_LIMIT_BURST": "1000000"}
    return key, server_env, chunks > 0


def revoke(api_key_id: int, url: str) -> None:
    from brainops.apikeys import revoke_key

    with psycopg.connect(url) as conn:
        revoke_key(conn, api_key_id, actor="bench")


def report(name: str, r: dict) -> None:
    print(f"  {name:<8} {r['requests']:>7,} req  {r['rps']:>7.1f} req/s  p50 {r['p50']:6.2f} ms  "
          f"p95 {r['p95']:6.2f} ms  p99 {r['p99']:6.2f} ms  errors {r['errors']}  statuses {r['statuses']}"
          + (f"  API CPU {r['cpu_ms']:.2f} ms/req" if "cpu_ms" in r else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="uvicorn worker counts, in order.")
    parser.add_argument("--seconds", type=float, default=15, help="Measured seconds per scenario.")
    parser.add_argument("--connections", type=int, default=4, help="Keep-alive connections for results.")
    parser.add_argument("--search-connections", type=int, default=2, help="Keep-alive connections for search.")
    parser.add_argument("--pool", type=int, default=None, help="API_POOL_MAX_SIZE per worker (default: settings).")
    args = parser.parse_args()

    new_key, env, searchable = prepare()
    key = new_key.secret
    if args.pool:
        env["API_POOL_MAX_SIZE"] = str(args.pool)
    print(f"rate limit raised for the run: RATE_LIMIT_PER_MINUTE={env['RATE_LIMIT_PER_MINUTE']}; "
          f"connections: results {args.connections}, search {args.search_connections}; "
          f"pool per worker {env.get('API_POOL_MAX_SIZE', 'default 10')}; {os.cpu_count()} CPUs")
    log = Path(os.environ.get("TMPDIR", "/tmp")) / "brainops_api_load_server.log"
    figures: dict[int, dict[str, dict]] = {}
    for workers in args.workers:
        port = free_port()
        proc = start_server(port, workers, env, log)
        try:
            print(f"workers={workers} (uvicorn, 127.0.0.1:{port})")
            cpu_before = cpu_seconds(proc.pid)
            results = asyncio.run(drive(port, RESULTS_PATHS, key, connections=args.connections, seconds=args.seconds))
            # Includes the uncounted warm-up; a machine-independent figure of what one request costs the API.
            results["cpu_ms"] = (cpu_seconds(proc.pid) - cpu_before) * 1000 / max(1, results["requests"])
            report("results", results)
            figures[workers] = {"results": results}
            if searchable:
                search = asyncio.run(drive(port, SEARCH_PATHS, key, connections=args.search_connections,
                                           seconds=args.seconds))
                report("search", search)
                figures[workers]["search"] = search
        finally:
            stop_server(proc)
    baseline = args.workers[0]
    load = os.getloadavg()
    print(f"\nload average at the end (other work on the machine skews latency): {load[0]:.2f} {load[1]:.2f}")
    print(f"compared with workers={baseline} in this run:")
    for workers, f in figures.items():
        r = f["results"]
        ok = r["rps"] >= 500 and r["p95"] <= 20 and r["errors"] == 0
        ratio = r["rps"] / figures[baseline]["results"]["rps"]
        line = (f"  workers={workers}: results {r['rps']:.0f} req/s ({ratio:.2f}x),"
                f" p95 {r['p95']:.1f} ms -> {'meets' if ok else 'misses'} >=500 req/s, p95<=20 ms, 0 errors")
        if "search" in f:
            s = f["search"]
            line += (f"; search p95 {s['p95']:.1f} ms -> "
                     f"{'meets' if s['p95'] <= 50 and s['errors'] == 0 else 'misses'} p95<=50 ms")
        print(line)
    revoke(new_key.api_key_id, env["BRAINOPS_WAREHOUSE_URL"])  # the run's key is not left behind
    if not searchable:
        print("  search not measured: no chunks indexed (`brainops materialize --select rag/chunks`).")


if __name__ == "__main__":
    main()
