{#- Per CenterPoint company with open invoices: what it owes as of the as-of date, by days past due
    (0-30, 31-60, 61-90, 90+; not_yet_due is the part of 0-30 not due yet). Shared by ar_aging, the
    payment-risk signals and customer_360, so they agree on every overdue figure. -#}
{{
    config(
        materialized='table',
        indexes=[{'columns': ['company_id'], 'unique': True}],
        post_hook='analyze {{ this }}',
    )
}}

with aged as (
    select * from {{ ref('int_centerpoint__invoices_aged') }}
),

final as (
    select
        company_id,
        count(*)::integer as open_invoices,
        sum(balance)::numeric(14, 2) as open_receivables,
        coalesce(sum(balance) filter (where not is_past_due), 0)::numeric(14, 2) as not_yet_due,
        coalesce(sum(balance) filter (where is_past_due), 0)::numeric(14, 2) as past_due_receivables,
        coalesce(sum(balance) filter (where aging_bucket = '0-30'), 0)::numeric(14, 2) as days_0_30,
        coalesce(sum(balance) filter (where aging_bucket = '31-60'), 0)::numeric(14, 2) as days_31_60,
        coalesce(sum(balance) filter (where aging_bucket = '61-90'), 0)::numeric(14, 2) as days_61_90,
        coalesce(sum(balance) filter (where aging_bucket = '90+'), 0)::numeric(14, 2) as days_over_90,
        greatest(max(days_past_due), 0)::integer as oldest_days_past_due
    from aged
    group by company_id
)

select * from final
