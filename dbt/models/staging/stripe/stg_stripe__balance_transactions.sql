with source as (
    select * from {{ source('stripe', 'stripe_balance_transactions') }}
),

renamed as (
    select
        id as balance_transaction_id,
        source_id,
        type as balance_transaction_type,
        reporting_category,
        status as balance_transaction_status,
        data ->> 'description' as description,
        currency,
        {{ stripe_amount('amount', 'currency') }} as amount,
        {{ stripe_amount('fee', 'currency') }} as fee,
        {{ stripe_amount('net', 'currency') }} as net,
        (data ->> 'exchange_rate')::numeric as exchange_rate,
        available_on as available_at,
        created as created_at
    from source
)

select * from renamed
