{#- Stripe charges, succeeded and failed. New charges arrive by day; a charge can still change later
    (refunded, disputed), which the partition window catches by load time (macros/incremental_window.sql).
    Reads the raw table (see fct_stripe_events.sql for why); the columns are stg_stripe__charges'. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='charge_id',
        on_schema_change='append_new_columns',
        tags=['stripe_incremental'],
        post_hook='analyze {{ this }}',
        indexes=[
            {'columns': ['charge_id'], 'unique': True},
            {'columns': ['customer_id', 'created_at']},
            {'columns': ['created_at']},
            {'columns': ['loaded_at']},
        ]
    )
}}

with source as (
    select * from {{ source('stripe', 'stripe_charges') }}
    where deleted_at is null
),

changed as (
    select * from source
    {{ incremental_window(created_column='created', loaded_column='_loaded_at') }}
),

final as (
    select
        id as charge_id,
        customer_id,
        payment_intent_id,
        balance_transaction_id,
        coalesce(data ->> 'invoice', data -> 'metadata' ->> 'stripe_invoice_id') as invoice_id,
        data -> 'metadata' ->> 'centerpoint_invoice_id' as centerpoint_invoice_id,
        data -> 'metadata' ->> 'centerpoint_company_id' as centerpoint_company_id,
        status as charge_status,
        currency,
        {{ stripe_amount('amount', 'currency') }} as amount,
        {{ stripe_amount("data ->> 'amount_captured'", 'currency') }} as amount_captured,
        {{ stripe_amount('amount_refunded', 'currency') }} as amount_refunded,
        coalesce(paid, false) as is_paid,
        coalesce(refunded, false) as is_refunded,
        coalesce(disputed, false) as is_disputed,
        data ->> 'failure_code' as failure_code,
        data -> 'outcome' ->> 'type' as outcome_type,
        data -> 'payment_method_details' ->> 'type' as payment_method_type,
        created as created_at,
        _loaded_at as loaded_at
    from changed
)

select * from final
