{#- Each subscription's history as states: from each subscription event's snapshot until the next one.
    A subscription without events (older than Stripe's 30-day event retention) gets its current state
    from its start. MRR of a state: the plan's price per month (annual / 12) while active or past_due;
    trialing, canceled, unpaid, paused and incomplete count 0. -#}
{#- A table, not a view: several models read it, and its row estimates as a view are poor enough to
    push the planner into nested loops. -#}
{{
    config(
        materialized='table',
        indexes=[{'columns': ['subscription_id', 'valid_from']}, {'columns': ['customer_id']}],
        post_hook='analyze {{ this }}',
    )
}}

with events as (
    select * from {{ ref('fct_stripe_events') }}
    where object_type = 'subscription'
),

subscriptions as (
    select * from {{ ref('stg_stripe__subscriptions') }}
),

from_events as (
    select
        object_id as subscription_id,
        customer_id,
        event_id,
        object_status as subscription_status,
        price_id,
        plan_interval,
        plan_interval_count,
        quantity,
        plan_amount,
        created_at as valid_from
    from events
),

without_events as (
    select
        subscriptions.subscription_id,
        subscriptions.customer_id,
        null::text as event_id,
        subscriptions.subscription_status,
        subscriptions.price_id,
        subscriptions.plan_interval,
        1 as plan_interval_count,
        coalesce(subscriptions.quantity, 1) as quantity,
        subscriptions.plan_amount,
        coalesce(subscriptions.started_at, subscriptions.created_at) as valid_from
    from subscriptions
    left join from_events on subscriptions.subscription_id = from_events.subscription_id
    where from_events.subscription_id is null
),

states as (
    select * from from_events
    union all
    select * from without_events
),

priced as (
    select
        *,
        round(
            plan_amount * quantity
            * case plan_interval
                when 'year' then 1.0 / 12
                when 'week' then 52.0 / 12
                when 'day' then 365.0 / 12
                else 1
            end
            / greatest(plan_interval_count, 1),
            2
        ) as plan_mrr
    from states
),

final as (
    select
        subscription_id || ':' || to_char(valid_from at time zone 'UTC', 'YYYYMMDDHH24MISS')
            || ':' || coalesce(event_id, 'current') as subscription_state_id,
        subscription_id,
        customer_id,
        event_id,
        subscription_status,
        price_id,
        plan_interval,
        plan_mrr,
        case when subscription_status in ('active', 'past_due') then coalesce(plan_mrr, 0) else 0 end as mrr,
        valid_from,
        lead(valid_from) over (partition by subscription_id order by valid_from, event_id) as valid_to
    from priced
)

select * from final
