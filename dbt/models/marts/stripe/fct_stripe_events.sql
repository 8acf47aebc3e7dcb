{#- Stripe events, one row each, with the fields of their object snapshot the marts need. Events never
    change, so the table only grows: built incrementally, one Dagster partition (day) at a time.
    Reads the raw table, not stg_stripe__events: the partitioned Dagster asset that builds these facts must
    not depend on the main dbt asset (which depends on it), or Dagster splits the main dbt run in three. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='event_id',
        on_schema_change='append_new_columns',
        tags=['stripe_incremental'],
        post_hook='analyze {{ this }}',
        indexes=[
            {'columns': ['event_id'], 'unique': True},
            {'columns': ['object_type', 'object_id', 'created_at']},
            {'columns': ['created_at']},
            {'columns': ['loaded_at']},
        ]
    )
}}

with source as (
    select * from {{ source('stripe', 'stripe_events') }}
),

events as (
    select
        id as event_id,
        object_id,
        object_type,
        type as event_type,
        api_version,
        data -> 'data' -> 'object' as object_snapshot,
        livemode as is_livemode,
        created as created_at,
        _loaded_at as loaded_at
    from source
    {{ incremental_window(created_column='created', loaded_column='_loaded_at') }}
),

unpacked as (
    select
        event_id,
        object_id,
        object_type,
        event_type,
        case
            when object_type = 'customer' then object_id
            else coalesce(object_snapshot -> 'customer' ->> 'id', object_snapshot ->> 'customer')
        end as customer_id,
        object_snapshot ->> 'status' as object_status,
        -- Subscriptions: the first item's price (one item per subscription here).
        object_snapshot -> 'items' -> 'data' -> 0 -> 'price' ->> 'id' as price_id,
        object_snapshot -> 'items' -> 'data' -> 0 -> 'price' -> 'recurring' ->> 'interval' as plan_interval,
        coalesce(
            (object_snapshot -> 'items' -> 'data' -> 0 -> 'price' -> 'recurring' ->> 'interval_count')::integer, 1
        ) as plan_interval_count,
        coalesce((object_snapshot -> 'items' -> 'data' -> 0 ->> 'quantity')::integer, 1) as quantity,
        object_snapshot ->> 'currency' as currency,
        {{ stripe_amount("object_snapshot -> 'items' -> 'data' -> 0 -> 'price' ->> 'unit_amount'", "object_snapshot ->> 'currency'") }}
            as plan_amount,
        api_version,
        is_livemode,
        created_at,
        loaded_at
    from events
)

select * from unpacked
