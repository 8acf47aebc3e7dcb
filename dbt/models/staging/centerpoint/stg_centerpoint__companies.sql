with source as (
    select * from {{ source('centerpoint', 'centerpoint_companies') }}
),

renamed as (
    select
        id as company_id,
        nullif(external_id, '') as stripe_customer_id,
        attributes ->> 'name' as company_name,
        attributes ->> 'type' as company_type,
        attributes ->> 'salesStatus' as sales_status,
        lower(nullif(attributes ->> 'email', '')) as email,
        attributes ->> 'phone' as phone,
        attributes ->> 'streetAddress' as street_address,
        attributes ->> 'locality' as locality,
        attributes ->> 'region' as region,
        attributes ->> 'postalCode' as postal_code,
        (attributes ->> 'closeRate')::numeric as close_rate,
        created_at,
        updated_at
    from source
    where deleted_at is null
)

select * from renamed
