{#- Open CenterPoint invoices (not drafts, balance left) aged by days past due as of the as-of date.
    Buckets: 0-30 (including not yet due), 31-60, 61-90, 90+. -#}
{#- A table, not a view: several models read it, and its row estimates as a view are poor enough to
    push the planner into nested loops. -#}
{{
    config(
        materialized='table',
        indexes=[{'columns': ['invoice_id'], 'unique': True}, {'columns': ['company_id']}],
        post_hook='analyze {{ this }}',
    )
}}

with invoices as (
    select * from {{ ref('stg_centerpoint__invoices') }}
    where not is_draft and balance > 0
),

aged as (
    select
        invoice_id,
        company_id,
        invoice_number,
        amount,
        balance,
        invoice_date,
        coalesce(due_date, invoice_date) as due_date,
        {{ as_of_date() }} - coalesce(due_date, invoice_date) as days_past_due
    from invoices
),

final as (
    select
        invoice_id,
        company_id,
        invoice_number,
        amount,
        balance,
        days_past_due,
        days_past_due > 0 as is_past_due,
        case
            when days_past_due <= 30 then '0-30'
            when days_past_due <= 60 then '31-60'
            when days_past_due <= 90 then '61-90'
            else '90+'
        end as aging_bucket,
        invoice_date,
        due_date
    from aged
)

select * from final
