with source as (
    select * from {{ source('stripe', 'stripe_prices') }}
),

renamed as (
    select
        id as price_id,
        product_id,
        data ->> 'nickname' as price_nickname,
        data ->> 'lookup_key' as lookup_key,
        type as price_type,
        data ->> 'billing_scheme' as billing_scheme,
        currency,
        {{ stripe_amount('unit_amount', 'currency') }} as unit_amount,
        recurring_interval,
        (data -> 'recurring' ->> 'interval_count')::integer as recurring_interval_count,
        coalesce(active, false) as is_active,
        livemode as is_livemode,
        created as created_at,
        snapshot_at
    from source
    where deleted_at is null
)

select * from renamed
