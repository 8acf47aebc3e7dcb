"""Stripe API objects with the same top-level keys as Stripe's own examples (fixtures3.json).

Pure builders: every value comes from the arguments, so the same call gives the same object (an
event's snapshot and the final object differ only where the state changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

API_VERSION = "2025-09-30.clover"
NULL_ADDRESS = {"city": None, "country": None, "line1": None, "line2": None, "postal_code": None, "state": None}


@dataclass(frozen=True, slots=True)
class Card:
    payment_method: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    fingerprint: str
    funding: str


@dataclass(frozen=True, slots=True)
class PriceSpec:
    id: str
    product: str
    nickname: str
    unit_amount: int
    interval: str  # "month" or "year"
    created: int

    def __post_init__(self) -> None:
        if self.interval == "year" and self.unit_amount % 12:
            raise ValueError("Annual prices must divide into whole cents per month.")

    @property
    def monthly_cents(self) -> int:
        return self.unit_amount // 12 if self.interval == "year" else self.unit_amount


def stripe_list(data: list[dict[str, Any]], url: str) -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": False, "url": url}


def product(*, id: str, created: int, name: str, description: str, default_price: str) -> dict[str, Any]:
    return {
        "active": True, "created": created, "default_price": default_price, "description": description,
        "id": id, "images": [], "livemode": False, "marketing_features": [], "metadata": {}, "name": name,
        "object": "product", "package_dimensions": None, "shippable": None, "statement_descriptor": None,
        "tax_code": None, "unit_label": None, "updated": created, "url": None, "type": "service",
    }


def price(spec: PriceSpec) -> dict[str, Any]:
    return {
        "active": True, "billing_scheme": "per_unit", "created": spec.created, "currency": "usd",
        "custom_unit_amount": None, "id": spec.id, "livemode": False, "lookup_key": None, "metadata": {},
        "nickname": spec.nickname, "object": "price", "product": spec.product,
        "recurring": {
            "interval": spec.interval, "interval_count": 1, "meter": None, "usage_type": "licensed",
            "trial_period_days": None,
        },
        "tax_behavior": "unspecified", "tiers_mode": None, "transform_quantity": None, "type": "recurring",
        "unit_amount": spec.unit_amount, "unit_amount_decimal": str(spec.unit_amount),
    }


def plan(spec: PriceSpec) -> dict[str, Any]:
    """The legacy `plan` view of a price, still returned on subscription items."""
    return {
        "active": True, "amount": spec.unit_amount, "amount_decimal": str(spec.unit_amount),
        "billing_scheme": "per_unit", "created": spec.created, "currency": "usd", "id": spec.id,
        "interval": spec.interval, "interval_count": 1, "livemode": False, "metadata": {}, "meter": None,
        "nickname": spec.nickname, "object": "plan", "product": spec.product, "tiers_mode": None,
        "transform_usage": None, "trial_period_days": None, "usage_type": "licensed",
    }


def customer(
    *,
    id: str,
    created: int,
    email: str | None,
    name: str,
    phone: str,
    address: dict[str, Any],
    metadata: dict[str, str],
    invoice_prefix: str,
    next_invoice_sequence: int,
    delinquent: bool,
    default_payment_method: str | None,
) -> dict[str, Any]:
    return {
        "address": address, "balance": 0, "created": created, "currency": "usd", "default_source": None,
        "delinquent": delinquent, "description": None, "discount": None, "email": email, "id": id,
        "invoice_prefix": invoice_prefix,
        "invoice_settings": {
            "custom_fields": None, "default_payment_method": default_payment_method, "footer": None,
            "rendering_options": None,
        },
        "livemode": False, "metadata": metadata, "name": name, "next_invoice_sequence": next_invoice_sequence,
        "object": "customer", "phone": phone, "preferred_locales": ["en-US"], "shipping": None,
        "tax_exempt": "none", "test_clock": None,
    }


def _card_details(card: Card, amount: int) -> dict[str, Any]:
    return {
        "card": {
            "amount_authorized": amount, "authorization_code": None, "brand": card.brand,
            "checks": {"address_line1_check": None, "address_postal_code_check": "pass", "cvc_check": "pass"},
            "country": "US", "exp_month": card.exp_month, "exp_year": card.exp_year,
            "extended_authorization": {"status": "disabled"}, "fingerprint": card.fingerprint,
            "funding": card.funding, "incremental_authorization": {"status": "unavailable"},
            "installments": None, "last4": card.last4, "mandate": None,
            "multicapture": {"status": "unavailable"}, "network": card.brand, "network_token": {"used": False},
            "network_transaction_id": None,
            "overcapture": {"maximum_amount_capturable": amount, "status": "unavailable"},
            "regulated_status": "unregulated", "three_d_secure": None, "wallet": None,
        },
        "type": "card",
    }


DECLINES = {
    "insufficient_funds": "Your card has insufficient funds.",
    "generic_decline": "Your card was declined.",
    "expired_card": "Your card has expired.",
    "do_not_honor": "Your card was declined.",
}


def charge(
    *,
    id: str,
    created: int,
    amount: int,
    customer: str,
    description: str,
    metadata: dict[str, str],
    payment_intent: str,
    card: Card,
    billing_name: str,
    billing_email: str | None,
    succeeded: bool,
    decline_code: str | None,
    balance_transaction: str | None,
    refunds: list[dict[str, Any]],
    disputed: bool,
) -> dict[str, Any]:
    refunded_amount = sum(r["amount"] for r in refunds)
    if succeeded:
        outcome = {
            "advice_code": None, "network_advice_code": None, "network_decline_code": None,
            "network_status": "approved_by_network", "reason": None, "risk_level": "normal",
            "risk_score": int(id[-2:], 36) % 60, "seller_message": "Payment complete.", "type": "authorized",
        }
    else:
        outcome = {
            "advice_code": "try_again_later", "network_advice_code": None, "network_decline_code": decline_code,
            "network_status": "declined_by_network", "reason": decline_code, "risk_level": "normal",
            "risk_score": int(id[-2:], 36) % 60,
            "seller_message": f"The bank returned the decline code `{decline_code}`.", "type": "issuer_declined",
        }
    return {
        "amount": amount, "amount_captured": amount if succeeded else 0, "amount_refunded": refunded_amount,
        "application": None, "application_fee": None, "application_fee_amount": None,
        "balance_transaction": balance_transaction,
        "billing_details": {
            "address": NULL_ADDRESS, "email": billing_email, "name": billing_name, "phone": None, "tax_id": None,
        },
        "calculated_statement_descriptor": "SUMMIT RIDGE ROOFING", "captured": succeeded, "created": created,
        "currency": "usd", "customer": customer, "description": description, "disputed": disputed,
        "failure_balance_transaction": None,
        "failure_code": None if succeeded else ("expired_card" if decline_code == "expired_card" else "card_declined"),
        "failure_message": None if succeeded else DECLINES[decline_code or "generic_decline"],
        "fraud_details": {}, "id": id, "livemode": False, "metadata": metadata, "object": "charge",
        "on_behalf_of": None, "outcome": outcome, "paid": succeeded, "payment_intent": payment_intent,
        "payment_method": card.payment_method, "payment_method_details": _card_details(card, amount),
        "receipt_email": billing_email, "receipt_number": None,
        "receipt_url": f"https://pay.stripe.com/receipts/payment/{id}" if succeeded else None,
        "refunded": succeeded and refunded_amount == amount,
        "refunds": stripe_list(refunds, f"/v1/charges/{id}/refunds"),
        "review": None, "shipping": None, "source_transfer": None, "statement_descriptor": None,
        "statement_descriptor_suffix": None, "status": "succeeded" if succeeded else "failed",
        "transfer_data": None, "transfer_group": None, "source": None,
    }


def payment_intent(
    *,
    id: str,
    client_secret: str,
    created: int,
    amount: int,
    customer: str,
    description: str,
    metadata: dict[str, str],
    payment_method: str,
    latest_charge: str,
    succeeded: bool,
    last_decline: str | None,
) -> dict[str, Any]:
    error = None
    if last_decline and not succeeded:
        error = {
            "charge": latest_charge, "code": "card_declined", "decline_code": last_decline,
            "message": DECLINES[last_decline], "type": "card_error",
        }
    return {
        "amount": amount, "amount_capturable": 0, "amount_details": {"tip": {}},
        "amount_received": amount if succeeded else 0, "application": None, "application_fee_amount": None,
        "automatic_payment_methods": None, "canceled_at": None, "cancellation_reason": None,
        "capture_method": "automatic", "client_secret": client_secret, "confirmation_method": "automatic",
        "created": created, "currency": "usd", "customer": customer, "description": description, "id": id,
        "last_payment_error": error, "latest_charge": latest_charge, "livemode": False, "metadata": metadata,
        "next_action": None, "object": "payment_intent", "on_behalf_of": None,
        "payment_method": payment_method if succeeded else None,
        "payment_method_configuration_details": None,
        "payment_method_options": {"card": {"installments": None, "mandate_options": None, "network": None,
                                            "request_three_d_secure": "automatic"}},
        "payment_method_types": ["card"], "processing": None, "receipt_email": None, "review": None,
        "setup_future_usage": None, "shipping": None, "statement_descriptor": None,
        "statement_descriptor_suffix": None, "status": "succeeded" if succeeded else "requires_payment_method",
        "transfer_data": None, "transfer_group": None, "source": None, "excluded_payment_method_types": None,
        "customer_account": None, "managed_payments": None,
    }


def refund(
    *,
    id: str,
    created: int,
    amount: int,
    charge: str,
    payment_intent: str,
    balance_transaction: str,
    reason: str,
    customer: str,
    payment_method: str,
    metadata: dict[str, str],
) -> dict[str, Any]:
    return {
        "amount": amount, "balance_transaction": balance_transaction, "charge": charge, "created": created,
        "currency": "usd",
        "destination_details": {
            "card": {"reference": None, "reference_status": "pending", "reference_type": "acquirer_reference_number",
                     "type": "refund"},
            "type": "card",
        },
        "id": id, "metadata": metadata, "object": "refund", "payment_intent": payment_intent, "reason": reason,
        "receipt_number": None, "source_transfer_reversal": None, "status": "succeeded",
        "transfer_reversal": None, "customer": customer, "customer_account": None, "payment_method": payment_method,
    }


def balance_transaction(
    *,
    id: str,
    created: int,
    available_on: int,
    amount: int,
    fee: int,
    description: str | None,
    source: str,
    type: str,
    reporting_category: str,
    available: bool,
) -> dict[str, Any]:
    fee_details = (
        [{"amount": fee, "application": None, "currency": "usd", "description": "Stripe processing fees",
          "type": "stripe_fee"}]
        if fee else []
    )
    return {
        "amount": amount, "available_on": available_on, "created": created, "currency": "usd",
        "description": description, "exchange_rate": None, "fee": fee, "fee_details": fee_details, "id": id,
        "net": amount - fee, "object": "balance_transaction", "reporting_category": reporting_category,
        "source": source, "status": "available" if available else "pending", "type": type,
        "balance_type": "payments",
    }


def dispute(
    *,
    id: str,
    created: int,
    amount: int,
    charge: str,
    payment_intent: str,
    card: Card,
    reason: str,
    status: str,
    balance_transactions: list[dict[str, Any]],
    due_by: int,
    customer_email: str | None,
    customer_name: str,
) -> dict[str, Any]:
    evidence_keys = (
        "access_activity_log", "billing_address", "cancellation_policy", "cancellation_policy_disclosure",
        "cancellation_rebuttal", "customer_communication", "customer_email_address", "customer_name",
        "customer_purchase_ip", "customer_signature", "duplicate_charge_documentation",
        "duplicate_charge_explanation", "duplicate_charge_id", "product_description", "receipt",
        "refund_policy", "refund_policy_disclosure", "refund_refusal_explanation", "service_date",
        "service_documentation", "shipping_address", "shipping_carrier", "shipping_date",
        "shipping_documentation", "shipping_tracking_number", "uncategorized_file", "uncategorized_text",
    )
    evidence: dict[str, Any] = dict.fromkeys(evidence_keys)
    evidence |= {"customer_email_address": customer_email, "customer_name": customer_name, "enhanced_evidence": {}}
    submitted = status in ("under_review", "won", "lost")
    return {
        "amount": amount, "balance_transactions": balance_transactions, "charge": charge, "created": created,
        "currency": "usd", "evidence": evidence,
        "evidence_details": {
            "due_by": due_by, "has_evidence": submitted, "past_due": False,
            "submission_count": 1 if submitted else 0, "enhanced_eligibility": {},
        },
        "id": id, "is_charge_refundable": False, "livemode": False, "metadata": {}, "object": "dispute",
        "payment_intent": payment_intent,
        "payment_method_details": {
            "card": {"brand": card.brand, "case_type": "chargeback", "network_reason_code": "13.3",
                     "network": card.brand},
            "type": "card",
        },
        "reason": reason, "status": status, "enhanced_eligibility_types": [],
    }


def payout(
    *,
    id: str,
    created: int,
    arrival_date: int,
    amount: int,
    balance_transaction: str,
    destination: str,
    paid: bool,
) -> dict[str, Any]:
    return {
        "amount": amount, "application_fee": None, "application_fee_amount": None, "arrival_date": arrival_date,
        "automatic": True, "balance_transaction": balance_transaction, "created": created, "currency": "usd",
        "description": "STRIPE PAYOUT", "destination": destination, "failure_balance_transaction": None,
        "failure_code": None, "failure_message": None, "id": id, "livemode": False, "metadata": {},
        "method": "standard", "object": "payout", "original_payout": None,
        "reconciliation_status": "completed" if paid else "in_progress", "reversed_by": None,
        "source_type": "card", "statement_descriptor": None, "status": "paid" if paid else "in_transit",
        "type": "bank_account", "trace_id": {"status": "supported" if paid else "pending", "value": None},
        "payout_method": None,
    }


def event(*, id: str, created: int, type: str, obj: dict[str, Any],
          previous_attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"object": obj}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    return {
        "api_version": API_VERSION, "created": created, "data": data, "id": id, "livemode": False,
        "object": "event", "pending_webhooks": 0, "request": {"id": None, "idempotency_key": None}, "type": type,
    }
