with source as (
    select * from {{ source('centerpoint', 'centerpoint_invoices') }}
),

renamed as (
    select
        id as invoice_id,
        production_id,
        billed_company_id as company_id,
        attributes ->> 'number' as invoice_number,
        (attributes ->> 'amount')::numeric(14, 2) as amount,
        coalesce((attributes ->> 'amountPaid')::numeric(14, 2), 0) as amount_paid,
        coalesce((attributes ->> 'balance')::numeric(14, 2), 0) as balance,
        (attributes ->> 'profit')::numeric(14, 2) as profit,
        coalesce((attributes ->> 'isDraft')::boolean, false) as is_draft,
        coalesce((attributes ->> 'isFinal')::boolean, false) as is_final,
        attributes -> 'options' ->> 'paymentTerms' as payment_terms,
        (attributes ->> 'invoiceDate')::date as invoice_date,
        (attributes ->> 'dueDate')::date as due_date,
        (attributes ->> 'paidAt')::timestamptz as paid_at,
        -- [{amount, paidAt, method, reference}]; card payments carry the Stripe charge id as reference.
        attributes -> 'payments' as payments,
        created_at,
        updated_at
    from source
    where deleted_at is null
)

select * from renamed
