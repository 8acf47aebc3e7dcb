{#- Estimates to sold jobs by estimator and lead source: how many were quoted, sold, lost or are still
    open; win rate (sold of decided), conversion (sold of all) and days from lead to sale. -#}
{{
    config(
        indexes=[
            {'columns': ['sales_pipeline_id'], 'unique': True},
            {'columns': ['estimator_id']},
            {'columns': ['lead_source']},
            {'columns': ['conversion_rate']},
            {'columns': ['sold_value']},
        ]
    )
}}

with opportunities as (
    select * from {{ ref('stg_centerpoint__opportunities') }}
),

employees as (
    select * from {{ ref('stg_centerpoint__employees') }}
),

classified as (
    select
        *,
        lead_sold_at is not null as is_sold,
        lead_sold_at is null and lead_dead_at is not null as is_lost,
        extract(epoch from lead_sold_at - lead_opened_at) / 86400.0 as days_to_close,
        extract(epoch from lead_quoted_at - lead_opened_at) / 86400.0 as days_to_quote
    from opportunities
),

grouped as (
    select
        estimator_id,
        coalesce(lead_source, 'unknown') as lead_source,
        count(*) as estimates,
        count(*) filter (where lead_quoted_at is not null) as quoted,
        count(*) filter (where is_sold) as sold,
        count(*) filter (where is_lost) as lost,
        count(*) filter (where not is_sold and not is_lost) as still_open,
        coalesce(sum(price) filter (where lead_quoted_at is not null), 0) as quoted_value,
        coalesce(sum(price) filter (where is_sold), 0) as sold_value,
        avg(days_to_quote) as avg_days_to_quote,
        avg(days_to_close) filter (where is_sold) as avg_days_to_close,
        percentile_cont(0.5) within group (order by days_to_close) filter (where is_sold) as median_days_to_close
    from classified
    group by 1, 2
),

final as (
    select
        md5(coalesce(grouped.estimator_id, '') || '|' || grouped.lead_source) as sales_pipeline_id,
        grouped.estimator_id,
        nullif(concat_ws(' ', employees.first_name, employees.last_name), '') as estimator_name,
        grouped.lead_source,
        grouped.estimates::integer as estimates,
        grouped.quoted::integer as quoted,
        grouped.sold::integer as sold,
        grouped.lost::integer as lost,
        grouped.still_open::integer as still_open,
        round(grouped.sold::numeric / nullif(grouped.sold + grouped.lost, 0), 4)::numeric(8, 4) as win_rate,
        round(grouped.sold::numeric / nullif(grouped.estimates, 0), 4)::numeric(8, 4) as conversion_rate,
        grouped.quoted_value::numeric(14, 2) as quoted_value,
        grouped.sold_value::numeric(14, 2) as sold_value,
        round(grouped.avg_days_to_quote::numeric, 1)::numeric(8, 1) as avg_days_to_quote,
        round(grouped.avg_days_to_close::numeric, 1)::numeric(8, 1) as avg_days_to_close,
        round(grouped.median_days_to_close::numeric, 1)::numeric(8, 1) as median_days_to_close
    from grouped
    left join employees on grouped.estimator_id = employees.employee_id
)

select * from final
