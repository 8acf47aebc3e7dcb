with source as (
    select * from {{ source('notion', 'notion_data_sources') }}
),

renamed as (
    select
        data_source_id,
        database_id,
        parent_page_id,
        title as data_source_title,
        url as data_source_url,
        created_time as created_at,
        last_edited_time as last_edited_at
    from source
    where not archived and not in_trash and deleted_at is null
)

select * from renamed
