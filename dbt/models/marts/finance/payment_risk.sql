{#- A payment-risk score (0-100) per customer with the reasons behind it, as of the as-of date.

    Rules (points, capped at 100):
      failed card payments in the last 180 days   10 each, at most 30
      card disputes, ever                         25 each, at most 40 (a lost one counts the same)
      paid late on average over the last 180 days 10 if 10+ days, 20 if 30+ days
      paying later than before (recent - prior)   10 if 10+ days later than the 180-540 days before
      balance overdue 61-90 days                  15 (if nothing is over 90)
      balance overdue more than 90 days           25
      Roof Care subscription past due             10
    Level: high at 50+, medium at 20+, else low. -#}
{{
    config(
        indexes=[
            {'columns': ['customer_id'], 'unique': True},
            {'columns': ['risk_score']},
            {'columns': ['risk_level']},
            {'columns': ['stripe_customer_id']},
            {'columns': ['overdue_over_90']},
        ]
    )
}}

with signals as (
    select * from {{ ref('int_customer_payment_signals') }}
),

points as (
    select
        *,
        avg_days_late_recent - avg_days_late_prior as days_late_trend,
        least(failed_payments_180d * 10, 30) as failed_payment_points,
        least(disputes * 25, 40) as dispute_points,
        case
            when avg_days_late_recent >= 30 then 20
            when avg_days_late_recent >= 10 then 10
            else 0
        end as lateness_points,
        case when avg_days_late_recent - avg_days_late_prior >= 10 then 10 else 0 end as trend_points,
        case
            when overdue_over_90 > 0 then 25
            when overdue_61_90 > 0 then 15
            else 0
        end as overdue_points,
        case when has_past_due_subscription then 10 else 0 end as subscription_points
    from signals
),

scored as (
    select
        *,
        least(
            failed_payment_points + dispute_points + lateness_points + trend_points + overdue_points
            + subscription_points,
            100
        ) as risk_score,
        concat_ws(
            '; ',
            case when failed_payments_180d > 0
                then failed_payments_180d || ' failed card payment(s) in the last 180 days' end,
            case when disputes > 0
                then disputes || ' card dispute(s)'
                    || case when disputes_lost > 0 then ' (' || disputes_lost || ' lost)' else '' end end,
            case when lateness_points > 0
                then 'paid ' || avg_days_late_recent || ' days late on average in the last 180 days' end,
            case when trend_points > 0
                then 'paying later: ' || avg_days_late_recent || ' days late lately vs '
                    || avg_days_late_prior || ' before' end,
            case when overdue_over_90 > 0
                then '$' || to_char(overdue_over_90, 'FM999,999,999,990.00') || ' overdue more than 90 days'
                when overdue_61_90 > 0
                then '$' || to_char(overdue_61_90, 'FM999,999,999,990.00') || ' overdue 61-90 days' end,
            case when has_past_due_subscription then 'Roof Care subscription past due' end
        ) as risk_reasons
    from points
),

final as (
    select
        company_id as customer_id,
        stripe_customer_id,
        risk_score::integer as risk_score,
        case
            when risk_score >= 50 then 'high'
            when risk_score >= 20 then 'medium'
            else 'low'
        end as risk_level,
        nullif(risk_reasons, '') as risk_reasons,
        failed_payments_180d,
        failed_payments_total,
        disputes,
        disputes_lost,
        avg_days_late_recent::numeric(8, 1) as avg_days_late_recent,
        avg_days_late_prior::numeric(8, 1) as avg_days_late_prior,
        days_late_trend::numeric(8, 1) as days_late_trend,
        open_receivables,
        past_due_receivables,
        overdue_61_90,
        overdue_over_90,
        has_past_due_subscription,
        {{ as_of_date() }} as as_of_date
    from scored
)

select * from final
