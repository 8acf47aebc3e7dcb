with source as (
    select * from {{ source('stripe', 'stripe_customers') }}
),

renamed as (
    select
        id as customer_id,
        data -> 'metadata' ->> 'centerpoint_company_id' as centerpoint_company_id,
        data -> 'invoice_settings' ->> 'default_payment_method' as default_payment_method_id,
        name as customer_name,
        lower(nullif(email, '')) as email,
        data ->> 'phone' as phone,
        data -> 'address' ->> 'line1' as address_line1,
        data -> 'address' ->> 'city' as city,
        data -> 'address' ->> 'state' as state,
        data -> 'address' ->> 'postal_code' as postal_code,
        data -> 'address' ->> 'country' as country,
        currency,
        {{ stripe_amount('balance', 'currency') }} as balance,
        coalesce(delinquent, false) as is_delinquent,
        livemode as is_livemode,
        created as created_at,
        snapshot_at
    from source
    where deleted_at is null
)

select * from renamed
