{{
    config(
        materialized='table',
        indexes=[
            {'columns': ['customer_id'], 'unique': True},
            {'columns': ['customer_name']},
            {'columns': ['revenue_invoiced']},
            {'columns': ['open_receivables']},
            {'columns': ['last_activity_at']},
            {'columns': ['region']},
            {'columns': ['email']},
        ]
    )
}}

with companies as (
    select * from {{ ref('stg_centerpoint__companies') }}
),

productions as (
    select * from {{ ref('stg_centerpoint__productions') }}
),

invoices as (
    select * from {{ ref('stg_centerpoint__invoices') }}
    where not is_draft
),

jobs_by_company as (
    select
        company_id,
        count(*) as jobs,
        max(coalesce(completed_at, started_at, created_at)) as last_job_at
    from productions
    group by company_id
),

invoices_by_company as (
    select
        company_id,
        count(*) as invoices,
        sum(amount) as revenue_invoiced,
        sum(amount_paid) as amount_paid,
        sum(balance) as open_receivables,
        max(invoice_date) as last_invoice_date
    from invoices
    group by company_id
),

final as (
    select
        companies.company_id as customer_id,
        companies.stripe_customer_id,
        companies.company_name as customer_name,
        companies.company_type as customer_type,
        companies.sales_status,
        companies.email,
        companies.locality,
        companies.region,
        coalesce(jobs_by_company.jobs, 0)::integer as jobs,
        coalesce(invoices_by_company.invoices, 0)::integer as invoices,
        coalesce(invoices_by_company.revenue_invoiced, 0)::numeric(14, 2) as revenue_invoiced,
        coalesce(invoices_by_company.amount_paid, 0)::numeric(14, 2) as amount_paid,
        coalesce(invoices_by_company.open_receivables, 0)::numeric(14, 2) as open_receivables,
        greatest(
            jobs_by_company.last_job_at,
            invoices_by_company.last_invoice_date::timestamptz,
            companies.updated_at
        ) as last_activity_at,
        companies.created_at
    from companies
    left join jobs_by_company using (company_id)
    left join invoices_by_company using (company_id)
)

select * from final
