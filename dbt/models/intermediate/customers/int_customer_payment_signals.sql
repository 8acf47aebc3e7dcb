{#- The facts payment_risk scores, per CenterPoint company, as of the as-of date: failed card payments
    and disputes (through the matched Stripe customer), how late invoices were paid lately and before,
    what is overdue now, and whether the Roof Care subscription is past due. -#}
with companies as (
    select company_id, company_name from {{ ref('stg_centerpoint__companies') }}
),

matched as (
    select company_id, stripe_customer_id from {{ ref('int_customers_matched') }}
),

charges as (
    select * from {{ ref('fct_stripe_charges') }}
),

disputes as (
    select * from {{ ref('stg_stripe__disputes') }}
),

payments as (
    select * from {{ ref('int_centerpoint__invoice_payments') }}
),

receivables as (
    select * from {{ ref('int_receivables_aged_by_customer') }}
),

subscriptions as (
    select * from {{ ref('stg_stripe__subscriptions') }}
),

failed_charges as (
    select
        matched.company_id,
        count(*) filter (
            where charges.created_at >= {{ as_of_timestamp() }} - interval '180 days'
        ) as failed_payments_180d,
        count(*) as failed_payments_total
    from charges
    inner join matched on charges.customer_id = matched.stripe_customer_id
    where charges.charge_status = 'failed' and charges.created_at < {{ as_of_timestamp() }}
    group by matched.company_id
),

customer_disputes as (
    select
        matched.company_id,
        count(*) as disputes,
        count(*) filter (where disputes.dispute_status = 'lost') as disputes_lost
    from disputes
    inner join charges on disputes.charge_id = charges.charge_id
    inner join matched on charges.customer_id = matched.stripe_customer_id
    where disputes.created_at < {{ as_of_timestamp() }}
    group by matched.company_id
),

lateness as (
    select
        company_id,
        round(avg(days_late) filter (
            where paid_at >= {{ as_of_timestamp() }} - interval '180 days'
        ), 1) as avg_days_late_recent,
        round(avg(days_late) filter (
            where paid_at < {{ as_of_timestamp() }} - interval '180 days'
            and paid_at >= {{ as_of_timestamp() }} - interval '540 days'
        ), 1) as avg_days_late_prior,
        max(paid_at) as last_payment_at
    from payments
    where paid_at < {{ as_of_timestamp() }}
    group by company_id
),

past_due_subscriptions as (
    select matched.company_id
    from subscriptions
    inner join matched on subscriptions.customer_id = matched.stripe_customer_id
    where subscriptions.subscription_status in ('past_due', 'unpaid')
    group by matched.company_id
),

final as (
    select
        companies.company_id,
        matched.stripe_customer_id,
        coalesce(failed_charges.failed_payments_180d, 0)::integer as failed_payments_180d,
        coalesce(failed_charges.failed_payments_total, 0)::integer as failed_payments_total,
        coalesce(customer_disputes.disputes, 0)::integer as disputes,
        coalesce(customer_disputes.disputes_lost, 0)::integer as disputes_lost,
        lateness.avg_days_late_recent,
        lateness.avg_days_late_prior,
        coalesce(receivables.open_receivables, 0)::numeric(14, 2) as open_receivables,
        coalesce(receivables.past_due_receivables, 0)::numeric(14, 2) as past_due_receivables,
        coalesce(receivables.days_61_90, 0)::numeric(14, 2) as overdue_61_90,
        coalesce(receivables.days_over_90, 0)::numeric(14, 2) as overdue_over_90,
        coalesce(receivables.oldest_days_past_due, 0) as oldest_days_past_due,
        past_due_subscriptions.company_id is not null as has_past_due_subscription,
        lateness.last_payment_at
    from companies
    left join matched on companies.company_id = matched.company_id
    left join failed_charges on companies.company_id = failed_charges.company_id
    left join customer_disputes on companies.company_id = customer_disputes.company_id
    left join lateness on companies.company_id = lateness.company_id
    left join receivables on companies.company_id = receivables.company_id
    left join past_due_subscriptions on companies.company_id = past_due_subscriptions.company_id
)

select * from final
