"""Which assets a Stripe event changes, for the webhook sensor: the raw table of the object the event
carries, and raw.stripe_events itself (asset key paths)."""

from __future__ import annotations

from typing import Any

from pipelines.stripe.catalog import BY_OBJECT_TYPE, OBJECTS

# Money movements that create balance transactions, which have no events of their own.
_MOVES_MONEY = {"charge", "refund", "dispute", "payout"}


def _key(name: str) -> list[str]:
    return ["raw", OBJECTS[name].table]


def affected_assets(event_type: str, payload: dict[str, Any]) -> list[list[str]]:
    """Asset key paths to re-materialize for one event; empty when we ingest nothing it touches."""
    obj = ((payload.get("data") or {}).get("object") or {}) if isinstance(payload, dict) else {}
    spec = BY_OBJECT_TYPE.get(str(obj.get("object") or ""))
    if spec is None or not spec.mutable:
        return []  # e.g. checkout.session.completed: nothing we land changes
    keys = [_key(spec.name), _key("events")]
    if spec.object in _MOVES_MONEY:
        keys.append(_key("balance_transactions"))
    return keys
