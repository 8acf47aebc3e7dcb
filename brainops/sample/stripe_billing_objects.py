"""Stripe subscription and invoice objects (top-level keys as in Stripe's fixtures3.json examples)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from brainops.sample.stripe_objects import PriceSpec, plan, price, stripe_list

_PAYMENT_OPTIONS = {
    "acss_debit": None, "bancontact": None, "card": {"network": None, "request_three_d_secure": "automatic"},
    "customer_balance": None, "konbini": None, "sepa_debit": None, "us_bank_account": None,
}


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    """A subscription's state at one moment (the final object, or an event's snapshot)."""

    id: str
    item_id: str
    created: int
    customer: str
    status: str
    price: PriceSpec
    period_start: int
    period_end: int
    billing_cycle_anchor: int
    trial_start: int | None
    trial_end: int | None
    cancel_at: int | None
    canceled_at: int | None
    ended_at: int | None
    cancellation_reason: str | None
    latest_invoice: str | None
    payment_method: str
    company_id: str


def subscription_item(view: SubscriptionView) -> dict[str, Any]:
    return {
        "billing_thresholds": None, "created": view.created, "current_period_end": view.period_end,
        "current_period_start": view.period_start, "discounts": [], "id": view.item_id, "metadata": {},
        "object": "subscription_item", "plan": plan(view.price), "price": price(view.price), "quantity": 1,
        "subscription": view.id, "tax_rates": [],
    }


def subscription(view: SubscriptionView) -> dict[str, Any]:
    return {
        "application": None, "application_fee_percent": None,
        "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
        "billing_cycle_anchor": view.billing_cycle_anchor,
        "billing_cycle_anchor_config": None, "billing_mode": {"type": "classic"}, "billing_schedules": [],
        "billing_thresholds": None, "cancel_at": view.cancel_at,
        "cancel_at_period_end": view.cancel_at is not None and view.ended_at is None,
        "canceled_at": view.canceled_at,
        "cancellation_details": {
            "comment": None, "feedback": None, "reason": view.cancellation_reason,
        },
        "collection_method": "charge_automatically", "created": view.created, "currency": "usd",
        "customer": view.customer, "customer_account": None, "days_until_due": None,
        "default_payment_method": view.payment_method, "default_source": None, "default_tax_rates": [],
        "description": None, "discounts": [], "ended_at": view.ended_at, "id": view.id,
        "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
        "items": stripe_list([subscription_item(view)], f"/v1/subscription_items?subscription={view.id}"),
        "latest_invoice": view.latest_invoice, "livemode": False, "managed_payments": None,
        "metadata": {"centerpoint_company_id": view.company_id}, "next_pending_invoice_item_invoice": None,
        "object": "subscription", "on_behalf_of": None, "pause_collection": None,
        "payment_settings": {
            "payment_method_options": None, "payment_method_types": None,
            "save_default_payment_method": "off",
        },
        "pending_invoice_item_interval": None, "pending_setup_intent": None, "pending_update": None,
        "schedule": None, "start_date": view.created, "status": view.status, "test_clock": None,
        "transfer_data": None, "trial_end": view.trial_end,
        "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
        "trial_start": view.trial_start,
    }


@dataclass(frozen=True, slots=True)
class InvoiceView:
    """A subscription invoice's state at one moment."""

    id: str
    number: str
    line_id: str
    created: int
    customer: str
    customer_email: str | None
    customer_name: str
    customer_phone: str
    customer_address: dict[str, Any]
    subscription: str
    item_id: str
    price: PriceSpec
    period_start: int
    period_end: int
    billing_reason: str
    status: str  # "open", "paid" or "uncollectible"
    attempt_count: int
    paid_at: int | None
    uncollectible_at: int | None
    next_payment_attempt: int | None


def invoice(view: InvoiceView) -> dict[str, Any]:
    amount = view.price.unit_amount
    paid = amount if view.status == "paid" else 0
    remaining = amount if view.status == "open" else 0
    description = f"1 x {view.price.nickname} (at ${amount / 100:.2f} / {view.price.interval})"
    line = {
        "amount": amount, "currency": "usd", "description": description, "discount_amounts": [],
        "discountable": True, "discounts": [], "id": view.line_id, "invoice": view.id, "livemode": False,
        "metadata": {}, "object": "line_item",
        "parent": {
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": None, "proration": False, "proration_details": {"credited_items": None},
                "subscription": view.subscription, "subscription_item": view.item_id,
            },
            "type": "subscription_item_details",
        },
        "period": {"end": view.period_end, "start": view.period_start},
        "pretax_credit_amounts": [], "pricing": {
            "price_details": {"price": view.price.id, "product": view.price.product},
            "type": "price_details", "unit_amount_decimal": str(amount),
        },
        "quantity": 1, "quantity_decimal": "1", "subscription": view.subscription, "subtotal": amount, "taxes": [],
    }
    return {
        "account_country": "US", "account_name": "Summit Ridge Roofing", "account_tax_ids": None,
        "amount_due": amount, "amount_overpaid": 0, "amount_paid": paid, "amount_remaining": remaining,
        "amount_shipping": 0, "application": None, "attempt_count": view.attempt_count,
        "attempted": view.attempt_count > 0, "auto_advance": view.status == "open",
        "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None, "provider": None,
                          "status": None},
        "automatically_finalizes_at": None, "billing_reason": view.billing_reason,
        "collection_method": "charge_automatically", "created": view.created, "currency": "usd",
        "custom_fields": None, "customer": view.customer, "customer_account": None,
        "customer_address": view.customer_address, "customer_email": view.customer_email,
        "customer_name": view.customer_name, "customer_phone": view.customer_phone, "customer_shipping": None,
        "customer_tax_exempt": "none", "customer_tax_ids": [], "default_payment_method": None,
        "default_source": None, "default_tax_rates": [], "description": None, "discounts": [],
        "due_date": None, "effective_at": view.created, "ending_balance": 0, "footer": None,
        "from_invoice": None, "hosted_invoice_url": f"https://invoice.stripe.com/i/{view.id}",
        "id": view.id, "invoice_pdf": f"https://pay.stripe.com/invoice/{view.id}/pdf",
        "issuer": {"type": "self"}, "last_finalization_error": None, "latest_revision": None,
        "lines": stripe_list([line], f"/v1/invoices/{view.id}/lines"), "livemode": False,
        "metadata": {}, "next_payment_attempt": view.next_payment_attempt, "number": view.number,
        "object": "invoice", "on_behalf_of": None,
        "parent": {
            "quote_details": None,
            "subscription_details": {"metadata": {}, "subscription": view.subscription},
            "type": "subscription_details",
        },
        "payment_settings": {
            "default_mandate": None, "payment_method_options": _PAYMENT_OPTIONS, "payment_method_types": None,
        },
        "period_end": view.period_end, "period_start": view.period_start,
        "post_payment_credit_notes_amount": 0, "pre_payment_credit_notes_amount": 0, "receipt_number": None,
        "rendering": None, "shipping_cost": None, "shipping_details": None, "starting_balance": 0,
        "statement_descriptor": None, "status": view.status,
        "status_transitions": {
            "finalized_at": view.created, "marked_uncollectible_at": view.uncollectible_at,
            "paid_at": view.paid_at, "voided_at": None,
        },
        "subscription": view.subscription, "subtotal": amount, "subtotal_excluding_tax": amount,
        "test_clock": None, "total": amount, "total_discount_amounts": [], "total_excluding_tax": amount,
        "total_pretax_credit_amounts": [], "total_taxes": [], "webhooks_delivered_at": view.created,
    }
