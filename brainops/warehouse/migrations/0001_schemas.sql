-- The four warehouse schemas and pgvector.
CREATE EXTENSION IF NOT EXISTS vector;
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS rag;
CREATE SCHEMA IF NOT EXISTS analytics;
CREATE SCHEMA IF NOT EXISTS app;

-- Incremental cursors of every source sync, committed with the rows they cover.
CREATE TABLE raw._sync_state (
    source      text NOT NULL,
    resource    text NOT NULL,
    cursor      text,
    rows_loaded bigint NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, resource)
);

-- API keys: only a SHA-256 of the secret is stored; keys are 256-bit random, so a slow hash adds nothing.
CREATE TABLE app.api_keys (
    api_key_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL,
    role         text NOT NULL DEFAULT 'analyst' CHECK (role IN ('admin', 'analyst', 'applicant')),
    key_prefix   text NOT NULL,
    key_hash     text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
