with source as (
    select * from {{ source('notion', 'notion_pages') }}
),

renamed as (
    select
        page_id,
        parent_type,
        parent_page_id,
        parent_data_source_id as data_source_id,
        parent_database_id as database_id,
        title as page_title,
        url as page_url,
        content_text,
        block_count,
        page -> 'properties' as properties,
        created_time as created_at,
        last_edited_time as last_edited_at
    from source
    -- Pages in Notion's trash, and pages Notion no longer returns, are not part of the knowledge base.
    where not archived and not in_trash and deleted_at is null
)

select * from renamed
