with source as (
    select * from {{ source('centerpoint', 'centerpoint_productions') }}
),

renamed as (
    select
        id as production_id,
        opportunity_id,
        billed_company_id as company_id,
        property_id,
        attributes ->> 'estimatorId' as estimator_id,
        status as production_status,
        attributes ->> 'jobType' as job_type,
        (attributes ->> 'price')::numeric(14, 2) as price,
        (attributes ->> 'cost')::numeric(14, 2) as cost,
        (attributes ->> 'materialTotal')::numeric(14, 2) as material_total,
        (attributes ->> 'laborTravelTotal')::numeric(14, 2) as labor_travel_total,
        (attributes ->> 'totalInvoiced')::numeric(14, 2) as total_invoiced,
        attributes ->> 'notes' as notes,
        (attributes ->> 'startedAt')::timestamptz as started_at,
        (attributes ->> 'completedAt')::timestamptz as completed_at,
        (attributes ->> 'invoicedAt')::timestamptz as invoiced_at,
        (attributes ->> 'closedAt')::timestamptz as closed_at,
        created_at,
        updated_at
    from source
    where deleted_at is null
)

select * from renamed
