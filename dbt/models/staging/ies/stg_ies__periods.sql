-- One row per document and period column, with the contract's headline totals for the period.
with source as (
    select * from {{ source('ies', 'ies_documents') }}
),

periods as (
    select
        source.document_id,
        period.value as period,
        period.ordinality::integer as period_index,
        source.totals -> (period.value ->> 'key') as totals
    from source
    cross join lateral jsonb_array_elements(source.periods) with ordinality as period (value, ordinality)
),

renamed as (
    select
        document_id || '|' || (period ->> 'key') as period_id,
        document_id,
        period ->> 'key' as period_key,
        period_index,
        period ->> 'label' as period_label,
        (period ->> 'start')::date as period_start,
        (period ->> 'end')::date as period_end,
        (period ->> 'months')::integer as period_months,
        (totals ->> 'total_income')::numeric as total_income,
        (totals ->> 'cost_of_goods_sold')::numeric as cost_of_goods_sold,
        (totals ->> 'total_operating_expenses')::numeric as total_operating_expenses,
        (totals ->> 'net_operating_income')::numeric as net_operating_income,
        (totals ->> 'debt_service')::numeric as debt_service,
        (totals ->> 'net_income')::numeric as net_income
    from periods
)

select * from renamed
