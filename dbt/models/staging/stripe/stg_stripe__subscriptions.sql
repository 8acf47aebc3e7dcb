with source as (
    select * from {{ source('stripe', 'stripe_subscriptions') }}
),

renamed as (
    select
        id as subscription_id,
        customer_id,
        latest_invoice_id,
        -- One item per subscription here; current periods moved onto items in API 2025-03-31.
        data -> 'items' -> 'data' -> 0 -> 'price' ->> 'id' as price_id,
        data -> 'items' -> 'data' -> 0 -> 'price' ->> 'product' as product_id,
        data -> 'metadata' ->> 'centerpoint_company_id' as centerpoint_company_id,
        status as subscription_status,
        data ->> 'collection_method' as collection_method,
        currency,
        (data -> 'items' -> 'data' -> 0 ->> 'quantity')::integer as quantity,
        {{ stripe_amount("data -> 'items' -> 'data' -> 0 -> 'price' ->> 'unit_amount'", 'currency') }}
            as plan_amount,
        data -> 'items' -> 'data' -> 0 -> 'price' -> 'recurring' ->> 'interval' as plan_interval,
        coalesce((data ->> 'cancel_at_period_end')::boolean, false) as is_cancel_at_period_end,
        data -> 'cancellation_details' ->> 'reason' as cancellation_reason,
        livemode as is_livemode,
        start_date as started_at,
        {{ stripe_timestamp("coalesce(data -> 'items' -> 'data' -> 0 ->> 'current_period_start', data ->> 'current_period_start')") }}
            as current_period_start_at,
        {{ stripe_timestamp("coalesce(data -> 'items' -> 'data' -> 0 ->> 'current_period_end', data ->> 'current_period_end')") }}
            as current_period_end_at,
        {{ stripe_timestamp("data ->> 'trial_end'") }} as trial_ended_at,
        {{ stripe_timestamp("data ->> 'cancel_at'") }} as cancel_at,
        canceled_at,
        ended_at,
        created as created_at,
        snapshot_at
    from source
    where deleted_at is null
)

select * from renamed
