with source as (
    select * from {{ source('stripe', 'stripe_invoices') }}
),

renamed as (
    select
        id as invoice_id,
        customer_id,
        subscription_id,
        number as invoice_number,
        status as invoice_status,
        data ->> 'billing_reason' as billing_reason,
        data ->> 'collection_method' as collection_method,
        currency,
        {{ stripe_amount("data ->> 'subtotal'", 'currency') }} as subtotal,
        {{ stripe_amount('total', 'currency') }} as total,
        {{ stripe_amount('amount_due', 'currency') }} as amount_due,
        {{ stripe_amount('amount_paid', 'currency') }} as amount_paid,
        {{ stripe_amount('amount_remaining', 'currency') }} as amount_remaining,
        (data ->> 'attempt_count')::integer as attempt_count,
        livemode as is_livemode,
        {{ stripe_timestamp("data ->> 'period_start'") }} as period_start_at,
        {{ stripe_timestamp("data ->> 'period_end'") }} as period_end_at,
        {{ stripe_timestamp("data ->> 'due_date'") }} as due_at,
        {{ stripe_timestamp("data -> 'status_transitions' ->> 'finalized_at'") }} as finalized_at,
        {{ stripe_timestamp("data -> 'status_transitions' ->> 'paid_at'") }} as paid_at,
        {{ stripe_timestamp("data -> 'status_transitions' ->> 'voided_at'") }} as voided_at,
        created as created_at,
        snapshot_at
    from source
    where deleted_at is null
)

select * from renamed
