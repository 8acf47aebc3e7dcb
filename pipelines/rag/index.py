"""Incremental indexing of documents into rag.chunks.

Chunk ids come from (source, source_id, content hash, model): a run computes the ids the documents
should have, COPYs only the ids that are missing (embedding only texts it has never embedded with this
model), and deletes the ids that are no longer wanted (pages edited, trashed or gone). Re-indexing
unchanged documents embeds and writes nothing.

New chunks are committed batch by batch, so a long first run that is interrupted resumes where it
stopped. Each (model, source) has its own HNSW graph, a partial index: it is built after the bulk load
when it is missing (first run, new source, new model) and rebuilt when a run replaces most of its rows;
small increments go into the existing graph. One graph per source because sources are different kinds
of text: in one graph, a few hundred knowledge-base chunks among 30k templated job notes were poorly
linked, and questions about pages missed them (recall@10 0.81-0.88 at ef_search 40-100 on the sample;
0.99 with one graph per source). A search reads every source's graph and merges (pipelines/rag/search.py).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from pipelines.rag.chunking import PATH_SEPARATOR, embedding_text
from pipelines.rag.documents import Document
from pipelines.rag.embedder import Embedder
from pipelines.rag.vectors import register_vector

HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64
INDEX_PREFIX = "chunks_embedding_"
# Any constant: one indexing run at a time per database (a second one waits for the first).
_LOCK_ID = 7_284_006
COPY_COLUMNS = (
    "chunk_id",
    "source",
    "source_id",
    "chunk_index",
    "title",
    "heading_path",
    "content",
    "content_hash",
    "embedding_model",
    "embedding",
    "metadata",
    "visibility",
    "owner_id",
)
COPY_TYPES = ("text", "text", "text", "int4", "text", "text", "text", "text", "text", "vector", "jsonb", "text",
              "int8")

# (stage, done, total): stage is "embedding"; called after every batch.
IndexProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ChunkRow:
    chunk_id: str
    source: str
    source_id: str
    chunk_index: int
    title: str | None
    heading_path: str
    content: str
    content_hash: str
    metadata: dict[str, Any]
    text: str  # what is embedded: title, heading path and content
    visibility: str  # who may retrieve it (brainops/access.py)
    owner_id: int | None

    @property
    def mutable(self) -> tuple[Any, ...]:
        """What may change without re-embedding: position, title, metadata and who may read it."""
        return (self.chunk_index, self.title, self.metadata, self.visibility, self.owner_id)


@dataclass
class IndexResult:
    model: str
    documents: int = 0
    chunks: int = 0  # chunks the documents have now
    new: int = 0
    unchanged: int = 0
    deleted: int = 0
    moved: int = 0  # unchanged text whose position, title, metadata or readers changed: updated, not re-embedded
    embedded: int = 0  # texts sent to the model (identical texts are embedded once)
    reused: int = 0  # new chunks whose vector was copied from an identical text already indexed
    embed_seconds: float = 0.0
    indexes_built: list[str] = field(default_factory=list)  # sources whose HNSW index was (re)built
    index_seconds: float = 0.0
    seconds: float = 0.0
    dropped_models: list[str] = field(default_factory=list)

    @property
    def index_built(self) -> bool:
        return bool(self.indexes_built)

    @property
    def chunks_per_second(self) -> float:
        return self.embedded / self.embed_seconds if self.embed_seconds else 0.0


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def chunk_id(source: str, source_id: str, text_hash: str, model: str, occurrence: int = 0) -> str:
    """Stable for the same text of the same document under the same model; `occurrence` separates a
    text repeated within one document."""
    key = "\x1f".join([source, source_id, text_hash, model, str(occurrence)])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def plan_chunks(documents: Iterable[Document], model: str) -> Iterator[ChunkRow]:
    """The chunk rows the documents should have under `model`, ids included."""
    for doc in documents:
        seen: dict[str, int] = {}
        metadata = doc.metadata()
        for chunk in doc.chunks():
            text = embedding_text(doc.title if doc.title_in_embedding else None, chunk.heading_path, chunk.content)
            text_hash = content_hash(text)
            occurrence = seen.get(text_hash, 0)
            seen[text_hash] = occurrence + 1
            yield ChunkRow(
                chunk_id=chunk_id(doc.source, doc.source_id, text_hash, model, occurrence),
                source=doc.source,
                source_id=doc.source_id,
                chunk_index=chunk.chunk_index,
                title=doc.title,
                heading_path=PATH_SEPARATOR.join(chunk.heading_path),
                content=chunk.content,
                content_hash=text_hash,
                metadata=metadata,
                text=text,
                visibility=doc.visibility,
                owner_id=doc.owner_id,
            )


Graph = tuple[str, str]  # (embedding model, source): one HNSW index each


def index_name(model: str, source: str) -> str:
    """The partial HNSW index of one model and source, named to fit Postgres' 63 characters."""
    slug = re.sub(r"[^a-z0-9]+", "_", f"{source} {model}".lower()).strip("_")[:36]
    return f"{INDEX_PREFIX}{slug}_{hashlib.sha1(f'{model}|{source}'.encode()).hexdigest()[:8]}"


