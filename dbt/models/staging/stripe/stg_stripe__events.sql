with source as (
    select * from {{ source('stripe', 'stripe_events') }}
),

renamed as (
    select
        id as event_id,
        object_id,
        object_type,
        type as event_type,
        api_version,
        data -> 'request' ->> 'id' as request_id,
        (data ->> 'pending_webhooks')::integer as pending_webhooks,
        data -> 'data' -> 'previous_attributes' as previous_attributes,
        livemode as is_livemode,
        created as created_at
    from source
)

select * from renamed
