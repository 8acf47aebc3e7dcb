{#- Completed jobs' price, cost and gross margin by month of completion (UTC), job type and estimator. -#}
{{
    config(
        indexes=[
            {'columns': ['job_profitability_id'], 'unique': True},
            {'columns': ['month']},
            {'columns': ['job_type']},
            {'columns': ['estimator_id']},
            {'columns': ['gross_margin']},
            {'columns': ['margin_pct']},
        ]
    )
}}

with productions as (
    select * from {{ ref('stg_centerpoint__productions') }}
    where completed_at is not null
),

employees as (
    select * from {{ ref('stg_centerpoint__employees') }}
),

grouped as (
    select
        date_trunc('month', completed_at at time zone 'UTC')::date as month,
        coalesce(job_type, 'unknown') as job_type,
        estimator_id,
        count(*) as jobs,
        sum(price) as revenue,
        sum(cost) as cost,
        sum(material_total) as material_cost,
        sum(labor_travel_total) as labor_cost,
        sum(total_invoiced) as invoiced
    from productions
    group by 1, 2, 3
),

final as (
    select
        md5(to_char(grouped.month, 'YYYY-MM') || '|' || grouped.job_type || '|' || coalesce(grouped.estimator_id, ''))
            as job_profitability_id,
        grouped.month,
        grouped.job_type,
        grouped.estimator_id,
        nullif(concat_ws(' ', employees.first_name, employees.last_name), '') as estimator_name,
        grouped.jobs::integer as jobs,
        grouped.revenue::numeric(14, 2) as revenue,
        grouped.cost::numeric(14, 2) as cost,
        grouped.material_cost::numeric(14, 2) as material_cost,
        grouped.labor_cost::numeric(14, 2) as labor_cost,
        (grouped.revenue - grouped.cost)::numeric(14, 2) as gross_margin,
        round((grouped.revenue - grouped.cost) / nullif(grouped.revenue, 0), 4)::numeric(8, 4) as margin_pct,
        round(grouped.revenue / grouped.jobs, 2)::numeric(14, 2) as avg_job_price,
        grouped.invoiced::numeric(14, 2) as invoiced
    from grouped
    left join employees on grouped.estimator_id = employees.employee_id
)

select * from final
