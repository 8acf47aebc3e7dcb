-- Retrieval chunks: text, metadata, a content hash, the embedding model's name and its vector, and a
-- stored tsvector for full-text search (pipelines/rag/).
--
-- chunk_id is derived from (source, source_id, content hash, model), so re-indexing unchanged text
-- writes nothing and a different model gets different rows instead of overwriting vectors in place.
--
-- The HNSW index is NOT created here: pipelines/rag/index.py builds it after the bulk COPY (a build
-- over loaded rows is far faster than inserting row by row into a graph), one partial index per model
-- (WHERE embedding_model = '<model>'). Vectors of two models live in different spaces; a partial index
-- per model keeps them in separate graphs, so a model switch builds a new graph beside the old one
-- while the old one keeps serving, instead of mixing both spaces in one.
CREATE TABLE rag.chunks (
    chunk_id        text PRIMARY KEY,
    source          text NOT NULL,             -- notion, centerpoint_opportunity, centerpoint_production, ies
    source_id       text NOT NULL,             -- the document's id in its source (page id, opportunity id)
    chunk_index     integer NOT NULL,          -- position within the document
    title           text,
    heading_path    text NOT NULL DEFAULT '',  -- "Section > Subsection" of the chunk's text
    content         text NOT NULL,
    content_hash    text NOT NULL,             -- sha256 of the text that was embedded (title, path, content)
    embedding_model text NOT NULL,
    embedding       vector(384) NOT NULL,
    -- Title weighs most, then headings, then the text (ts_rank's A/B/C weights).
    tsv             tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('english', coalesce(title, '')), 'A')
                        || setweight(to_tsvector('english', heading_path), 'B')
                        || setweight(to_tsvector('english', content), 'C')
                    ) STORED,
    metadata        jsonb NOT NULL DEFAULT '{}',  -- source, url, title, customer_id, document_id, updated_at
    indexed_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX chunks_tsv ON rag.chunks USING gin (tsv);
CREATE INDEX chunks_source ON rag.chunks (source, source_id);
-- Per-model scans (what is indexed) and embedding reuse by content hash.
CREATE INDEX chunks_model_hash ON rag.chunks (embedding_model, content_hash);
-- Search filters by customer; a selective filter is answered from here, exactly, not from the graph.
CREATE INDEX chunks_customer ON rag.chunks ((metadata ->> 'customer_id'));