def hnsw_indexes(conn: psycopg.Connection) -> dict[Graph, str]:
    """(model, source) -> index name, for the HNSW indexes on rag.chunks (their comment names both)."""
    rows = conn.execute(
        """SELECT c.relname, obj_description(c.oid, 'pg_class')
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
           WHERE i.indrelid = 'rag.chunks'::regclass AND am.amname = 'hnsw'"""
    ).fetchall()
    graphs = {}
    for name, comment in rows:
        model, _, source = (comment or "").rpartition(" | ")
        if model and source:
            graphs[(model, source)] = name
    return graphs


def build_hnsw_index(
    conn: psycopg.Connection,
    model: str,
    source: str,
    *,
    m: int = HNSW_M,
    ef_construction: int = HNSW_EF_CONSTRUCTION,
    maintenance_work_mem: str = "1GB",
) -> float:
    """Build the HNSW cosine index of one model and source over the rows already loaded; returns seconds.
    Commits. Searches read it as long as they name the same model and source as literals."""
    name = index_name(model, source)
    started = time.perf_counter()
    with conn.transaction():
        # The build is several times faster when the graph fits in maintenance_work_mem.
        conn.execute("SELECT set_config('maintenance_work_mem', %s, true)", (maintenance_work_mem,))
        conn.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier("rag", name)))
        conn.execute(
            sql.SQL(
                """CREATE INDEX {name} ON rag.chunks USING hnsw (embedding vector_cosine_ops)
                   WITH (m = {m}, ef_construction = {ef}) WHERE embedding_model = {model} AND source = {source}"""
            ).format(
                name=sql.Identifier(name),
                m=sql.Literal(m),
                ef=sql.Literal(ef_construction),
                model=sql.Literal(model),
                source=sql.Literal(source),
            )
        )
        comment = sql.Literal(f"{model} | {source}")
        conn.execute(sql.SQL("COMMENT ON INDEX {} IS {}").format(sql.Identifier("rag", name), comment))
    conn.commit()
    return time.perf_counter() - started


def drop_hnsw_index(conn: psycopg.Connection, model: str, source: str) -> None:
    """Drop the HNSW index of one model and source. Commits."""
    name = hnsw_indexes(conn).get((model, source)) or index_name(model, source)
    conn.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier("rag", name)))
    conn.commit()


def copy_chunks(conn: psycopg.Connection, rows: Sequence[ChunkRow], vectors: Sequence[np.ndarray], model: str) -> None:
    """Binary COPY of new chunk rows (the tsvector column is generated by Postgres)."""
    columns = sql.SQL(", ").join(map(sql.Identifier, COPY_COLUMNS))
    with (
        conn.cursor() as cur,
        cur.copy(sql.SQL("COPY rag.chunks ({}) FROM STDIN (FORMAT BINARY)").format(columns)) as copy,
    ):
        copy.set_types(list(COPY_TYPES))
        for row, vector in zip(rows, vectors, strict=True):
            copy.write_row(
                (
                    row.chunk_id,
                    row.source,
                    row.source_id,
                    row.chunk_index,
                    row.title,
                    row.heading_path,
                    row.content,
                    row.content_hash,
                    model,
                    vector,
                    Jsonb(row.metadata),
                    row.visibility,
                    row.owner_id,
                )
            )


