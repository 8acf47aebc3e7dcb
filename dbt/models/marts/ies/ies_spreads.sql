{{
    config(
        materialized='table',
        indexes=[
            {'columns': ['spread_id'], 'unique': True},
            {'columns': ['document_id', 'key_order', 'period_index']},
            {'columns': ['canonical_key', 'period_key']},
        ]
    )
}}

-- The spread: one amount per document, chart-of-accounts key and period. Where the statement prints a
-- total row for a key, the last one printed is the amount; otherwise the rows mapped to the key are
-- summed; a headline figure it prints nowhere but the extractor derived (NOI = income - expenses) is
-- added as 'derived'. Every amount says where it came from.

with line_items as (
    select * from {{ ref('stg_ies__line_items') }}
    where canonical_key is not null
),

periods as (
    select * from {{ ref('stg_ies__periods') }}
),

printed_totals as (
    select distinct on (document_id, canonical_key, period_key)
        document_id,
        canonical_key,
        period_key,
        amount,
        'printed_total' as amount_basis,
        line_label || coalesce(' (' || source_ref || ')', '') as source,
        1 as line_count,
        confidence as min_confidence
    from line_items
    where is_total
    order by document_id, canonical_key, period_key, line_number desc
),

summed_rows as (
    select
        document_id,
        canonical_key,
        period_key,
        sum(amount) as amount,
        'sum_of_rows' as amount_basis,
        string_agg(line_label || coalesce(' (' || source_ref || ')', ''), ' + ' order by line_number) as source,
        count(*)::integer as line_count,
        min(confidence) as min_confidence
    from line_items
    where not is_total
    group by document_id, canonical_key, period_key
),

read_amounts as (
    select * from printed_totals
    union all
    select summed_rows.*
    from summed_rows
    left join printed_totals
        on summed_rows.document_id = printed_totals.document_id
        and summed_rows.canonical_key = printed_totals.canonical_key
        and summed_rows.period_key = printed_totals.period_key
    where printed_totals.document_id is null
),

headline_totals as (
    select
        periods.document_id,
        headline.canonical_key,
        periods.period_key,
        headline.amount
    from periods
    cross join lateral (
        values
            ('total_income', periods.total_income),
            ('cost_of_goods_sold', periods.cost_of_goods_sold),
            ('total_operating_expenses', periods.total_operating_expenses),
            ('net_operating_income', periods.net_operating_income),
            ('debt_service', periods.debt_service),
            ('net_income', periods.net_income)
    ) as headline (canonical_key, amount)
    where headline.amount is not null
),

derived_amounts as (
    select
        headline_totals.document_id,
        headline_totals.canonical_key,
        headline_totals.period_key,
        headline_totals.amount,
        'derived' as amount_basis,
        'derived by the extractor from the rows above (not printed)' as source,
        0 as line_count,
        null::double precision as min_confidence
    from headline_totals
    left join read_amounts
        on headline_totals.document_id = read_amounts.document_id
        and headline_totals.canonical_key = read_amounts.canonical_key
        and headline_totals.period_key = read_amounts.period_key
    where read_amounts.document_id is null
),

amounts as (
    select * from read_amounts
    union all
    select * from derived_amounts
),

final as (
    select
        amounts.document_id || '|' || amounts.canonical_key || '|' || amounts.period_key as spread_id,
        amounts.document_id,
        amounts.canonical_key,
        ({{ ies_key_order('amounts.canonical_key') }})::integer as key_order,
        ({{ ies_key_section('amounts.canonical_key') }})::text as section,
        amounts.period_key,
        periods.period_index,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        periods.period_months,
        round(amounts.amount, 2)::numeric(18, 2) as amount,
        amounts.amount_basis::text as amount_basis,
        amounts.source::text as source,
        amounts.line_count::integer as line_count,
        round(amounts.min_confidence::numeric, 3)::numeric(4, 3) as min_confidence
    from amounts
    inner join periods
        on amounts.document_id = periods.document_id
        and amounts.period_key = periods.period_key
)

select * from final
