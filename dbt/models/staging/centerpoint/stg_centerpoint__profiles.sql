with source as (
    select * from {{ source('centerpoint', 'centerpoint_profiles') }}
),

renamed as (
    select
        id as profile_id,
        company_id,
        attributes ->> 'firstName' as first_name,
        attributes ->> 'lastName' as last_name,
        lower(nullif(attributes ->> 'email', '')) as email,
        attributes ->> 'phone' as phone,
        attributes ->> 'title' as title,
        coalesce((attributes ->> 'isPrimary')::boolean, false) as is_primary,
        created_at,
        updated_at
    from source
    where deleted_at is null
)

select * from renamed