def _existing(conn: psycopg.Connection, model: str, sources: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """chunk_id -> what may change without re-embedding (ChunkRow.mutable)."""
    rows = conn.execute(
        """SELECT chunk_id, chunk_index, title, metadata, visibility, owner_id FROM rag.chunks
           WHERE embedding_model = %s AND source = ANY(%s)""",
        (model, list(sources)),
    ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def _known_vectors(conn: psycopg.Connection, model: str, hashes: list[str]) -> dict[str, np.ndarray]:
    """Vectors already computed for identical texts (another document, or a row about to be replaced)."""
    if not hashes:
        return {}
    rows = conn.execute(
        """SELECT DISTINCT ON (content_hash) content_hash, embedding FROM rag.chunks
           WHERE embedding_model = %s AND content_hash = ANY(%s)""",
        (model, hashes),
    ).fetchall()
    return dict(rows)


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def index_documents(
    conn: psycopg.Connection,
    documents: Iterable[Document],
    embedder: Embedder,
    *,
    sources: Sequence[str],
    batch_size: int = 512,
    rebuild_fraction: float = 0.5,
    drop_other_models: bool = True,
    progress: IndexProgress | None = None,
) -> IndexResult:
    """Bring the chunks of `sources` in line with `documents` (the complete current set for those sources:
    chunks of documents not in it are deleted). Commits as it goes; returns counts and timings."""
    started = time.perf_counter()
    model = embedder.model_name
    result = IndexResult(model=model)
    register_vector(conn)
    conn.commit()
    conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_ID,))
    conn.commit()
    try:
        docs = list(documents)
        stray = sorted({d.source for d in docs} - set(sources))
        if stray:
            raise ValueError(f"Documents of {', '.join(stray)} were given but not listed in `sources`.")
        result.documents = len(docs)
        wanted = list(plan_chunks(docs, model))
        result.chunks = len(wanted)
        existing = _existing(conn, model, sources)
        wanted_ids = {row.chunk_id for row in wanted}
        new_rows = [row for row in wanted if row.chunk_id not in existing]
        stale = [chunk_id for chunk_id in existing if chunk_id not in wanted_ids]
        moved = [
            row
            for row in wanted
            if row.chunk_id in existing and existing[row.chunk_id] != row.mutable
        ]
        result.new, result.deleted, result.moved = len(new_rows), len(stale), len(moved)
        result.unchanged = len(wanted) - len(new_rows)

        indexes = hnsw_indexes(conn)
        new_per_source = Counter(row.source for row in new_rows)
        rows_per_source = Counter(row.source for row in wanted)
        for source, count in new_per_source.items():
            # Inserting most of a graph row by row is slower than building it again after the load.
            if (model, source) in indexes and count > max(1000, rebuild_fraction * rows_per_source[source]):
                drop_hnsw_index(conn, model, source)
                indexes.pop((model, source))

        # The HNSW build inserts rows in heap order. Loaded one topic cluster after another, the graph links
        # clusters poorly (recall@10 at ef_search 40 fell from 0.95 in random order to 0.74 on the sample
        # knowledge base plus job notes). Chunk ids are hashes, so sorting by them shuffles, reproducibly.
        new_rows.sort(key=lambda row: row.chunk_id)
        _load_new(conn, new_rows, embedder, batch_size, result, progress)

        with conn.transaction():
            for batch in _batches(stale, 5000):
                conn.execute("DELETE FROM rag.chunks WHERE chunk_id = ANY(%s)", (list(batch),))
            if moved:
                with conn.cursor() as cur:
                    cur.executemany(
                        """UPDATE rag.chunks SET chunk_index = %s, title = %s, metadata = %s, visibility = %s,
                                                 owner_id = %s
                           WHERE chunk_id = %s""",
                        [(row.chunk_index, row.title, Jsonb(row.metadata), row.visibility, row.owner_id, row.chunk_id)
                         for row in moved],
                    )
            if drop_other_models:
                result.dropped_models = _drop_other_models(conn, model, sources)
        conn.commit()
        for source in sorted(rows_per_source):
            if (model, source) not in indexes:
                result.index_seconds += build_hnsw_index(conn, model, source)
                result.indexes_built.append(source)
        if result.indexes_built or len(new_rows) + len(stale) > 0.1 * max(len(wanted), 1):
            # Fresh GIN entries wait in a pending list that every full-text search scans linearly (it
            # made one search 8 ms slower after a bulk load); VACUUM would merge it, but not inside a
            # transaction. ANALYZE refreshes the word frequencies search budgets with.
            conn.execute("SELECT gin_clean_pending_list('rag.chunks_tsv'::regclass)")
            conn.execute("ANALYZE rag.chunks")
            conn.commit()
        for (other, source), _name in hnsw_indexes(conn).items():
            if other in result.dropped_models:
                drop_hnsw_index(conn, other, source)
    finally:
        conn.rollback()
        conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_ID,))
        conn.commit()
    result.seconds = time.perf_counter() - started
    return result


def _load_new(
    conn: psycopg.Connection,
    new_rows: list[ChunkRow],
    embedder: Embedder,
    batch_size: int,
    result: IndexResult,
    progress: IndexProgress | None,
) -> None:
    """Embed and COPY the new rows, one committed batch at a time."""
    model = embedder.model_name
    vectors = _known_vectors(conn, model, sorted({row.content_hash for row in new_rows}))
    result.reused = sum(1 for row in new_rows if row.content_hash in vectors)
    to_embed = len({row.content_hash for row in new_rows} - vectors.keys())
    done = 0
    for batch in _batches(new_rows, batch_size):
        texts = {row.content_hash: row.text for row in batch if row.content_hash not in vectors}
        if texts:
            began = time.perf_counter()
            embedded = embedder.embed_documents(list(texts.values()))
            result.embed_seconds += time.perf_counter() - began
            vectors.update(zip(texts, embedded, strict=True))
            result.embedded += len(texts)
            done += len(texts)
        with conn.transaction():
            copy_chunks(conn, batch, [vectors[row.content_hash] for row in batch], model)
        conn.commit()
        if progress:
            progress("embedding", done, to_embed)


def _drop_other_models(conn: psycopg.Connection, model: str, sources: Sequence[str]) -> list[str]:
    """Delete these sources' chunks embedded by other models; returns models with no chunks left."""
    others = [
        r[0]
        for r in conn.execute(
            """WITH gone AS (
                   DELETE FROM rag.chunks WHERE embedding_model <> %s AND source = ANY(%s) RETURNING embedding_model)
               SELECT DISTINCT embedding_model FROM gone""",
            (model, list(sources)),
        ).fetchall()
    ]
    remaining = {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT embedding_model FROM rag.chunks WHERE embedding_model = ANY(%s)", (others,)
        ).fetchall()
    }
    return sorted(set(others) - remaining)
