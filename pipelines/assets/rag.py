"""rag/chunks: Notion pages, CenterPoint job notes and extracted IES documents, chunked, embedded and indexed
for hybrid search.

Incremental: only chunks whose text changed are embedded; chunks of edited, trashed or vanished
documents are deleted; the HNSW index is built after the first bulk load (or a model switch).

IES lineage: raw/ies_extractions is partitioned per document and this asset is not; it reads every
document, so it depends on all partitions (AllPartitionMapping), and on analytics/ies_spreads, whose
spread summarises each document (before dbt has built it, the headline totals stand in).
"""

import itertools

import dagster as dg

from pipelines.assets.ies import EXTRACTIONS_KEY
from pipelines.rag.documents import CENTERPOINT_OPPORTUNITY, CENTERPOINT_PRODUCTION, IES, NOTION, READERS
from pipelines.rag.index import IndexResult, index_documents
from pipelines.resources.embedder import EmbedderResource
from pipelines.resources.warehouse import WarehouseResource

GROUP = "rag"
CHUNKS = dg.AssetKey(["rag", "chunks"])
SOURCES = (NOTION, CENTERPOINT_OPPORTUNITY, CENTERPOINT_PRODUCTION, IES)
IES_SPREADS = dg.AssetKey(["analytics", "ies_spreads"])
UPSTREAM = [
    dg.AssetKey(["raw", "notion_pages"]),
    dg.AssetKey(["raw", "centerpoint_opportunities"]),
    dg.AssetKey(["raw", "centerpoint_productions"]),
    EXTRACTIONS_KEY,
    IES_SPREADS,
]
DEPS = [
    dg.AssetDep(key, partition_mapping=dg.AllPartitionMapping()) if key == EXTRACTIONS_KEY else dg.AssetDep(key)
    for key in UPSTREAM
]


def _metadata(result: IndexResult) -> dict[str, object]:
    return {
        "dagster/row_count": result.chunks,
        "documents": result.documents,
        "chunks_new": result.new,
        "chunks_unchanged": result.unchanged,
        "chunks_deleted": result.deleted,
        "chunks_moved": result.moved,
        "texts_embedded": result.embedded,
        "embeddings_reused": result.reused,
        "embed_seconds": round(result.embed_seconds, 2),
        "chunks_per_second_embedded": round(result.chunks_per_second, 1),
        "index_built": result.index_built,
        "indexes_built_for": ", ".join(result.indexes_built) or "none",
        "index_build_seconds": round(result.index_seconds, 2),
        "embedding_model": result.model,
        "models_dropped": ", ".join(result.dropped_models) or "none",
        "seconds": round(result.seconds, 2),
    }


@dg.asset(
    key=CHUNKS,
    group_name=GROUP,
    deps=DEPS,
    kinds={"python", "postgres", "pgvector"},
    description="Chunks of Notion pages, CenterPoint opportunity/production notes and extracted IES documents "
    "(text per page plus a summary of the spread) with embeddings and a full-text vector, for /api/v1/search and "
    "/api/v1/chat. Only changed text is re-embedded.",
    metadata={"table": "rag.chunks"},
    op_tags={"source": "rag"},
)
def rag_chunks(
    context: dg.AssetExecutionContext, embedder: EmbedderResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    model = embedder.get_embedder()
    context.log.info(f"Indexing {', '.join(SOURCES)} with {model.model_name}")

    logged_tenths: set[int] = set()

    def log_progress(stage: str, done: int, total: int) -> None:
        tenth = 10 * done // max(total, 1)  # about ten lines per run, however large
        if tenth not in logged_tenths:
            logged_tenths.add(tenth)
            context.log.info(f"{stage}: {done:,}/{total:,} new texts")

    with warehouse.connect() as conn:
        documents = list(itertools.chain.from_iterable(READERS[source](conn) for source in SOURCES))
        conn.commit()  # the reads end here; indexing commits batch by batch
        result = index_documents(conn, documents, model, sources=SOURCES, progress=log_progress)
    context.log.info(
        f"{result.chunks:,} chunks: {result.new:,} new, {result.unchanged:,} unchanged, {result.deleted:,} deleted; "
        f"{result.embedded:,} texts embedded at {result.chunks_per_second:.1f}/s"
        + (f"; HNSW indexes built in {result.index_seconds:.1f} s" if result.index_built else "")
    )
    return dg.MaterializeResult(metadata=_metadata(result))
