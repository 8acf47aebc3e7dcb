with source as (
    select * from {{ source('stripe', 'stripe_disputes') }}
),

renamed as (
    select
        id as dispute_id,
        charge_id,
        payment_intent_id,
        status as dispute_status,
        reason as dispute_reason,
        currency,
        {{ stripe_amount('amount', 'currency') }} as amount,
        coalesce((data ->> 'is_charge_refundable')::boolean, false) as is_charge_refundable,
        livemode as is_livemode,
        {{ stripe_timestamp("data -> 'evidence_details' ->> 'due_by'") }} as evidence_due_at,
        created as created_at,
        snapshot_at
    from source
    where deleted_at is null
)

select * from renamed
