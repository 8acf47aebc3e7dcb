{#- Everything known about a customer (CenterPoint company) in one row: jobs, money invoiced, paid and
    open, the matched Stripe customer and Roof Care subscription, last activity, lifetime value and
    payment risk. Served by /api/v1/customers/{id} and /api/v1/results/customer_360. -#}
{{
    config(
        indexes=[
            {'columns': ['customer_id'], 'unique': True},
            {'columns': ['stripe_customer_id']},
            {'columns': ['customer_name']},
            {'columns': ['region']},
            {'columns': ['sales_status']},
            {'columns': ['invoiced_total']},
            {'columns': ['open_receivables']},
            {'columns': ['lifetime_value']},
            {'columns': ['last_activity_at']},
            {'columns': ['payment_risk_score']},
        ]
    )
}}

with companies as (
    select * from {{ ref('stg_centerpoint__companies') }}
),

summary as (
    select * from {{ ref('int_customers_summarized') }}
),

receivables as (
    select * from {{ ref('int_receivables_aged_by_customer') }}
),

matched as (
    select * from {{ ref('int_customers_matched') }}
),

states as (
    select * from {{ ref('int_stripe__subscription_states') }}
),

stripe_invoices as (
    select * from {{ ref('stg_stripe__invoices') }}
),

risk as (
    select * from {{ ref('payment_risk') }}
),

current_subscriptions as (
    select
        customer_id,
        sum(mrr) as current_mrr,
        -- The most telling status when a customer has several: paying, then in trouble, then the rest.
        (array_agg(subscription_status order by
            case subscription_status
                when 'active' then 1 when 'past_due' then 2 when 'trialing' then 3 else 4
            end))[1] as subscription_status
    from states
    where valid_from < {{ as_of_timestamp() }}
        and (valid_to is null or valid_to >= {{ as_of_timestamp() }})
    group by customer_id
),

subscription_revenue as (
    select customer_id, sum(amount_paid) as subscription_paid_total
    from stripe_invoices
    where paid_at is not null
    group by customer_id
),

final as (
    select
        companies.company_id as customer_id,
        matched.stripe_customer_id,
        matched.match_confidence,
        matched.match_method,
        companies.company_name as customer_name,
        companies.company_type as customer_type,
        companies.sales_status,
        companies.email,
        companies.phone,
        companies.locality,
        companies.region,
        summary.jobs,
        summary.completed_jobs,
        summary.invoices,
        summary.invoiced_total,
        summary.paid_total,
        summary.open_receivables,
        coalesce(receivables.past_due_receivables, 0)::numeric(14, 2) as past_due_receivables,
        current_subscriptions.subscription_status,
        coalesce(current_subscriptions.current_mrr, 0)::numeric(14, 2) as current_mrr,
        coalesce(subscription_revenue.subscription_paid_total, 0)::numeric(14, 2) as subscription_paid_total,
        (summary.paid_total + coalesce(subscription_revenue.subscription_paid_total, 0))::numeric(14, 2)
            as lifetime_value,
        coalesce(risk.risk_score, 0)::integer as payment_risk_score,
        coalesce(risk.risk_level, 'low') as payment_risk_level,
        risk.risk_reasons as payment_risk_reasons,
        summary.first_job_at,
        summary.last_payment_at,
        summary.last_activity_at,
        companies.created_at
    from companies
    inner join summary on companies.company_id = summary.company_id
    left join receivables on companies.company_id = receivables.company_id
    left join matched on companies.company_id = matched.company_id
    left join current_subscriptions on matched.stripe_customer_id = current_subscriptions.customer_id
    left join subscription_revenue on matched.stripe_customer_id = subscription_revenue.customer_id
    left join risk on companies.company_id = risk.customer_id
)

select * from final
