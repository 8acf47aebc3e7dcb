"""CenterPoint Connect JSON:API resource objects for the sample's companies, contacts, properties,
staff, estimates, jobs and invoices. Money in dollars (2 decimals), times ISO 8601 with Z; foreign
ids both as attributes (billedCompanyId, ...) and as JSON:API relationships."""

from __future__ import annotations

from typing import Any

from brainops.sample.catalog import OPPORTUNITY_STATUS_TEXT, TIMEZONE
from brainops.sample.models import Company, Contact, Employee, Invoice, Job, Opportunity, Property
from brainops.sample.timeline import iso


def dollars(cents: int) -> float:
    return round(cents / 100, 2)


def _rel(type_: str, id_: str | None) -> dict[str, Any]:
    return {"data": None if id_ is None else {"type": type_, "id": id_}}


def _resource(type_: str, id_: str, created: int, updated: int, deleted: int | None, attributes: dict[str, Any],
              relationships: dict[str, Any] | None = None) -> dict[str, Any]:
    attributes |= {"createdAt": iso(created), "updatedAt": iso(updated), "deletedAt": iso(deleted)}
    return {"id": id_, "type": type_, "attributes": attributes, "relationships": relationships or {}}


def company(c: Company) -> dict[str, Any]:
    return _resource("companies", c.id, c.created, c.updated, c.deleted, {
        "name": c.name, "type": c.kind, "salesStatus": c.sales_status, "externalId": c.stripe_customer_id,
        "email": c.email, "phone": c.phone, "streetAddress": c.street, "locality": c.city.name,
        "region": c.city.region, "postalCode": c.postal_code, "timezone": TIMEZONE, "closeRate": c.close_rate,
    })


def profile(p: Contact, company_id: str) -> dict[str, Any]:
    return _resource("profiles", p.id, p.created, p.updated, p.deleted, {
        "firstName": p.first_name, "lastName": p.last_name, "email": p.email, "phone": p.phone, "title": p.title,
        "companyId": company_id, "isPrimary": p.is_primary,
    }, {"company": _rel("companies", company_id)})


def property_(p: Property, company_id: str) -> dict[str, Any]:
    return _resource("properties", p.id, p.created, p.updated, p.deleted, {
        "name": p.name, "streetAddress": p.street, "locality": p.city.name, "region": p.city.region,
        "postalCode": p.postal_code, "companyId": company_id, "propertyType": p.property_type,
        "roofType": p.roof_type, "squares": p.squares, "latitude": p.latitude, "longitude": p.longitude,
    }, {"company": _rel("companies", company_id)})


def employee(e: Employee) -> dict[str, Any]:
    return _resource("employees", e.id, e.created, e.updated, e.deleted, {
        "firstName": e.first_name, "lastName": e.last_name, "email": e.email, "phone": e.phone, "role": e.role,
    })


def opportunity(o: Opportunity, company_id: str) -> dict[str, Any]:
    job = o.job
    return _resource("opportunities", o.id, o.opened, o.updated, o.deleted, {
        "name": o.name, "status": o.status, "displayStatus": OPPORTUNITY_STATUS_TEXT[o.status],
        "opportunityType": o.job_type, "domain": o.domain, "leadSource": o.lead_source,
        "price": dollars(o.price), "cost": dollars(o.cost), "materialTotal": dollars(o.material),
        "laborTravelTotal": dollars(o.labor), "totalInvoiced": dollars(job.total_invoiced if job else 0),
        "billedCompanyId": company_id, "propertyId": o.property_id, "estimatorId": o.estimator_id,
        "productionId": job.id if job else None,
        "leadOpenedAt": iso(o.opened), "leadQuotedAt": iso(o.quoted), "leadSoldAt": iso(o.sold),
        "leadDeadAt": iso(o.dead), "notes": o.notes,
    }, {
        "billedCompany": _rel("companies", company_id), "property": _rel("properties", o.property_id),
        "estimator": _rel("employees", o.estimator_id),
    })


def production(j: Job, o: Opportunity, company_id: str) -> dict[str, Any]:
    return _resource("productions", j.id, j.created, j.updated, j.deleted, {
        "name": j.name, "status": j.status, "opportunityId": o.id, "billedCompanyId": company_id,
        "propertyId": o.property_id, "estimatorId": o.estimator_id, "jobType": o.job_type,
        "price": dollars(j.price), "cost": dollars(j.cost), "materialTotal": dollars(j.material),
        "laborTravelTotal": dollars(j.labor), "totalInvoiced": dollars(j.total_invoiced),
        "startedAt": iso(j.started), "completedAt": iso(j.completed), "invoicedAt": iso(j.invoiced),
        "closedAt": iso(j.closed), "notes": j.notes,
    }, {
        "opportunity": _rel("opportunities", o.id), "billedCompany": _rel("companies", company_id),
        "property": _rel("properties", o.property_id), "estimator": _rel("employees", o.estimator_id),
    })


def invoice(i: Invoice, j: Job, company_id: str) -> dict[str, Any]:
    cost = i.material + i.labor + i.other
    profit = i.subtotal - cost
    return _resource("invoices", i.id, i.date, i.updated, i.deleted, {
        "number": i.number, "amount": dollars(i.amount), "invoiceDate": iso(i.date), "dueDate": iso(i.due),
        "isDraft": i.is_draft, "isFinal": i.kind == "final", "productionId": j.id, "productionName": j.name,
        "billedCompanyId": company_id, "profit": dollars(profit), "materialTotal": dollars(i.material),
        "laborTravelTotal": dollars(i.labor), "otherTotal": dollars(i.other),
        "amountPaid": dollars(i.paid), "balance": dollars(i.balance), "paidAt": iso(i.paid_at),
        "payments": [
            {"amount": dollars(p.cents), "paidAt": iso(p.at), "method": p.method, "reference": p.reference}
            for p in i.payments
        ],
        "options": {
            "subtotal": dollars(i.subtotal), "taxRate": i.tax_rate, "taxAmount": dollars(i.tax),
            "total": dollars(i.amount), "margin": round(profit / i.subtotal, 4) if i.subtotal else 0.0,
            "billedAmount": dollars(i.amount), "paymentTerms": f"Net {i.terms_days}",
            "items": [
                {"description": it.description, "quantity": it.quantity, "unitPrice": dollars(it.unit_cents),
                 "total": dollars(it.total_cents)}
                for it in i.items
            ],
        },
    }, {"production": _rel("productions", j.id), "billedCompany": _rel("companies", company_id)})
