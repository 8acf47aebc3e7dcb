{#- One row per calendar month (UTC) from the first customer's month up to the month before the as-of
    date's start: the spine of the monthly marts. `measured_before` is the instant a month's end state is
    read at (the month's end, or the as-of instant for a month still running). -#}
with companies as (
    select min(created_at) as first_at from {{ ref('stg_centerpoint__companies') }}
),

subscriptions as (
    select min(created_at) as first_at from {{ ref('stg_stripe__subscriptions') }}
),

bounds as (
    select
        date_trunc('month', least(companies.first_at, subscriptions.first_at) at time zone 'UTC') as first_month,
        {{ as_of_timestamp() }} as as_of_at
    from companies
    cross join subscriptions
),

months as (
    select
        month_start::date as month,
        bounds.as_of_at
    from bounds
    cross join lateral generate_series(
        bounds.first_month, (bounds.as_of_at - interval '1 second') at time zone 'UTC', interval '1 month'
    ) as month_start
),

final as (
    select
        month,
        month::timestamp at time zone 'UTC' as month_start_at,
        least((month + interval '1 month') at time zone 'UTC', as_of_at) as measured_before,
        (month + interval '1 month') at time zone 'UTC' <= as_of_at as is_complete
    from months
)

select * from final
