{{
    config(
        materialized='table',
        indexes=[
            {'columns': ['document_id'], 'unique': True},
            {'columns': ['grade', 'score']},
        ]
    )
}}

-- Risk of each extracted IES, scored on its anchor period (ies_ratios.is_anchor). Every rule that
-- fires is a flag with its reason (the figures that tripped it), a severity, the points it costs and a
-- recommendation; score = 100 minus the points (floor 0), graded A-E. The rules and thresholds are
-- documented in ies_risk_scores.yml and unit-tested there.

with documents as (
    select * from {{ ref('stg_ies__documents') }}
),

anchor as (
    select * from {{ ref('ies_ratios') }}
    where is_anchor
),

failed_checks as (
    select
        document_id,
        count(*)::integer as failed_checks,
        string_agg(check_name || ' (' || period_key || ')', ', ' order by check_number) as failed_check_names
    from {{ ref('stg_ies__checks') }}
    where not passed
    group by document_id
),

scored as (
    select
        documents.document_id,
        documents.entity_name,
        documents.statement_type,
        documents.document_status,
        documents.extracted_at,
        anchor.period_key as anchor_period_key,
        anchor.total_income,
        anchor.total_operating_expenses,
        anchor.net_operating_income,
        anchor.debt_service,
        anchor.noi_margin,
        anchor.expense_ratio,
        anchor.dscr,
        anchor.vacancy_rate,
        anchor.previous_period_key,
        anchor.total_income_growth,
        anchor.noi_growth,
        coalesce(failed_checks.failed_checks, 0) as failed_checks,
        failed_checks.failed_check_names,
        documents.statement_type = 'property_operating' as is_property,
        -- Thresholds differ by statement: a property's NOI margin is its operating margin after
        -- property expenses; a business's is after cost of goods sold and overhead.
        case when documents.statement_type = 'property_operating' then 0.35 else 0.05 end as min_noi_margin,
        case when documents.statement_type = 'property_operating' then 0.60 else 0.35 end as max_expense_ratio
    from documents
    left join anchor on documents.document_id = anchor.document_id
    left join failed_checks on documents.document_id = failed_checks.document_id
),

