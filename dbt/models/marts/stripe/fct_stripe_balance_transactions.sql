{#- Stripe balance transactions (money in and out of the Stripe balance): append-only, built by day.
    Reads the raw table (see fct_stripe_events.sql for why); the columns are stg_stripe__balance_transactions'. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='balance_transaction_id',
        on_schema_change='append_new_columns',
        tags=['stripe_incremental'],
        post_hook='analyze {{ this }}',
        indexes=[
            {'columns': ['balance_transaction_id'], 'unique': True},
            {'columns': ['created_at']},
            {'columns': ['loaded_at']},
        ]
    )
}}

with source as (
    select * from {{ source('stripe', 'stripe_balance_transactions') }}
    {{ incremental_window(created_column='created', loaded_column='_loaded_at') }}
),

final as (
    select
        id as balance_transaction_id,
        source_id,
        type as balance_transaction_type,
        reporting_category,
        status as balance_transaction_status,
        currency,
        {{ stripe_amount('amount', 'currency') }} as amount,
        {{ stripe_amount('fee', 'currency') }} as fee,
        {{ stripe_amount('net', 'currency') }} as net,
        available_on as available_at,
        created as created_at,
        _loaded_at as loaded_at
    from source
)

select * from final
