{#- The match report's exceptions: Stripe customers no CenterPoint company matches, companies that pay
    by card (or name a Stripe customer) without a match, and matches resting on weak evidence. -#}
{{
    config(
        indexes=[
            {'columns': ['unmatched_id'], 'unique': True},
            {'columns': ['source_system']},
            {'columns': ['reason_code']},
        ]
    )
}}

with companies as (
    select * from {{ ref('stg_centerpoint__companies') }}
),

stripe_customers as (
    select * from {{ ref('stg_stripe__customers') }}
),

matched as (
    select * from {{ ref('int_customers_matched') }}
),

card_payers as (
    select company_id, count(*) as card_payments
    from {{ ref('int_centerpoint__invoice_payments') }}
    where payment_method = 'card'
    group by company_id
),

stripe_unmatched as (
    select
        'stripe' as source_system,
        stripe_customers.customer_id as source_id,
        stripe_customers.customer_name,
        stripe_customers.email,
        stripe_customers.centerpoint_company_id as candidate_id,
        null::numeric(3, 2) as match_confidence,
        'no_company' as reason_code,
        'No CenterPoint company matches this Stripe customer by external id, metadata or email.' as reason
    from stripe_customers
    left join matched on stripe_customers.customer_id = matched.stripe_customer_id
    where matched.stripe_customer_id is null
),

companies_unmatched as (
    select
        'centerpoint' as source_system,
        companies.company_id as source_id,
        companies.company_name as customer_name,
        companies.email,
        companies.stripe_customer_id as candidate_id,
        null::numeric(3, 2) as match_confidence,
        case
            when companies.stripe_customer_id is not null then 'external_id_not_in_stripe'
            else 'card_payments_without_stripe_customer'
        end as reason_code,
        case
            when companies.stripe_customer_id is not null
                then 'The company''s external id names a Stripe customer that Stripe does not have.'
            else 'The company paid ' || card_payers.card_payments || ' invoice(s) by card but matches no Stripe customer.'
        end as reason
    from companies
    left join matched on companies.company_id = matched.company_id
    left join card_payers on companies.company_id = card_payers.company_id
    where matched.company_id is null
        and (companies.stripe_customer_id is not null or card_payers.company_id is not null)
),

weak_matches as (
    select
        'centerpoint' as source_system,
        matched.company_id as source_id,
        companies.company_name as customer_name,
        companies.email,
        matched.stripe_customer_id as candidate_id,
        matched.match_confidence,
        case when matched.has_conflicting_candidates then 'conflicting_candidates' else 'weak_evidence' end
            as reason_code,
        'Matched to ' || matched.stripe_customer_id || ' on ' || matched.match_method
            || ' only (confidence ' || matched.match_confidence || '); confirm it.' as reason
    from matched
    inner join companies on matched.company_id = companies.company_id
    where matched.match_confidence < 0.9 or matched.has_conflicting_candidates
),

unioned as (
    select * from stripe_unmatched
    union all
    select * from companies_unmatched
    union all
    select * from weak_matches
),

final as (
    select
        source_system || ':' || source_id as unmatched_id,
        source_system,
        source_id,
        candidate_id,
        customer_name,
        email,
        match_confidence,
        reason_code,
        reason
    from unioned
)

select * from final
