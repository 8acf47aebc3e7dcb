-- Every call to an LLM provider (IES label mapping and full extraction; later chat): what it cost and how
-- long it took, whether or not it gave a usable answer. Written by pipelines/llm/recording.py.
CREATE TABLE app.llm_calls (
    llm_call_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider      text NOT NULL,                 -- 'anthropic', 'openai'
    model         text NOT NULL,
    purpose       text NOT NULL,                 -- 'ies_label_mapping', 'ies_full_extraction', ...
    document_id   text,                          -- the IES document the call served, when it served one
    input_tokens  integer,                       -- NULL when the call failed before the provider counted
    output_tokens integer,
    cost_usd      numeric(14, 8),                -- NULL for a model missing from pipelines/llm/prices.py
    latency_ms    integer NOT NULL,              -- including the SDK's retries
    status        text NOT NULL CHECK (status IN ('ok', 'error')),
    error         text,                          -- a readable reason when status is 'error'
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX llm_calls_document ON app.llm_calls (document_id) WHERE document_id IS NOT NULL;
CREATE INDEX llm_calls_created ON app.llm_calls (created_at);
