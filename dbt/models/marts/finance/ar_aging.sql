{#- Accounts receivable aging by customer as of the as-of date: open balances by days past due.
    The four buckets add up to open_receivables; not_yet_due is the part of 0-30 not due yet. -#}
{{
    config(
        indexes=[
            {'columns': ['customer_id'], 'unique': True},
            {'columns': ['customer_name']},
            {'columns': ['region']},
            {'columns': ['open_receivables']},
            {'columns': ['days_over_90']},
            {'columns': ['oldest_days_past_due']},
        ]
    )
}}

with receivables as (
    select * from {{ ref('int_receivables_aged_by_customer') }}
),

companies as (
    select * from {{ ref('stg_centerpoint__companies') }}
),

final as (
    select
        receivables.company_id as customer_id,
        companies.company_name as customer_name,
        companies.region,
        receivables.open_invoices,
        receivables.open_receivables,
        receivables.not_yet_due,
        receivables.days_0_30,
        receivables.days_31_60,
        receivables.days_61_90,
        receivables.days_over_90,
        (receivables.open_receivables - receivables.not_yet_due)::numeric(14, 2) as past_due_total,
        receivables.oldest_days_past_due,
        {{ as_of_date() }} as as_of_date
    from receivables
    left join companies on receivables.company_id = companies.company_id
)

select * from final
