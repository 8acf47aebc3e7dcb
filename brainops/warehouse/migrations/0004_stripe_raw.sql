-- Stripe landing tables (pipelines/stripe/catalog.py): source id, typed keys, the full object as jsonb.
-- Mutable objects carry snapshot_at, when the stored version was current (the event's time, or the
-- newest event's time at a full listing): an event's snapshot replaces a row only when it is newer.
-- deleted_at is set by the `*.deleted` event of objects Stripe really deletes (customers, products, ...).

CREATE TABLE raw.stripe_customers (
    id          text PRIMARY KEY,
    email       text,
    name        text,
    currency    text,
    balance     bigint,
    delinquent  boolean,
    created     timestamptz,
    livemode    boolean NOT NULL DEFAULT false,
    snapshot_at timestamptz NOT NULL,
    deleted_at  timestamptz,
    data        jsonb NOT NULL,
    _loaded_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.stripe_products (
    id               text PRIMARY KEY,
    name             text,
    active           boolean,
    default_price_id text,
    created          timestamptz,
    livemode         boolean NOT NULL DEFAULT false,
    snapshot_at      timestamptz NOT NULL,
    deleted_at       timestamptz,
    data             jsonb NOT NULL,
    _loaded_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.stripe_prices (
    id                 text PRIMARY KEY,
    product_id         text,
    active             boolean,
    type               text,
    currency           text,
    unit_amount        bigint,
    recurring_interval text,
    created            timestamptz,
    livemode           boolean NOT NULL DEFAULT false,
    snapshot_at        timestamptz NOT NULL,
    deleted_at         timestamptz,
    data               jsonb NOT NULL,
    _loaded_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.stripe_subscriptions (
    id                text PRIMARY KEY,
    customer_id       text,
    status            text,
    currency          text,
    latest_invoice_id text,
    start_date        timestamptz,
    canceled_at       timestamptz,
    ended_at          timestamptz,
    created           timestamptz,
    livemode          boolean NOT NULL DEFAULT false,
    snapshot_at       timestamptz NOT NULL,
    deleted_at        timestamptz,
    data              jsonb NOT NULL,
    _loaded_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.stripe_invoices (
    id               text PRIMARY KEY,
    customer_id      text,
    subscription_id  text,
    number           text,
    status           text,
    currency         text,
    amount_due       bigint,
    amount_paid      bigint,
    amount_remaining bigint,
    total            bigint,
    created          timestamptz,
    livemode         boolean NOT NULL DEFAULT false,
    snapshot_at      timestamptz NOT NULL,
    deleted_at       timestamptz,
    data             jsonb NOT NULL,
    _loaded_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.stripe_charges (
    id                     text PRIMARY KEY,
    customer_id            text,
    payment_intent_id      text,
    balance_transaction_id text,
    status                 text,
    currency               text,
    amount                 bigint,
    amount_refunded        bigint,
    paid                   boolean,
    refunded               boolean,
    disputed               boolean,
    created                timestamptz,
    livemode               boolean NOT NULL DEFAULT false,
    snapshot_at            timestamptz NOT NULL,
    deleted_at             timestamptz,
    data                   jsonb NOT NULL,
    _loaded_at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.stripe_payment_intents (
    id               text PRIMARY KEY,
    customer_id      text,
    latest_charge_id text,
    status           text,
    currency         text,
    amount           bigint,
    amount_received  bigint,
    created          timestamptz,
    livemode         boolean NOT NULL DEFAULT false,
    snapshot_at      timestamptz NOT NULL,
    deleted_at       timestamptz,
    data             jsonb NOT NULL,
    _loaded_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.stripe_refunds (
    id                     text PRIMARY KEY,
    charge_id              text,
    payment_intent_id      text,
    balance_transaction_id text,
    status                 text,
    reason                 text,
    currency               text,
    amount                 bigint,
    created                timestamptz,
    livemode               boolean NOT NULL DEFAULT false,
    snapshot_at            timestamptz NOT NULL,
    deleted_at             timestamptz,
    data                   jsonb NOT NULL,
    _loaded_at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.stripe_disputes (
    id                text PRIMARY KEY,
    charge_id         text,
    payment_intent_id text,
    status            text,
    reason            text,
    currency          text,
    amount            bigint,
    created           timestamptz,
    livemode          boolean NOT NULL DEFAULT false,
    snapshot_at       timestamptz NOT NULL,
    deleted_at        timestamptz,
    data              jsonb NOT NULL,
    _loaded_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.stripe_payouts (
    id                     text PRIMARY KEY,
    balance_transaction_id text,
    status                 text,
    currency               text,
    amount                 bigint,
    arrival_date           timestamptz,
    created                timestamptz,
    livemode               boolean NOT NULL DEFAULT false,
    snapshot_at            timestamptz NOT NULL,
    deleted_at             timestamptz,
    data                   jsonb NOT NULL,
    _loaded_at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.stripe_balance_transactions (
    id                 text PRIMARY KEY,
    source_id          text,
    type               text,
    reporting_category text,
    status             text,
    currency           text,
    amount             bigint,
    fee                bigint,
    net                bigint,
    available_on       timestamptz,
    created            timestamptz,
    livemode           boolean NOT NULL DEFAULT false,
    data               jsonb NOT NULL,
    _loaded_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.stripe_events (
    id          text PRIMARY KEY,
    type        text NOT NULL,
    object_type text,
    object_id   text,
    api_version text,
    created     timestamptz,
    livemode    boolean NOT NULL DEFAULT false,
    data        jsonb NOT NULL,
    _loaded_at  timestamptz NOT NULL DEFAULT now()
);

-- Foreign keys the staging models join on, and `created` where reports slice by time.
CREATE INDEX ON raw.stripe_customers (lower(email));
CREATE INDEX ON raw.stripe_prices (product_id);
CREATE INDEX ON raw.stripe_subscriptions (customer_id);
CREATE INDEX ON raw.stripe_invoices (customer_id);
CREATE INDEX ON raw.stripe_invoices (subscription_id);
CREATE INDEX ON raw.stripe_invoices (created);
CREATE INDEX ON raw.stripe_charges (customer_id);
CREATE INDEX ON raw.stripe_charges (payment_intent_id);
CREATE INDEX ON raw.stripe_charges (created);
CREATE INDEX ON raw.stripe_payment_intents (customer_id);
CREATE INDEX ON raw.stripe_refunds (charge_id);
CREATE INDEX ON raw.stripe_disputes (charge_id);
CREATE INDEX ON raw.stripe_payouts (created);
CREATE INDEX ON raw.stripe_balance_transactions (source_id);
CREATE INDEX ON raw.stripe_balance_transactions (created);
CREATE INDEX ON raw.stripe_events (created);
CREATE INDEX ON raw.stripe_events (object_id);
CREATE INDEX ON raw.stripe_events (type, created);