rules as (
    select
        document_id,
        1 as rule_order,
        'no_figures' as flag,
        'high' as severity,
        100 as points,
        'No figures could be read from the statement (no period with amounts), so nothing can be scored.'
            as reason,
        'Review the document by hand, or ask for a text PDF, XLSX or CSV export of it and upload that.'
            as recommendation
    from scored
    where anchor_period_key is null

    union all

    select
        document_id,
        2,
        'negative_noi',
        'high',
        30,
        format('Net operating income for %s is %s: the operation loses money before any debt service.',
            anchor_period_key, {{ ies_money('net_operating_income') }}),
        'Ask why operations lose money and for a plan (and budget) that restores positive NOI.'
    from scored
    where net_operating_income < 0

    union all

    select
        document_id,
        3,
        'dscr_below_1_00',
        'high',
        35,
        format('DSCR for %s is %s (NOI %s / debt service %s): below 1.00x the operation does not cover '
            || 'its debt payments.', anchor_period_key, {{ ies_times('dscr') }},
            {{ ies_money('net_operating_income') }}, {{ ies_money('debt_service') }}),
        'Size the loan down or require more equity or reserves until DSCR reaches at least 1.25x.'
    from scored
    where dscr < 1.00

    union all

    select
        document_id,
        4,
        'dscr_below_1_25',
        'medium',
        20,
        format('DSCR for %s is %s (NOI %s / debt service %s): it covers the debt payments but is below '
            || 'the 1.25x lenders commonly require.', anchor_period_key, {{ ies_times('dscr') }},
            {{ ies_money('net_operating_income') }}, {{ ies_money('debt_service') }}),
        'Consider a smaller loan, a longer amortization or a debt service reserve to reach 1.25x.'
    from scored
    where dscr >= 1.00 and dscr < 1.25

    union all

    select
        document_id,
        5,
        'dscr_unavailable',
        'low',
        5,
        case
            when debt_service is null then format(
                'The statement has no debt service line for %s, so DSCR cannot be computed.', anchor_period_key)
            else format('Debt service for %s is %s, not a positive payment, so DSCR cannot be computed.',
                anchor_period_key, {{ ies_money('debt_service') }})
        end,
        'Ask the applicant for the annual debt service (principal and interest) of all loans.'
    from scored
    where anchor_period_key is not null and dscr is null

    union all

    select
        document_id,
        6,
        'low_noi_margin',
        'medium',
        10,
        format('NOI margin for %s is %s, below the %s expected of a %s.', anchor_period_key,
            {{ ies_percent('noi_margin') }}, {{ ies_percent('min_noi_margin') }},
            case when is_property then 'property' else 'business' end),
        'Compare expenses with similar operations and ask which costs are one-off.'
    from scored
    where net_operating_income >= 0 and noi_margin < min_noi_margin

    union all

    select
        document_id,
        7,
        'high_expense_ratio',
        'medium',
        10,
        format('Operating expenses for %s are %s of total income, above the %s threshold for a %s.',
            anchor_period_key, {{ ies_percent('expense_ratio') }}, {{ ies_percent('max_expense_ratio') }},
            case when is_property then 'property' else 'business' end),
        'Review the largest expense lines against the prior year and market norms.'
    from scored
    where expense_ratio > max_expense_ratio

    union all

    select
        document_id,
        8,
        'high_vacancy',
        'medium',
        10,
        format('Vacancy and credit loss for %s are %s of gross potential rent, above 10%%.',
            anchor_period_key, {{ ies_percent('vacancy_rate') }}),
        'Ask for a current rent roll and the leasing plan for the vacant space.'
    from scored
    where vacancy_rate > 0.10

    union all

    select
        document_id,
        9,
        'declining_income',
        'medium',
        10,
        format('Total income fell %s from %s to %s.', {{ ies_percent('-total_income_growth') }},
            previous_period_key, anchor_period_key),
        'Ask what drove the decline in income and for the year-to-date figures.'
    from scored
    where total_income_growth < 0

    union all

    select
        document_id,
        10,
        'declining_noi',
        'medium',
        10,
        format('Net operating income fell %s from %s to %s.', {{ ies_percent('-noi_growth') }},
            previous_period_key, anchor_period_key),
        'Ask what drove the decline in NOI and whether it will recur.'
    from scored
    where noi_growth < 0

    union all

    select
        document_id,
        11,
        'tie_out_failed',
        'medium',
        20,
        format('%s tie-out check(s) failed: %s. The printed totals do not match their rows, so figures may '
            || 'be misread or misstated.', failed_checks, failed_check_names),
        'Reconcile the statement with the applicant (or the tax return) before relying on its totals.'
    from scored
    where failed_checks > 0
),

flag_summary as (
    select
        document_id,
        sum(points)::integer as points,
        count(*)::integer as flag_count,
        string_agg(flag, ',' order by rule_order) as flag_names,
        jsonb_agg(
            jsonb_build_object(
                'flag', flag, 'severity', severity, 'points', points, 'reason', reason,
                'recommendation', recommendation
            ) order by rule_order
        ) as flags,
        jsonb_agg(recommendation order by rule_order) as recommendations
    from rules
    group by document_id
),

final as (
    select
        scored.document_id,
        scored.entity_name,
        scored.statement_type,
        scored.document_status,
        scored.anchor_period_key,
        greatest(0, 100 - coalesce(flag_summary.points, 0))::integer as score,
        (case
            when 100 - coalesce(flag_summary.points, 0) >= 85 then 'A'
            when 100 - coalesce(flag_summary.points, 0) >= 70 then 'B'
            when 100 - coalesce(flag_summary.points, 0) >= 55 then 'C'
            when 100 - coalesce(flag_summary.points, 0) >= 40 then 'D'
            else 'E'
        end)::text as grade,
        coalesce(flag_summary.flag_count, 0)::integer as flag_count,
        coalesce(flag_summary.flag_names, '')::text as flag_names,
        coalesce(flag_summary.flags, '[]'::jsonb) as flags,
        coalesce(flag_summary.recommendations, '[]'::jsonb) as recommendations,
        scored.total_income,
        scored.net_operating_income,
        scored.debt_service,
        scored.noi_margin,
        scored.expense_ratio,
        scored.dscr,
        scored.vacancy_rate,
        scored.total_income_growth,
        scored.noi_growth,
        scored.failed_checks::integer as failed_checks,
        scored.extracted_at
    from scored
    left join flag_summary on scored.document_id = flag_summary.document_id
)

select * from final
