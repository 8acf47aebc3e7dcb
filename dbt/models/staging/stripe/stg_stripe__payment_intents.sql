with source as (
    select * from {{ source('stripe', 'stripe_payment_intents') }}
),

renamed as (
    select
        id as payment_intent_id,
        customer_id,
        latest_charge_id,
        status as payment_intent_status,
        data ->> 'description' as description,
        data ->> 'capture_method' as capture_method,
        currency,
        {{ stripe_amount('amount', 'currency') }} as amount,
        {{ stripe_amount('amount_received', 'currency') }} as amount_received,
        data -> 'last_payment_error' ->> 'decline_code' as last_decline_code,
        data ->> 'cancellation_reason' as cancellation_reason,
        livemode as is_livemode,
        {{ stripe_timestamp("data ->> 'canceled_at'") }} as canceled_at,
        created as created_at,
        snapshot_at
    from source
    where deleted_at is null
)

select * from renamed
