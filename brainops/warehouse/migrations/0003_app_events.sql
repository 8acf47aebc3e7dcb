-- Webhook events as received (signature already verified), processed later by a Dagster sensor.
CREATE TABLE app.webhook_events (
    webhook_event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source           text NOT NULL,               -- 'stripe', 'notion'
    event_id         text NOT NULL,               -- the source's own id: a replay is the same row
    event_type       text NOT NULL,
    payload          jsonb NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    run_id           text,                        -- the Dagster run that processes it
    processed_at     timestamptz,                 -- set once that run succeeded
    attempts         integer NOT NULL DEFAULT 0,
    last_error       text,
    UNIQUE (source, event_id)
);
CREATE INDEX webhook_events_unprocessed ON app.webhook_events (webhook_event_id) WHERE processed_at IS NULL;

-- Failed Dagster runs, recorded by the run-failure sensor.
CREATE TABLE app.pipeline_failures (
    pipeline_failure_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id      text NOT NULL UNIQUE,
    job_name    text NOT NULL,
    asset_keys  text[] NOT NULL DEFAULT '{}',
    error       text,
    failed_at   timestamptz NOT NULL DEFAULT now(),
    alerted_at  timestamptz
);
