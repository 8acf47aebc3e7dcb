with source as (
    select * from {{ source('ies', 'ies_documents') }}
),

renamed as (
    select
        document_id,
        upload_id,
        sha256,
        source_file,
        status as document_status,
        entity_name,
        statement_type,
        currency,
        unit_multiplier,
        method as extraction_method,
        line_item_count,
        check_count,
        jsonb_array_length(warnings) as warning_count,
        extraction_seconds,
        extracted_at,
        _loaded_at as loaded_at
    from source
)

select * from renamed
