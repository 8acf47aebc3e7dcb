with source as (
    select * from {{ source('centerpoint', 'centerpoint_employees') }}
),

renamed as (
    select
        id as employee_id,
        attributes ->> 'firstName' as first_name,
        attributes ->> 'lastName' as last_name,
        lower(nullif(attributes ->> 'email', '')) as email,
        attributes ->> 'role' as employee_role,
        created_at,
        updated_at
    from source
    where deleted_at is null
)

select * from renamed
