{#- Per CenterPoint company: its jobs, what it was invoiced and paid and still owes, and when it was last
    active. Shared by the customers and customer_360 marts, so the two agree on every number. -#}
{{
    config(
        materialized='table',
        indexes=[{'columns': ['company_id'], 'unique': True}],
        post_hook='analyze {{ this }}',
    )
}}

with companies as (
    select company_id, updated_at from {{ ref('stg_centerpoint__companies') }}
),

productions as (
    select * from {{ ref('stg_centerpoint__productions') }}
),

invoices as (
    select * from {{ ref('stg_centerpoint__invoices') }}
    where not is_draft
),

payments as (
    select * from {{ ref('int_centerpoint__invoice_payments') }}
),

jobs as (
    select
        company_id,
        count(*) as jobs,
        count(*) filter (where completed_at is not null) as completed_jobs,
        min(created_at) as first_job_at,
        max(greatest(created_at, started_at, completed_at, invoiced_at, closed_at)) as last_job_activity_at
    from productions
    group by company_id
),

billed as (
    select
        company_id,
        count(*) as invoices,
        sum(amount) as invoiced_total,
        sum(amount_paid) as paid_total,
        sum(balance) as open_receivables,
        max(invoice_date) as last_invoice_date
    from invoices
    group by company_id
),

paid as (
    select company_id, max(paid_at) as last_payment_at
    from payments
    group by company_id
),

final as (
    select
        companies.company_id,
        coalesce(jobs.jobs, 0)::integer as jobs,
        coalesce(jobs.completed_jobs, 0)::integer as completed_jobs,
        coalesce(billed.invoices, 0)::integer as invoices,
        coalesce(billed.invoiced_total, 0)::numeric(14, 2) as invoiced_total,
        coalesce(billed.paid_total, 0)::numeric(14, 2) as paid_total,
        coalesce(billed.open_receivables, 0)::numeric(14, 2) as open_receivables,
        jobs.first_job_at,
        paid.last_payment_at,
        greatest(
            jobs.last_job_activity_at,
            billed.last_invoice_date::timestamp at time zone 'UTC',
            paid.last_payment_at,
            companies.updated_at
        ) as last_activity_at
    from companies
    left join jobs on companies.company_id = jobs.company_id
    left join billed on companies.company_id = billed.company_id
    left join paid on companies.company_id = paid.company_id
)

select * from final
