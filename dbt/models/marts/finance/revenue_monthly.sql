{#- Revenue by month (UTC): CenterPoint job revenue invoiced vs collected; Roof Care subscriptions
    billed and collected in Stripe with Stripe's fees; MRR at month end with its movements (new,
    expansion, contraction, churned) and net revenue retention (month over month, and over 12 months
    for the customers paying a year before). -#}
{{
    config(
        indexes=[
            {'columns': ['month'], 'unique': True},
            {'columns': ['mrr']},
            {'columns': ['invoiced']},
            {'columns': ['collected']},
        ]
    )
}}

with months as (
    select * from {{ ref('int_months') }}
),

invoices as (
    select * from {{ ref('stg_centerpoint__invoices') }}
    where not is_draft
),

payments as (
    select * from {{ ref('int_centerpoint__invoice_payments') }}
),

stripe_invoices as (
    select * from {{ ref('stg_stripe__invoices') }}
),

balance_transactions as (
    select * from {{ ref('fct_stripe_balance_transactions') }}
),

mrr_months as (
    select * from {{ ref('int_subscription_mrr_months') }}
),

invoiced as (
    select
        date_trunc('month', invoice_date)::date as month,
        count(*) as invoices_issued,
        sum(amount) as invoiced
    from invoices
    group by 1
),

collected as (
    select
        date_trunc('month', paid_at at time zone 'UTC')::date as month,
        sum(amount) as collected,
        sum(amount) filter (where payment_method = 'card') as collected_by_card
    from payments
    group by 1
),

subscription_billed as (
    select
        date_trunc('month', created_at at time zone 'UTC')::date as month,
        sum(total) as subscription_billed
    from stripe_invoices
    where invoice_status in ('open', 'paid', 'uncollectible')
    group by 1
),

subscription_collected as (
    select
        date_trunc('month', paid_at at time zone 'UTC')::date as month,
        sum(amount_paid) as subscription_collected
    from stripe_invoices
    where paid_at is not null
    group by 1
),

stripe_money as (
    select
        date_trunc('month', created_at at time zone 'UTC')::date as month,
        sum(fee) as stripe_fees,
        sum(net) as stripe_net
    from balance_transactions
    where balance_transaction_type <> 'payout'
    group by 1
),

mrr as (
    select
        month,
        sum(mrr) as mrr,
        count(*) filter (where mrr > 0) as active_subscriptions,
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr
    from mrr_months
    group by month
),

customer_mrr as (
    select customer_id, month, sum(mrr) as mrr
    from mrr_months
    group by customer_id, month
),

retention_12m as (
    select
        (year_ago.month + interval '12 months')::date as month,
        sum(coalesce(a_year_later.mrr, 0)) / nullif(sum(year_ago.mrr), 0) as nrr_12m
    from customer_mrr as year_ago
    left join customer_mrr as a_year_later
        on year_ago.customer_id = a_year_later.customer_id
        and a_year_later.month = (year_ago.month + interval '12 months')::date
    where year_ago.mrr > 0
    group by 1
),

joined as (
    select
        months.month,
        months.is_complete,
        coalesce(invoiced.invoices_issued, 0) as invoices_issued,
        coalesce(invoiced.invoiced, 0) as invoiced,
        coalesce(collected.collected, 0) as collected,
        coalesce(collected.collected_by_card, 0) as collected_by_card,
        coalesce(subscription_billed.subscription_billed, 0) as subscription_billed,
        coalesce(subscription_collected.subscription_collected, 0) as subscription_collected,
        coalesce(stripe_money.stripe_fees, 0) as stripe_fees,
        coalesce(stripe_money.stripe_net, 0) as stripe_net,
        coalesce(mrr.mrr, 0) as mrr,
        coalesce(mrr.active_subscriptions, 0) as active_subscriptions,
        coalesce(mrr.new_mrr, 0) as new_mrr,
        coalesce(mrr.expansion_mrr, 0) as expansion_mrr,
        coalesce(mrr.contraction_mrr, 0) as contraction_mrr,
        coalesce(mrr.churned_mrr, 0) as churned_mrr,
        retention_12m.nrr_12m
    from months
    left join invoiced on months.month = invoiced.month
    left join collected on months.month = collected.month
    left join subscription_billed on months.month = subscription_billed.month
    left join subscription_collected on months.month = subscription_collected.month
    left join stripe_money on months.month = stripe_money.month
    left join mrr on months.month = mrr.month
    left join retention_12m on months.month = retention_12m.month
),

with_starting as (
    select
        *,
        coalesce(lag(mrr) over (order by month), 0) as starting_mrr
    from joined
),

final as (
    select
        month,
        invoices_issued::integer as invoices_issued,
        invoiced::numeric(14, 2) as invoiced,
        collected::numeric(14, 2) as collected,
        collected_by_card::numeric(14, 2) as collected_by_card,
        (invoiced - collected)::numeric(14, 2) as invoiced_less_collected,
        subscription_billed::numeric(14, 2) as subscription_billed,
        subscription_collected::numeric(14, 2) as subscription_collected,
        stripe_fees::numeric(14, 2) as stripe_fees,
        stripe_net::numeric(14, 2) as stripe_net,
        starting_mrr::numeric(14, 2) as starting_mrr,
        mrr::numeric(14, 2) as mrr,
        active_subscriptions::integer as active_subscriptions,
        new_mrr::numeric(14, 2) as new_mrr,
        expansion_mrr::numeric(14, 2) as expansion_mrr,
        contraction_mrr::numeric(14, 2) as contraction_mrr,
        churned_mrr::numeric(14, 2) as churned_mrr,
        (new_mrr + expansion_mrr - contraction_mrr - churned_mrr)::numeric(14, 2) as net_new_mrr,
        round(
            (starting_mrr + expansion_mrr - contraction_mrr - churned_mrr) / nullif(starting_mrr, 0), 4
        )::numeric(8, 4) as net_revenue_retention,
        round(nrr_12m, 4)::numeric(8, 4) as net_revenue_retention_12m,
        is_complete as is_complete_month
    from with_starting
)

select * from final
