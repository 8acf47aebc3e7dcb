with source as (
    select * from {{ source('stripe', 'stripe_refunds') }}
),

renamed as (
    select
        id as refund_id,
        charge_id,
        payment_intent_id,
        balance_transaction_id,
        status as refund_status,
        reason as refund_reason,
        currency,
        {{ stripe_amount('amount', 'currency') }} as amount,
        created as created_at,
        snapshot_at
    from source
    where deleted_at is null
)

select * from renamed
