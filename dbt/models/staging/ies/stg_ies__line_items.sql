with source as (
    select * from {{ source('ies', 'ies_line_items') }}
),

renamed as (
    select
        document_id || '|' || line_number || '|' || period_key as line_item_id,
        document_id,
        line_number,
        period_key,
        label as line_label,
        canonical as canonical_key,
        section,
        is_total,
        confidence,
        amount,
        page as source_page,
        bbox as source_bbox,
        sheet as source_sheet,
        source_row,
        case
            when page is not null then 'page ' || page
            when sheet is not null then sheet || ' row ' || source_row
            when source_row is not null then 'row ' || source_row
        end as source_ref,
        _loaded_at as loaded_at
    from source
)

select * from renamed
