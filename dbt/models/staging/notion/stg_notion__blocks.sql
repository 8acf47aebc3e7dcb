with source as (
    select * from {{ source('notion', 'notion_blocks') }}
),

live_pages as (
    select page_id from {{ ref('stg_notion__pages') }}
),

renamed as (
    select
        source.block_id,
        source.page_id,
        source.parent_block_id,
        source.position as block_position,
        source.ordinal as block_ordinal,
        source.depth as block_depth,
        source.type as block_type,
        source.text as block_text,
        source.has_children,
        source.last_edited_time as last_edited_at
    from source
    -- The sync drops blocks of trashed pages; the join keeps staging right even mid-sync.
    inner join live_pages on source.page_id = live_pages.page_id
)

select * from renamed
