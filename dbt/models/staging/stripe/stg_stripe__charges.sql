with source as (
    select * from {{ source('stripe', 'stripe_charges') }}
),

renamed as (
    select
        id as charge_id,
        customer_id,
        payment_intent_id,
        balance_transaction_id,
        -- Charges no longer link invoices (API 2025-03-31); the sample keeps the link in metadata.
        coalesce(data ->> 'invoice', data -> 'metadata' ->> 'stripe_invoice_id') as invoice_id,
        data -> 'metadata' ->> 'centerpoint_invoice_id' as centerpoint_invoice_id,
        data -> 'metadata' ->> 'centerpoint_company_id' as centerpoint_company_id,
        status as charge_status,
        data ->> 'description' as description,
        currency,
        {{ stripe_amount('amount', 'currency') }} as amount,
        {{ stripe_amount("data ->> 'amount_captured'", 'currency') }} as amount_captured,
        {{ stripe_amount('amount_refunded', 'currency') }} as amount_refunded,
        coalesce(paid, false) as is_paid,
        coalesce(refunded, false) as is_refunded,
        coalesce(disputed, false) as is_disputed,
        data ->> 'failure_code' as failure_code,
        data ->> 'failure_message' as failure_message,
        data -> 'outcome' ->> 'type' as outcome_type,
        data -> 'payment_method_details' ->> 'type' as payment_method_type,
        data -> 'payment_method_details' -> 'card' ->> 'brand' as card_brand,
        data -> 'payment_method_details' -> 'card' ->> 'last4' as card_last4,
        livemode as is_livemode,
        created as created_at,
        snapshot_at
    from source
    where deleted_at is null
)

select * from renamed
