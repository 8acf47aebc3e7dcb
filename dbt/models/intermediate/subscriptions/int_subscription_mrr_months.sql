{#- MRR of each subscription at each month's end and its movement from the month before: new (from 0),
    expansion, contraction, churned (to 0). Months where it was 0 before and after are left out. -#}
with months as (
    select * from {{ ref('int_months') }}
),

states as (
    select * from {{ ref('int_stripe__subscription_states') }}
),

subscriptions as (
    select
        subscription_id,
        max(customer_id) as customer_id,
        min(valid_from) as first_at
    from states
    group by subscription_id
),

grid as (
    select
        subscriptions.subscription_id,
        subscriptions.customer_id,
        months.month,
        months.measured_before
    from subscriptions
    inner join months on subscriptions.first_at < months.measured_before
),

at_month_end as (
    select
        grid.subscription_id,
        grid.customer_id,
        grid.month,
        states.subscription_status,
        coalesce(states.mrr, 0) as mrr
    from grid
    left join states
        on grid.subscription_id = states.subscription_id
        and states.valid_from < grid.measured_before
        and (states.valid_to is null or states.valid_to >= grid.measured_before)
),

with_previous as (
    select
        *,
        coalesce(lag(mrr) over (partition by subscription_id order by month), 0) as previous_mrr
    from at_month_end
),

final as (
    select
        subscription_id || ':' || to_char(month, 'YYYY-MM') as subscription_month_id,
        subscription_id,
        customer_id,
        month,
        subscription_status,
        mrr,
        previous_mrr,
        case when previous_mrr = 0 and mrr > 0 then mrr else 0 end as new_mrr,
        case when previous_mrr > 0 and mrr > previous_mrr then mrr - previous_mrr else 0 end as expansion_mrr,
        case when previous_mrr > 0 and mrr > 0 and mrr < previous_mrr then previous_mrr - mrr else 0 end
            as contraction_mrr,
        case when previous_mrr > 0 and mrr = 0 then previous_mrr else 0 end as churned_mrr
    from with_previous
    where mrr <> 0 or previous_mrr <> 0
)

select * from final
