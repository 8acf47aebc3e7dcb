with source as (
    select * from {{ source('ies', 'ies_checks') }}
),

renamed as (
    select
        document_id || '|' || check_number as check_id,
        document_id,
        check_number,
        check_name,
        period_key,
        passed,
        expected,
        actual
    from source
)

select * from renamed
