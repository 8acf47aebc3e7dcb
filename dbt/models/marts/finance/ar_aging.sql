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

with aged as (
    select * from {{ ref('int_centerpoint__invoices_aged') }}
),

companies as (
    select * from {{ ref('stg_centerpoint__companies') }}
),

by_customer as (
    select
        company_id,
        count(*) as open_invoices,
        sum(balance) as open_receivables,
        coalesce(sum(balance) filter (where not is_past_due), 0) as not_yet_due,
        coalesce(sum(balance) filter (where aging_bucket = '0-30'), 0) as days_0_30,
        coalesce(sum(balance) filter (where aging_bucket = '31-60'), 0) as days_31_60,
        coalesce(sum(balance) filter (where aging_bucket = '61-90'), 0) as days_61_90,
        coalesce(sum(balance) filter (where aging_bucket = '90+'), 0) as days_over_90,
        max(days_past_due) as oldest_days_past_due
    from aged
    group by company_id
),

final as (
    select
        by_customer.company_id as customer_id,
        companies.company_name as customer_name,
        companies.region,
        by_customer.open_invoices::integer as open_invoices,
        by_customer.open_receivables::numeric(14, 2) as open_receivables,
        by_customer.not_yet_due::numeric(14, 2) as not_yet_due,
        by_customer.days_0_30::numeric(14, 2) as days_0_30,
        by_customer.days_31_60::numeric(14, 2) as days_31_60,
        by_customer.days_61_90::numeric(14, 2) as days_61_90,
        by_customer.days_over_90::numeric(14, 2) as days_over_90,
        (by_customer.open_receivables - by_customer.not_yet_due)::numeric(14, 2) as past_due_total,
        greatest(by_customer.oldest_days_past_due, 0)::integer as oldest_days_past_due,
        {{ as_of_date() }} as as_of_date
    from by_customer
    left join companies on by_customer.company_id = companies.company_id
)

select * from final
