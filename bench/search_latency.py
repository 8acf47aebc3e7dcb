"""Search latency and HNSW recall at 100k chunks.

    .venv/bin/python bench/search_latency.py [--rows 100000] [--real-notes 5000] [--no-http] [--keep]

Synthetic corpus (its own database on the embedded server): clustered 384-d vectors, never uniform
random (HNSW recall on uniform vectors is meaningless, STACK.md). The cluster centres are real
all-MiniLM-L6-v2 embeddings of lines of the sample knowledge base, and each chunk is a centre plus
Gaussian noise (cosine ~0.8 to its centre), normalized; its text is the centre's line plus words
drawn from the knowledge base's vocabulary by frequency, so full-text postings have realistic lengths.
Real questions embedded by the real model therefore land among the clusters, as they would in a real
corpus.

Measures: COPY rows/s and HNSW build time; p50/p95/p99 of the search path with the query embedding
included (the same `search()` the API calls, in process; filtered by customer and by source; and the
API itself over loopback HTTP, uvicorn in a separate process); recall@10 of the HNSW branch against an
exact search at several ef_search values, on the synthetic corpus and on a real one: what the rag/chunks
asset indexes at scale 1 (the knowledge base plus every CenterPoint opportunity and production note,
embedded by the model; several minutes on 2 cores), with its search latency and the labelled questions'
hit rates. Targets: p95 <= 30 ms, recall@10 >= 0.95.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import numpy as np
import psycopg
from rag_common import (
    Timer,
    drop_database,
    ensure_sample,
    fresh_database,
    land_notion_pages,
    load_note,
    percentile,
    questions,
)
from search_quality import evaluate

from brainops.access import STAFF_ONLY, STAFF_TOOL
from brainops.apikeys import create_key
from brainops.standins.runner import free_port
from pipelines.rag.documents import CENTERPOINT_OPPORTUNITY, CENTERPOINT_PRODUCTION, NOTION, notion_pages
from pipelines.rag.embedder import LocalEmbedder, normalized
from pipelines.rag.index import ChunkRow, build_hnsw_index, copy_chunks, index_documents, index_name
from pipelines.rag.search import SearchMode, SearchRequest, run_search, search
from pipelines.rag.vectors import register_vector

SYNTHETIC_DB = "brainops_bench_search_latency"
REAL_DB = "brainops_bench_search_recall_real"
SOURCES = ("notion", "centerpoint_opportunity", "centerpoint_production")
EF_VALUES = (40, 64, 100, 200, 400)
WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
NOISE = 0.75  # noise norm relative to the unit centre: cosine to the centre ~ 1 / sqrt(1 + 0.75^2) = 0.8


def kb_lines(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        texts = [doc.text for doc in notion_pages(conn)]
    lines = {line.strip("-#>|* ").strip() for text in texts for line in text.splitlines()}
    return sorted(line for line in lines if len(line.split()) >= 6)


def synthetic_rows(
    lines: list[str], centres: np.ndarray, rows: int, rng: np.random.Generator
) -> tuple[list[ChunkRow], np.ndarray]:
    words = Counter(w.lower() for line in lines for w in WORD.findall(line))
    vocabulary = np.array(list(words))
    weights = np.array(list(words.values()), dtype=np.float64)
    weights /= weights.sum()
    assignment = rng.integers(0, len(centres), rows)
    noise = rng.standard_normal((rows, centres.shape[1])).astype(np.float32) * (NOISE / np.sqrt(centres.shape[1]))
    vectors = normalized(centres[assignment] + noise)
    drawn = rng.choice(vocabulary, size=(rows, 30), p=weights)
    chunk_rows = []
    for i in range(rows):
        source = SOURCES[i % 3]
        customer = None if source == NOTION else str(10001 + int(rng.integers(0, 2000)))
        content = lines[assignment[i]] + " " + " ".join(drawn[i])
        text_hash = hashlib.sha256(content.encode()).hexdigest()
        title = f"Synthetic document {i // 4}"
        chunk_rows.append(
            ChunkRow(
                chunk_id=hashlib.sha256(f"{i}:{text_hash}".encode()).hexdigest()[:32],
                source=source,
                source_id=str(i // 4),
                chunk_index=i % 4,
                title=title,
                heading_path="",
                content=content,
                content_hash=text_hash,
                metadata={"source": source, "title": title, "customer_id": customer, "url": None},
                text=content,
                visibility=STAFF_ONLY,
                owner_id=None,
            )
        )
    return chunk_rows, vectors


def load_synthetic(url: str, chunk_rows: list[ChunkRow], vectors: np.ndarray, model: str) -> tuple[float, float]:
    with psycopg.connect(url) as conn:
        register_vector(conn)
        conn.commit()
        with Timer() as copy:
            for start in range(0, len(chunk_rows), 10_000):
                copy_chunks(conn, chunk_rows[start : start + 10_000], vectors[start : start + 10_000], model)
                conn.commit()
        index_seconds = sum(build_hnsw_index(conn, model, source) for source in SOURCES)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE rag.chunks")  # visibility map and statistics, as autovacuum would
    return copy.seconds, index_seconds


def latency(label: str, samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return f"  {label:<38}{percentile(ms, 50):>8.1f}{percentile(ms, 95):>8.1f}{percentile(ms, 99):>8.1f}{len(ms):>7}"


def time_search_path(url: str, embedder: LocalEmbedder, asked: list[str], rng: np.random.Generator) -> list[str]:
    out = []
    with psycopg.connect(url, autocommit=True) as conn:
        for q in asked[:20]:
            search(conn, embedder, reader=STAFF_TOOL, query=q)  # warm caches and the prepared statement
        embed_t, total_t, sql_t, customer_t, source_t = [], [], [], [], []
        for q in asked:
            started = time.perf_counter()
            embedder.embed_query(q)
            embed_t.append(time.perf_counter() - started)
            started = time.perf_counter()
            search(conn, embedder, reader=STAFF_TOOL, query=q, k=10)
            total_t.append(time.perf_counter() - started)
            sql_t.append(total_t[-1] - embed_t[-1])
            customer = str(10001 + int(rng.integers(0, 2000)))
            started = time.perf_counter()
            search(conn, embedder, reader=STAFF_TOOL, query=q, k=10, customer_id=customer)
            customer_t.append(time.perf_counter() - started)
            started = time.perf_counter()
            search(conn, embedder, reader=STAFF_TOOL, query=q, k=10, source=CENTERPOINT_OPPORTUNITY)
            source_t.append(time.perf_counter() - started)
    out.append(latency("query embedding alone", embed_t))
    out.append(latency("hybrid search, embedding included", total_t))
    out.append(latency("  of which SQL (approx.)", sql_t))
    out.append(latency("hybrid + customer_id filter", customer_t))
    out.append(latency("hybrid + source filter (1/3 of rows)", source_t))
    return out


def time_http(url: str, asked: list[str]) -> list[str]:
    """The API in its own process (uvicorn), called over loopback, as a client would."""
    with psycopg.connect(url) as conn:
        key = create_key(conn, name="bench").secret
    port = free_port()
    # The per-key rate limit would answer 429 to a benchmark's burst: this measures search, not the limiter.
    env = {**os.environ, "BRAINOPS_WAREHOUSE_URL": url, "RATE_LIMIT_PER_MINUTE": "1000000",
           "RATE_LIMIT_BURST": "1000000"}
    command = [sys.executable, "-m", "serving.server", "--port", str(port)]  # the API's launcher
    log = Path(tempfile.gettempdir()) / "brainops_bench_api.log"
    with log.open("w") as sink:  # the API logs a JSON line per request; keep them out of the figures
        server = subprocess.Popen([*command, "--log-level", "warning"], env=env, stdout=sink,
                                  stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client:
            for _ in range(300):
                try:
                    client.get("/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            if server.poll() is not None:
                raise RuntimeError(f"The API did not start; its log: {log}")
            for q in asked[:20]:
                client.get("/api/v1/search", params={"q": q}).raise_for_status()  # waits for the model load
            samples = []
            for q in asked:
                started = time.perf_counter()
                client.get("/api/v1/search", params={"q": q, "k": 10}).raise_for_status()
                samples.append(time.perf_counter() - started)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return [latency("GET /api/v1/search over HTTP", samples)]


def hnsw_recall(url: str, model: str, ids: list[str], matrix: np.ndarray, queries: np.ndarray) -> list[tuple]:
    """(ef_search, planner's choice, recall@10, recall@10 counting ties, p50 ms, p95 ms) of the vector branch
    of search() (one HNSW graph per source, merged), top 10.

    The graphs are forced (no sequential scan, no sort), since on a small table the planner may prefer an
    exact scan; the second column says which plan it picks unforced. Strict recall counts the exact
    top-10 ids found; templated texts have equal distances, so the other figure also counts a result as
    right when it is as close as the exact 10th neighbour (the ANN-benchmarks convention)."""
    scores = queries @ matrix.T
    exact = np.argpartition(-scores, 10, axis=1)[:, :10]
    tenth = np.take_along_axis(scores, exact, axis=1).min(axis=1)
    position = {chunk_id: i for i, chunk_id in enumerate(ids)}
    graphs = [index_name(model, source) for source in SOURCES]
    results = []
    with psycopg.connect(url) as conn:
        for ef in EF_VALUES:

            def request(query: np.ndarray, ef: int = ef) -> SearchRequest:
                return SearchRequest(
                    query="recall", model=model, embedding=query, reader=STAFF_TOOL, k=10, mode=SearchMode.vector,
                    candidates=10,
                    ef_search=ef,
                )  # fmt: skip

            probe = request(queries[0])
            conn.execute("SELECT set_config('hnsw.ef_search', %s, true)", (str(ef),))
            plan = " ".join(r[0] for r in conn.execute(psycopg.sql.SQL("EXPLAIN ") + probe.statement(), probe.params()))
            conn.rollback()
            chosen = "hnsw" if any(name in plan for name in graphs) else "exact"
            strict = tied = 0
            seconds = []
            for i, query in enumerate(queries):
                conn.execute("SELECT set_config('enable_seqscan', 'off', true), set_config('enable_sort', 'off', true)")
                started = time.perf_counter()
                got = [position[hit.chunk_id] for hit in run_search(conn, request(query))]
                seconds.append(time.perf_counter() - started)
                conn.rollback()
                strict += len(set(got) & set(exact[i]))
                tied += int((scores[i, got] >= tenth[i] - 1e-5).sum())
            ms = [s * 1000 for s in seconds]
            n = 10 * len(queries)
            results.append((ef, chosen, strict / n, tied / n, percentile(ms, 50), percentile(ms, 95)))
    return results


def uses_indexes(url: str, embedder: LocalEmbedder, query: str) -> str:
    request = SearchRequest(query=query, model=embedder.model_name, embedding=embedder.embed_query(query),
                            reader=STAFF_TOOL)
    with psycopg.connect(url) as conn:
        conn.execute("SELECT set_config('hnsw.ef_search', %s, true)", (request.settings()[0],))
        plan = conn.execute(psycopg.sql.SQL("EXPLAIN ANALYZE ") + request.statement(), request.params()).fetchall()
    found = {m for (line,) in plan for m in re.findall(r"(?:Index|Bitmap Index) Scan (?:using|on) (\w+)", line)}
    used = sorted(name for name in found if name.startswith("chunks"))
    execution = next((line for (line,) in plan if line.startswith("Execution Time")), "")
    return f"  indexes used by one hybrid query: {', '.join(used)}; {execution}"


def real_corpus(sample: Path, embedder: LocalEmbedder, notes: int) -> tuple[str, list[str], np.ndarray]:
    """What the rag/chunks asset indexes: the sample knowledge base and CenterPoint opportunity and
    production notes (the first `notes` of each, 0 for all), landed in raw tables, read by the asset's
    readers and indexed by index_documents."""
    import itertools
    import json

    from pipelines.centerpoint.catalog import RESOURCES
    from pipelines.centerpoint.sync import to_row
    from pipelines.loaders.copy_upsert import copy_upsert
    from pipelines.rag.documents import READERS

    url = fresh_database(REAL_DB)
    land_notion_pages(url, sample)
    with psycopg.connect(url) as conn:
        for name in ("opportunities", "productions"):
            spec = RESOURCES[name]
            with (sample / "centerpoint" / f"{name}.jsonl").open() as f:
                records = itertools.islice(f, notes or None)
                rows = [to_row(spec, json.loads(line)) for line in records]
            copy_upsert(conn, schema="raw", table=spec.table, columns=spec.columns, rows=rows)
    sources = [NOTION, CENTERPOINT_OPPORTUNITY, CENTERPOINT_PRODUCTION]
    with psycopg.connect(url) as conn:
        documents = [doc for source in sources for doc in READERS[source](conn)]
        conn.commit()
        result = index_documents(conn, documents, embedder, sources=sources)
        register_vector(conn)
        rows = conn.execute("SELECT chunk_id, embedding FROM rag.chunks ORDER BY chunk_id").fetchall()
    print(
        f"  real corpus: {result.chunks:,} chunks ({result.embedded:,} distinct texts embedded at "
        f"{result.chunks_per_second:.1f}/s, {result.embed_seconds:.0f} s), HNSW build {result.index_seconds:.2f} s"
    )
    return url, [r[0] for r in rows], np.stack([r[1] for r in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--centres", type=int, default=1000, help="Clusters (real embeddings of sample lines).")
    parser.add_argument(
        "--real-notes", type=int, default=0, help="Opportunities and productions in the real corpus (0: all)."
    )
    parser.add_argument("--no-http", action="store_true", help="Skip the API-over-HTTP measurement.")
    parser.add_argument("--no-real", action="store_true", help="Skip the real corpus (its embedding takes minutes).")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark databases afterwards.")
    args = parser.parse_args()
    rng = np.random.default_rng(42)

    print(f"Search latency benchmark ({load_note()} at start)")
    sample = ensure_sample(1)
    # One ONNX Runtime thread, as the API runs the model: a second one helps little and hurts when cores are busy.
    embedder = LocalEmbedder(threads=1)
    embedder.load()
    model = embedder.model_name
    url = fresh_database(SYNTHETIC_DB)
    land_notion_pages(url, sample)
    lines = kb_lines(url)
    with psycopg.connect(url) as conn:
        conn.execute("TRUNCATE raw.notion_pages")  # only its lines were needed; the chunks are synthetic
    picked = [lines[i] for i in sorted(rng.choice(len(lines), min(args.centres, len(lines)), replace=False))]
    with Timer() as centre_t:
        centres = embedder.embed_documents(picked)
    print(f"\n{len(picked)} cluster centres: real embeddings of sample lines ({centre_t.seconds:.1f} s)")

    chunk_rows, vectors = synthetic_rows(picked, centres, args.rows, rng)
    copy_s, index_s = load_synthetic(url, chunk_rows, vectors, model)
    with psycopg.connect(url) as conn:
        size = conn.execute(
            "SELECT pg_size_pretty(sum(pg_relation_size(('rag.' || name)::regclass))) FROM unnest(%s::text[]) AS name",
            ([index_name(model, source) for source in SOURCES],),
        ).fetchone()[0]
    print(f"{args.rows:,} synthetic chunks: COPY {copy_s:.1f} s ({args.rows / copy_s:,.0f} rows/s), ", end="")
    print(f"HNSW build (m 16, ef_construction 64) {index_s:.1f} s, index {size}")

    asked = [q["question"] for q in questions(sample)]
    print(f"\nLatency, {len(asked)} labelled questions, k 10, ef_search 100, 40 candidates per branch (ms):")
    print(f"  {'':<38}{'p50':>8}{'p95':>8}{'p99':>8}{'n':>7}")
    for line in time_search_path(url, embedder, asked, rng):
        print(line, flush=True)
    if not args.no_http:
        for line in time_http(url, asked):
            print(line, flush=True)
    print(uses_indexes(url, embedder, asked[0]))

    print("\nRecall@10 of the HNSW branch against exact search (vector branch alone; ms per query):")
    synthetic_queries = normalized(centres[rng.integers(0, len(centres), 200)] + rng.standard_normal(
        (200, centres.shape[1])).astype(np.float32) * (NOISE / np.sqrt(centres.shape[1])))  # fmt: skip
    question_vectors = np.stack([embedder.embed_query(q) for q in asked])
    ids = [row.chunk_id for row in chunk_rows]
    tables = {
        f"synthetic {args.rows // 1000}k, in-cluster queries": hnsw_recall(url, model, ids, vectors, synthetic_queries),
        f"synthetic {args.rows // 1000}k, real questions": hnsw_recall(url, model, ids, vectors, question_vectors),
    }
    if not args.keep:
        drop_database(SYNTHETIC_DB)
    if not args.no_real:
        real_url, real_ids, real_matrix = real_corpus(sample, embedder, args.real_notes)
        print(f"  search latency on the real corpus ({len(real_ids):,} chunks, ms):")
        print(f"  {'':<38}{'p50':>8}{'p95':>8}{'p99':>8}{'n':>7}")
        for line in time_search_path(real_url, embedder, asked, rng):
            print(line, flush=True)
        # Quality where page chunks are a few percent of the corpus (the KB-only figures: search_quality.py).
        quality = evaluate(real_url, embedder, questions(sample), ef_search=100)
        print("  labelled questions on the real corpus:  " + "; ".join(
            f"{mode} hit@1 {q['hit@1']:.3f} hit@5 {q['hit@5']:.3f}" for mode, q in quality.items()))  # fmt: skip
        tables[f"real corpus {len(real_ids) // 1000}k chunks, questions"] = hnsw_recall(
            real_url, model, real_ids, real_matrix, question_vectors
        )
    header = f"{'ef_search':>10}{'planner':>8}{'recall@10':>11}{'w/ ties':>9}{'p50 ms':>8}{'p95 ms':>8}"
    print(f"  {'corpus / queries':<44}{header}")
    for label, rows in tables.items():
        for ef, used, recall, tied, p50, p95 in rows:
            print(f"  {label:<44}{ef:>10}{used:>8}{recall:>11.3f}{tied:>9.3f}{p50:>8.2f}{p95:>8.2f}")
    if not args.keep and not args.no_real:
        drop_database(REAL_DB)
    print(f"({load_note()} at the end)")


if __name__ == "__main__":
    main()
