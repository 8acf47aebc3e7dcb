{#- One row per customer (CenterPoint company) for /api/v1/customers: the summary customer_360 also
    builds on (int_customers_summarized), without the Stripe match and risk. -#}
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

summary as (
    select * from {{ ref('int_customers_summarized') }}
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
        summary.jobs,
        summary.invoices,
        summary.invoiced_total as revenue_invoiced,
        summary.paid_total as amount_paid,
        summary.open_receivables,
        summary.last_activity_at,
        companies.created_at
    from companies
    inner join summary on companies.company_id = summary.company_id
)

select * from final
