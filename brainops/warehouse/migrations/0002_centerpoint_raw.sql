-- CenterPoint Connect landing tables: source id, typed keys and cursors, the full record as jsonb.
CREATE TABLE raw.centerpoint_companies (
    id            text PRIMARY KEY,
    external_id   text,
    created_at    timestamptz,
    updated_at    timestamptz NOT NULL,
    deleted_at    timestamptz,
    attributes    jsonb NOT NULL,
    relationships jsonb,
    _loaded_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.centerpoint_profiles (
    id            text PRIMARY KEY,
    company_id    text,
    created_at    timestamptz,
    updated_at    timestamptz NOT NULL,
    deleted_at    timestamptz,
    attributes    jsonb NOT NULL,
    relationships jsonb,
    _loaded_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.centerpoint_properties (
    id            text PRIMARY KEY,
    company_id    text,
    created_at    timestamptz,
    updated_at    timestamptz NOT NULL,
    deleted_at    timestamptz,
    attributes    jsonb NOT NULL,
    relationships jsonb,
    _loaded_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.centerpoint_employees (
    id            text PRIMARY KEY,
    created_at    timestamptz,
    updated_at    timestamptz NOT NULL,
    deleted_at    timestamptz,
    attributes    jsonb NOT NULL,
    relationships jsonb,
    _loaded_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.centerpoint_opportunities (
    id                text PRIMARY KEY,
    billed_company_id text,
    property_id       text,
    estimator_id      text,
    status            text,
    created_at        timestamptz,
    updated_at        timestamptz NOT NULL,
    deleted_at        timestamptz,
    attributes        jsonb NOT NULL,
    relationships     jsonb,
    _loaded_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.centerpoint_productions (
    id                text PRIMARY KEY,
    opportunity_id    text,
    billed_company_id text,
    property_id       text,
    status            text,
    created_at        timestamptz,
    updated_at        timestamptz NOT NULL,
    deleted_at        timestamptz,
    attributes        jsonb NOT NULL,
    relationships     jsonb,
    _loaded_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.centerpoint_invoices (
    id                text PRIMARY KEY,
    production_id     text,
    billed_company_id text,
    created_at        timestamptz,
    updated_at        timestamptz NOT NULL,
    deleted_at        timestamptz,
    attributes        jsonb NOT NULL,
    relationships     jsonb,
    _loaded_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ON raw.centerpoint_profiles (company_id);
CREATE INDEX ON raw.centerpoint_properties (company_id);
CREATE INDEX ON raw.centerpoint_opportunities (billed_company_id);
CREATE INDEX ON raw.centerpoint_productions (billed_company_id);
CREATE INDEX ON raw.centerpoint_invoices (billed_company_id);
CREATE INDEX ON raw.centerpoint_invoices (production_id);
