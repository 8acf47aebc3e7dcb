{#- CenterPoint companies matched to Stripe customers, one row per matched pair.

    Evidence, strongest first: the company's external id names the Stripe customer (CenterPoint's link);
    the Stripe customer's metadata.centerpoint_company_id names the company (Stripe's link back); the same
    email on both sides, used only when that email belongs to one company and one Stripe customer.
    Confidence grows with the evidence that agrees; each company and each Stripe customer keeps its best
    candidate, and a pair is kept only when it is the best on both sides. -#}
{#- A table, not a view: several models read it, and its row estimates as a view are poor enough to
    push the planner into nested loops. -#}
{{
    config(
        materialized='table',
        indexes=[{'columns': ['company_id'], 'unique': True}, {'columns': ['stripe_customer_id'], 'unique': True}],
        post_hook='analyze {{ this }}',
    )
}}

with companies as (
    select company_id, stripe_customer_id as external_id, email
    from {{ ref('stg_centerpoint__companies') }}
),

stripe_customers as (
    select customer_id, centerpoint_company_id, email
    from {{ ref('stg_stripe__customers') }}
),

company_emails as (
    select email from companies where email is not null group by email having count(*) = 1
),

stripe_emails as (
    select email from stripe_customers where email is not null group by email having count(*) = 1
),

by_external_id as (
    select companies.company_id, stripe_customers.customer_id, 'external_id' as evidence
    from companies
    inner join stripe_customers on companies.external_id = stripe_customers.customer_id
),

by_metadata as (
    select companies.company_id, stripe_customers.customer_id, 'metadata' as evidence
    from companies
    inner join stripe_customers on companies.company_id = stripe_customers.centerpoint_company_id
),

by_email as (
    select companies.company_id, stripe_customers.customer_id, 'email' as evidence
    from companies
    inner join company_emails on companies.email = company_emails.email
    inner join stripe_customers on companies.email = stripe_customers.email
    inner join stripe_emails on stripe_customers.email = stripe_emails.email
),

candidates as (
    select * from by_external_id
    union all
    select * from by_metadata
    union all
    select * from by_email
),

evidence as (
    select
        company_id,
        customer_id as stripe_customer_id,
        bool_or(evidence = 'external_id') as matched_on_external_id,
        bool_or(evidence = 'metadata') as matched_on_metadata,
        bool_or(evidence = 'email') as matched_on_email
    from candidates
    group by company_id, customer_id
),

scored as (
    select
        *,
        case
            when matched_on_external_id and matched_on_metadata and matched_on_email then 1.00
            when matched_on_external_id and matched_on_metadata then 0.97
            when matched_on_external_id and matched_on_email then 0.93
            when matched_on_metadata and matched_on_email then 0.90
            when matched_on_external_id then 0.85
            when matched_on_metadata then 0.80
            else 0.60
        end::numeric(3, 2) as match_confidence,
        count(*) over (partition by company_id) as candidates_for_company,
        count(*) over (partition by stripe_customer_id) as candidates_for_stripe_customer
    from evidence
),

ranked as (
    select
        *,
        row_number() over (
            partition by company_id order by match_confidence desc, stripe_customer_id
        ) as rank_for_company,
        row_number() over (
            partition by stripe_customer_id order by match_confidence desc, company_id
        ) as rank_for_stripe_customer
    from scored
),

final as (
    select
        company_id,
        stripe_customer_id,
        match_confidence,
        concat_ws(
            '+',
            case when matched_on_external_id then 'external_id' end,
            case when matched_on_metadata then 'metadata' end,
            case when matched_on_email then 'email' end
        ) as match_method,
        matched_on_external_id,
        matched_on_metadata,
        matched_on_email,
        candidates_for_company > 1 or candidates_for_stripe_customer > 1 as has_conflicting_candidates
    from ranked
    where rank_for_company = 1 and rank_for_stripe_customer = 1
)

select * from final
