{#- One row per payment of a live CenterPoint invoice (card, check or ACH), with how late it came. -#}
{#- A table, not a view: several models read it, and its row estimates as a view are poor enough to
    push the planner into nested loops. -#}
{{
    config(
        materialized='table',
        indexes=[{'columns': ['invoice_payment_id'], 'unique': True}, {'columns': ['company_id']}],
        post_hook='analyze {{ this }}',
    )
}}

with invoices as (
    select * from {{ ref('stg_centerpoint__invoices') }}
    where not is_draft
),

payments as (
    select
        invoices.invoice_id,
        invoices.company_id,
        coalesce(invoices.due_date, invoices.invoice_date) as due_date,
        elements.payment,
        elements.payment_number
    from invoices
    cross join lateral jsonb_array_elements(
        case when jsonb_typeof(invoices.payments) = 'array' then invoices.payments else '[]'::jsonb end
    ) with ordinality as elements (payment, payment_number)
),

final as (
    select
        invoice_id || ':' || payment_number as invoice_payment_id,
        invoice_id,
        company_id,
        payment_number::integer as payment_number,
        payment ->> 'method' as payment_method,
        nullif(payment ->> 'reference', '') as payment_reference,
        case when payment ->> 'method' = 'card' then nullif(payment ->> 'reference', '') end as stripe_charge_id,
        (payment ->> 'amount')::numeric(14, 2) as amount,
        due_date,
        greatest(((payment ->> 'paidAt')::timestamptz at time zone 'UTC')::date - due_date, 0) as days_late,
        (payment ->> 'paidAt')::timestamptz as paid_at
    from payments
)

select * from final
