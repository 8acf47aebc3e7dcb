"""Search quality on the sample knowledge base: hybrid vs vector-only vs keyword-only.

    .venv/bin/python bench/search_quality.py [--scale 1] [--questions 0] [--keep]

Lands the scale-1 sample's Notion pages (~200) in a database of its own on the embedded server,
chunks and embeds them with the local all-MiniLM-L6-v2 (printing chunks/s and the HNSW build time),
then asks the labelled questions of truth/notion_questions.jsonl (question -> page) and prints, per
mode, hit@1, hit@5 (the page among the top 5 chunks), MRR@10 and the median search time. Target:
hybrid hit@5 >= 0.9.
"""

from __future__ import annotations

import argparse
import time

import psycopg
from rag_common import (
    Timer,
    drop_database,
    ensure_sample,
    fresh_database,
    index_notion,
    land_notion_pages,
    load_note,
    percentile,
    questions,
)

from brainops.access import STAFF_TOOL
from pipelines.rag.embedder import LocalEmbedder
from pipelines.rag.search import SearchMode, SearchRequest, run_search

BENCH_DB = "brainops_bench_search_quality"


def evaluate(url: str, embedder: LocalEmbedder, asked: list[dict[str, str]], ef_search: int) -> dict[str, dict]:
    # Each question is embedded once and shared by the modes, so the modes differ only in the SQL.
    vectors = [embedder.embed_query(q["question"]) for q in asked]
    scores: dict[str, dict] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for mode in SearchMode:
            hit1 = hit5 = 0
            reciprocal = 0.0
            seconds: list[float] = []
            misses: list[str] = []
            for q, vector in zip(asked, vectors, strict=True):
                request = SearchRequest(
                    query=q["question"], model=embedder.model_name, embedding=vector, reader=STAFF_TOOL, k=10,
                    mode=mode, ef_search=ef_search,
                )  # fmt: skip
                started = time.perf_counter()
                hits = run_search(conn, request)
                seconds.append(time.perf_counter() - started)
                pages = [h.source_id for h in hits]
                rank = pages.index(q["page_id"]) + 1 if q["page_id"] in pages else None
                hit1 += rank == 1
                hit5 += rank is not None and rank <= 5
                reciprocal += 1 / rank if rank else 0.0
                if not (rank and rank <= 5):
                    misses.append(q["question"])
            n = len(asked)
            scores[mode.value] = {
                "hit@1": hit1 / n,
                "hit@5": hit5 / n,
                "mrr@10": reciprocal / n,
                "p50_ms": percentile(seconds, 50) * 1000,
                "misses": misses,
            }
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--questions", type=int, default=0, help="Ask only the first N questions (0: all).")
    parser.add_argument("--ef-search", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database afterwards.")
    args = parser.parse_args()

    print(f"Search quality benchmark ({load_note()} at start)")
    sample = ensure_sample(args.scale)
    url = fresh_database(BENCH_DB)
    pages = land_notion_pages(url, sample)
    embedder = LocalEmbedder()
    with Timer() as load:
        embedder.load()
    print(f"\nIndexing {pages} sample pages (model loaded in {load.seconds:.1f} s):")
    result = index_notion(url, embedder)
    print(f"  chunks            {result.chunks:>8,}  (from {result.documents} pages with text)")
    rate = f"in {result.embed_seconds:.1f} s = {result.chunks_per_second:.1f} chunks/s"
    print(f"  embedded          {result.embedded:>8,}  {rate}")
    print(f"  HNSW build        {result.index_seconds:>8.2f} s")
    print(f"  index run total   {result.seconds:>8.1f} s")

    asked = questions(sample)
    if args.questions:
        asked = asked[: args.questions]
    print(f"\n{len(asked)} labelled questions, ef_search {args.ef_search}, top 10 chunks per question:")
    scores = evaluate(url, embedder, asked, args.ef_search)
    print(f"  {'':<10}{'hit@1':>8}{'hit@5':>8}{'MRR@10':>8}{'p50 ms':>8}")
    for mode, s in scores.items():
        print(f"  {mode:<10}{s['hit@1']:>8.3f}{s['hit@5']:>8.3f}{s['mrr@10']:>8.3f}{s['p50_ms']:>8.1f}")
    verdict = "meets" if scores["hybrid"]["hit@5"] >= 0.9 else "MISSES"
    print(f"  hybrid hit@5 {scores['hybrid']['hit@5']:.3f} {verdict} the 0.9 target")
    for mode, s in scores.items():
        for question in s["misses"][:5]:
            print(f"  {mode} miss: {question}")
    print(f"({load_note()} at the end; SQL time excludes query embedding)")
    if not args.keep:
        drop_database(BENCH_DB)


if __name__ == "__main__":
    main()
