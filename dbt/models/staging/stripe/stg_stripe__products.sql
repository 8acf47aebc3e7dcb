with source as (
    select * from {{ source('stripe', 'stripe_products') }}
),

renamed as (
    select
        id as product_id,
        default_price_id,
        name as product_name,
        data ->> 'description' as description,
        data ->> 'type' as product_type,
        data ->> 'unit_label' as unit_label,
        coalesce(active, false) as is_active,
        livemode as is_livemode,
        created as created_at,
        {{ stripe_timestamp("data ->> 'updated'") }} as updated_at,
        snapshot_at
    from source
    where deleted_at is null
)

select * from renamed
