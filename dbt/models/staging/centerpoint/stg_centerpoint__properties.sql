with source as (
    select * from {{ source('centerpoint', 'centerpoint_properties') }}
),

renamed as (
    select
        id as property_id,
        company_id,
        attributes ->> 'name' as property_name,
        attributes ->> 'streetAddress' as street_address,
        attributes ->> 'locality' as locality,
        attributes ->> 'region' as region,
        attributes ->> 'postalCode' as postal_code,
        attributes ->> 'propertyType' as property_type,
        attributes ->> 'roofType' as roof_type,
        (attributes ->> 'squares')::numeric as roof_squares,
        (attributes ->> 'latitude')::double precision as latitude,
        (attributes ->> 'longitude')::double precision as longitude,
        created_at,
        updated_at
    from source
    where deleted_at is null
)

select * from renamed
