with source as (
    select * from {{ source('centerpoint', 'centerpoint_opportunities') }}
),

renamed as (
    select
        id as opportunity_id,
        billed_company_id as company_id,
        property_id,
        estimator_id,
        status as opportunity_status,
        attributes ->> 'displayStatus' as display_status,
        attributes ->> 'opportunityType' as opportunity_type,
        attributes ->> 'domain' as domain,
        attributes ->> 'leadSource' as lead_source,
        (attributes ->> 'price')::numeric(14, 2) as price,
        (attributes ->> 'cost')::numeric(14, 2) as cost,
        (attributes ->> 'materialTotal')::numeric(14, 2) as material_total,
        (attributes ->> 'laborTravelTotal')::numeric(14, 2) as labor_travel_total,
        (attributes ->> 'totalInvoiced')::numeric(14, 2) as total_invoiced,
        attributes ->> 'notes' as notes,
        (attributes ->> 'leadOpenedAt')::timestamptz as lead_opened_at,
        (attributes ->> 'leadQuotedAt')::timestamptz as lead_quoted_at,
        (attributes ->> 'leadSoldAt')::timestamptz as lead_sold_at,
        (attributes ->> 'leadDeadAt')::timestamptz as lead_dead_at,
        created_at,
        updated_at
    from source
    where deleted_at is null
)

select * from renamed
