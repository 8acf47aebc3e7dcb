"""The Stripe objects we ingest and how each maps onto its raw table.

Two kinds: append-only objects (events, balance transactions) load incrementally on `created`;
mutable ones are listed in full once, then kept current from the events that carry their snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["text", "id", "int", "bool", "ts"]


@dataclass(frozen=True)
class Key:
    """A typed raw column taken from the object. `paths` are dotted paths tried in order (API versions
    moved some fields); kind `id` accepts an expanded object as well as its id."""

    column: str
    paths: tuple[str, ...]
    kind: Kind = "text"


def key(column: str, *paths: str, kind: Kind = "text") -> Key:
    return Key(column, paths or (column,), kind)


@dataclass(frozen=True)
class ObjectSpec:
    name: str  # the list path, /v1/<name>, e.g. "payment_intents"
    object: str  # the object's own `object` field, e.g. "payment_intent"
    keys: tuple[Key, ...] = ()
    mutable: bool = True
    # Events whose data.object is a snapshot of this object (Stripe's `types[]` takes at most 20).
    event_types: tuple[str, ...] = ()
    # The event that means the object is gone from the API (not merely ended, like a canceled subscription).
    deleted_event: str | None = None
    # Extra list parameters for a full load, e.g. subscriptions hide canceled ones unless status=all.
    list_params: dict[str, Any] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return f"stripe_{self.name}"

    @property
    def columns(self) -> list[str]:
        tail = ["snapshot_at", "deleted_at"] if self.mutable else []
        return ["id", *(k.column for k in self.keys), "created", "livemode", *tail, "data"]


def _events(obj: str, *actions: str) -> tuple[str, ...]:
    return tuple(f"{obj}.{a}" for a in actions)


OBJECTS: dict[str, ObjectSpec] = {
    spec.name: spec
    for spec in (
        ObjectSpec(
            "customers",
            "customer",
            (
                key("email"),
                key("name"),
                key("currency"),
                key("balance", kind="int"),
                key("delinquent", kind="bool"),
            ),
            event_types=_events("customer", "created", "updated", "deleted"),
            deleted_event="customer.deleted",
        ),
        ObjectSpec(
            "products",
            "product",
            (key("name"), key("active", kind="bool"), key("default_price_id", "default_price", kind="id")),
            event_types=_events("product", "created", "updated", "deleted"),
            deleted_event="product.deleted",
        ),
        ObjectSpec(
            "prices",
            "price",
            (
                key("product_id", "product", kind="id"),
                key("active", kind="bool"),
                key("type"),
                key("currency"),
                key("unit_amount", kind="int"),
                key("recurring_interval", "recurring.interval"),
            ),
            event_types=_events("price", "created", "updated", "deleted"),
            deleted_event="price.deleted",
        ),
        ObjectSpec(
            "subscriptions",
            "subscription",
            (
                key("customer_id", "customer", kind="id"),
                key("status"),
                key("currency"),
                key("latest_invoice_id", "latest_invoice", kind="id"),
                key("start_date", kind="ts"),
                key("canceled_at", kind="ts"),
                key("ended_at", kind="ts"),
            ),
            event_types=_events(
                "customer.subscription",
                "created",
                "updated",
                "deleted",
                "paused",
                "resumed",
                "pending_update_applied",
                "pending_update_expired",
                "trial_will_end",
            ),
            list_params={"status": "all"},
        ),
        ObjectSpec(
            "invoices",
            "invoice",
            (
                key("customer_id", "customer", kind="id"),
                key("subscription_id", "parent.subscription_details.subscription", "subscription", kind="id"),
                key("number"),
                key("status"),
                key("currency"),
                key("amount_due", kind="int"),
                key("amount_paid", kind="int"),
                key("amount_remaining", kind="int"),
                key("total", kind="int"),
            ),
            event_types=_events(
                "invoice",
                "created",
                "updated",
                "deleted",
                "finalized",
                "finalization_failed",
                "paid",
                "payment_succeeded",
                "payment_failed",
                "payment_action_required",
                "marked_uncollectible",
                "voided",
                "sent",
                "overdue",
                "will_be_due",
            ),
            deleted_event="invoice.deleted",
        ),
        ObjectSpec(
            "charges",
            "charge",
            (
                key("customer_id", "customer", kind="id"),
                key("payment_intent_id", "payment_intent", kind="id"),
                key("balance_transaction_id", "balance_transaction", kind="id"),
                key("status"),
                key("currency"),
                key("amount", kind="int"),
                key("amount_refunded", kind="int"),
                key("paid", kind="bool"),
                key("refunded", kind="bool"),
                key("disputed", kind="bool"),
            ),
            event_types=_events(
                "charge", "succeeded", "failed", "pending", "captured", "expired", "refunded", "updated"
            ),
        ),
        ObjectSpec(
            "payment_intents",
            "payment_intent",
            (
                key("customer_id", "customer", kind="id"),
                key("latest_charge_id", "latest_charge", kind="id"),
                key("status"),
                key("currency"),
                key("amount", kind="int"),
                key("amount_received", kind="int"),
            ),
            event_types=_events(
                "payment_intent",
                "created",
                "succeeded",
                "payment_failed",
                "processing",
                "requires_action",
                "amount_capturable_updated",
                "partially_funded",
                "canceled",
            ),
        ),
        ObjectSpec(
            "refunds",
            "refund",
            (
                key("charge_id", "charge", kind="id"),
                key("payment_intent_id", "payment_intent", kind="id"),
                key("balance_transaction_id", "balance_transaction", kind="id"),
                key("status"),
                key("reason"),
                key("currency"),
                key("amount", kind="int"),
            ),
            event_types=("refund.created", "refund.updated", "refund.failed", "charge.refund.updated"),
        ),
        ObjectSpec(
            "disputes",
            "dispute",
            (
                key("charge_id", "charge", kind="id"),
                key("payment_intent_id", "payment_intent", kind="id"),
                key("status"),
                key("reason"),
                key("currency"),
                key("amount", kind="int"),
            ),
            event_types=_events(
                "charge.dispute", "created", "updated", "closed", "funds_withdrawn", "funds_reinstated"
            ),
        ),
        ObjectSpec(
            "payouts",
            "payout",
            (
                key("balance_transaction_id", "balance_transaction", kind="id"),
                key("status"),
                key("currency"),
                key("amount", kind="int"),
                key("arrival_date", kind="ts"),
            ),
            event_types=_events(
                "payout", "created", "updated", "paid", "failed", "canceled", "reconciliation_completed"
            ),
        ),
        ObjectSpec(
            "balance_transactions",
            "balance_transaction",
            (
                key("source_id", "source", kind="id"),
                key("type"),
                key("reporting_category"),
                key("status"),
                key("currency"),
                key("amount", kind="int"),
                key("fee", kind="int"),
                key("net", kind="int"),
                key("available_on", kind="ts"),
            ),
            mutable=False,
        ),
        ObjectSpec(
            "events",
            "event",
            (
                key("type"),
                key("object_type", "data.object.object"),
                key("object_id", "data.object.id"),
                key("api_version"),
            ),
            mutable=False,
        ),
    )
}

MUTABLE = [spec for spec in OBJECTS.values() if spec.mutable]
BY_OBJECT_TYPE: dict[str, ObjectSpec] = {spec.object: spec for spec in OBJECTS.values()}
