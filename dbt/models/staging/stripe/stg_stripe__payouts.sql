with source as (
    select * from {{ source('stripe', 'stripe_payouts') }}
),

renamed as (
    select
        id as payout_id,
        balance_transaction_id,
        -- `destination` is a bank account or card id, or the object itself when expanded.
        coalesce(data -> 'destination' ->> 'id', data ->> 'destination') as destination_id,
        status as payout_status,
        data ->> 'method' as payout_method,
        data ->> 'type' as payout_type,
        currency,
        {{ stripe_amount('amount', 'currency') }} as amount,
        coalesce((data ->> 'automatic')::boolean, false) as is_automatic,
        data ->> 'failure_code' as failure_code,
        livemode as is_livemode,
        arrival_date as arrival_at,
        created as created_at,
        snapshot_at
    from source
    where deleted_at is null
)

select * from renamed
