-- IES uploads (app: what the API and the upload sensor own) and their extraction results (raw: what
-- the partitioned asset raw/ies_extractions writes, one document per partition).
--
-- The files themselves live in a content-addressed store on disk (pipelines/ies/uploads.py): the
-- same bytes are one document (document_id derives from the sha256), however often they arrive.

CREATE TABLE app.uploads (
    upload_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id  text NOT NULL UNIQUE,                        -- ies_<first 16 hex of sha256>; the Dagster partition
    sha256       text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    source_file  text NOT NULL,                               -- sanitized name as first uploaded
    file_kind    text NOT NULL CHECK (file_kind IN ('pdf', 'xlsx', 'csv')),  -- judged by content
    size_bytes   bigint NOT NULL CHECK (size_bytes > 0),
    stored_path  text NOT NULL,                               -- relative to the upload store
    received_via text NOT NULL CHECK (received_via IN ('api', 'landing')),
    api_key_id   bigint REFERENCES app.api_keys,              -- first uploader; NULL from the landing dir
    status       text NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'processing', 'extracted', 'needs_review', 'failed')),
    error        text,                                        -- why it failed, as a sentence
    run_id       text,                                        -- the Dagster run that extracted it last
    received_at  timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX uploads_status ON app.uploads (status, upload_id);

-- Every key that uploaded the same bytes may read the document (it holds the file anyway).
CREATE TABLE app.upload_readers (
    upload_id  bigint NOT NULL REFERENCES app.uploads ON DELETE CASCADE,
    api_key_id bigint NOT NULL REFERENCES app.api_keys,
    added_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (upload_id, api_key_id)
);
CREATE INDEX upload_readers_api_key ON app.upload_readers (api_key_id, upload_id);

-- What could not be read: a landing-dir file that is no statement (moved to the quarantine folder), or
-- an upload the extractor gave up on (it stays in the store, so it can be re-run). One row per content.
CREATE TABLE app.upload_quarantine (
    quarantine_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256           text NOT NULL UNIQUE,
    upload_id        bigint REFERENCES app.uploads ON DELETE SET NULL,
    source_file      text NOT NULL,
    size_bytes       bigint NOT NULL,
    received_via     text NOT NULL CHECK (received_via IN ('api', 'landing')),
    reason           text NOT NULL,
    quarantined_path text NOT NULL,                           -- relative to the upload store
    quarantined_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per extracted document: typed keys plus the whole contract JSON
-- (shared/contracts/ies_result.schema.json). Failed extractions write nothing here (see quarantine).
CREATE TABLE raw.ies_documents (
    document_id        text PRIMARY KEY,
    upload_id          bigint,
    sha256             text NOT NULL,
    source_file        text NOT NULL,
    status             text NOT NULL CHECK (status IN ('extracted', 'needs_review')),
    entity_name        text,
    statement_type     text NOT NULL,
    currency           text NOT NULL,
    unit_multiplier    numeric NOT NULL,
    method             text NOT NULL,
    periods            jsonb NOT NULL,                        -- the contract's periods, in column order
    totals             jsonb NOT NULL,                        -- period -> headline figures (read or derived)
    warnings           jsonb NOT NULL,
    result             jsonb NOT NULL,                        -- the contract JSON as served
    line_item_count    integer NOT NULL,
    check_count        integer NOT NULL,
    extraction_seconds double precision,
    extracted_at       timestamptz NOT NULL,
    _loaded_at         timestamptz NOT NULL DEFAULT now()
);

-- One row per line item x period, with where it was read.
CREATE TABLE raw.ies_line_items (
    document_id text NOT NULL REFERENCES raw.ies_documents ON DELETE CASCADE,
    line_number integer NOT NULL,                             -- 1-based position in the contract's line_items
    period_key  text NOT NULL,
    label       text NOT NULL,
    canonical   text,
    section     text NOT NULL,
    is_total    boolean NOT NULL,
    confidence  double precision NOT NULL,
    amount      numeric NOT NULL,                             -- signed, full currency units
    page        integer,
    bbox        double precision[],                           -- [x0, top, x1, bottom] in PDF points
    sheet       text,
    source_row  integer,
    _loaded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, line_number, period_key)
);

-- Tie-out checks: printed totals against their rows, NOI against income minus expenses, per period.
CREATE TABLE raw.ies_checks (
    document_id  text NOT NULL REFERENCES raw.ies_documents ON DELETE CASCADE,
    check_number integer NOT NULL,
    check_name   text NOT NULL,
    period_key   text NOT NULL,
    passed       boolean NOT NULL,
    expected     numeric,
    actual       numeric,
    _loaded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, check_number)
);
