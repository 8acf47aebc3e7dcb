"""The CenterPoint resources we ingest and how each maps onto its raw table."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ResourceSpec:
    name: str  # API path segment and JSON:API type, e.g. "opportunities"
    # raw column -> attribute holding it (typed keys beside the full jsonb)
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return f"centerpoint_{self.name}"

    @property
    def columns(self) -> list[str]:
        return ["id", *self.keys, "created_at", "updated_at", "deleted_at", "attributes", "relationships"]


RESOURCES: dict[str, ResourceSpec] = {
    spec.name: spec
    for spec in (
        ResourceSpec("companies", {"external_id": "externalId"}),
        ResourceSpec("profiles", {"company_id": "companyId"}),
        ResourceSpec("properties", {"company_id": "companyId"}),
        ResourceSpec("employees"),
        ResourceSpec(
            "opportunities",
            {
                "billed_company_id": "billedCompanyId",
                "property_id": "propertyId",
                "estimator_id": "estimatorId",
                "status": "status",
            },
        ),
        ResourceSpec(
            "productions",
            {
                "opportunity_id": "opportunityId",
                "billed_company_id": "billedCompanyId",
                "property_id": "propertyId",
                "status": "status",
            },
        ),
        ResourceSpec("invoices", {"production_id": "productionId", "billed_company_id": "billedCompanyId"}),
    )
}
