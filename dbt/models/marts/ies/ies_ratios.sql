{{
    config(
        materialized='table',
        indexes=[
            {'columns': ['ratio_id'], 'unique': True},
            {'columns': ['document_id', 'period_index']},
        ]
    )
}}

-- Headline ratios per document and period (shared/contracts/ies_chart_of_accounts.md): NOI margin,
-- expense ratio, DSCR, vacancy rate, and growth against the previous comparable period (same length,
-- the one ending just before). The anchor period is the one risk is scored on: the T-12 column when
-- there is one, else the latest full year, else the latest period.

with spreads as (
    select * from {{ ref('ies_spreads') }}
),

periods as (
    select * from {{ ref('stg_ies__periods') }}
),

documents as (
    select * from {{ ref('stg_ies__documents') }}
),

figures as (
    select
        document_id,
        period_key,
        max(amount) filter (where canonical_key = 'total_income') as total_income,
        max(amount) filter (where canonical_key = 'cost_of_goods_sold') as cost_of_goods_sold,
        max(amount) filter (where canonical_key = 'total_operating_expenses') as total_operating_expenses,
        max(amount) filter (where canonical_key = 'net_operating_income') as net_operating_income,
        max(amount) filter (where canonical_key = 'debt_service') as debt_service,
        max(amount) filter (where canonical_key = 'gross_potential_rent') as gross_potential_rent,
        max(amount) filter (where canonical_key = 'vacancy_credit_loss') as vacancy_credit_loss
    from spreads
    group by document_id, period_key
),

joined as (
    select
        periods.period_id as ratio_id,
        periods.document_id,
        periods.period_key,
        periods.period_index,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        periods.period_months,
        documents.statement_type,
        figures.total_income,
        figures.cost_of_goods_sold,
        figures.total_operating_expenses,
        figures.net_operating_income,
        figures.debt_service,
        figures.gross_potential_rent,
        figures.vacancy_credit_loss
    from periods
    inner join documents on periods.document_id = documents.document_id
    left join figures
        on periods.document_id = figures.document_id
        and periods.period_key = figures.period_key
),

ranked as (
    select
        *,
        row_number() over (
            partition by document_id
            order by period_key like 'T12-%' desc, period_months = 12 desc nulls last,
                period_end desc nulls last, period_index desc
        ) = 1 as is_anchor,
        case when period_months is not null then lag(period_key) over comparable end as previous_period_key,
        case when period_months is not null then lag(total_income) over comparable end as previous_total_income,
        case when period_months is not null then lag(net_operating_income) over comparable end as previous_noi
    from joined
    window comparable as (partition by document_id, period_months order by period_end, period_index)
),

final as (
    select
        ratio_id,
        document_id,
        period_key,
        period_index,
        period_label,
        period_start,
        period_end,
        period_months,
        is_anchor,
        statement_type,
        total_income::numeric(18, 2) as total_income,
        cost_of_goods_sold::numeric(18, 2) as cost_of_goods_sold,
        total_operating_expenses::numeric(18, 2) as total_operating_expenses,
        net_operating_income::numeric(18, 2) as net_operating_income,
        debt_service::numeric(18, 2) as debt_service,
        gross_potential_rent::numeric(18, 2) as gross_potential_rent,
        vacancy_credit_loss::numeric(18, 2) as vacancy_credit_loss,
        round(net_operating_income / nullif(total_income, 0), 4)::numeric as noi_margin,
        round(total_operating_expenses / nullif(total_income, 0), 4)::numeric as expense_ratio,
        -- Only a stated, positive debt service gives a DSCR (risk flags a missing one with its reason).
        (case when debt_service > 0 then round(net_operating_income / debt_service, 4) end)::numeric as dscr,
        (case
            when gross_potential_rent > 0 and vacancy_credit_loss is not null
                then round(-vacancy_credit_loss / gross_potential_rent, 4)
        end)::numeric as vacancy_rate,
        previous_period_key,
        (case
            when previous_total_income > 0 then round(total_income / previous_total_income - 1, 4)
        end)::numeric as total_income_growth,
        (case when previous_noi > 0 then round(net_operating_income / previous_noi - 1, 4) end)::numeric
            as noi_growth
    from ranked
)

select * from final
