"""A Stripe object as a raw row: id, typed keys, created, livemode, (snapshot time, deletion), the full object."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from pipelines.stripe.catalog import Key, ObjectSpec


def at(seconds: int | float | None) -> datetime | None:
    """Stripe times are unix seconds."""
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def _lookup(obj: dict[str, Any], path: str) -> Any:
    value: Any = obj
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _value(obj: dict[str, Any], k: Key) -> Any:
    value = None
    for path in k.paths:
        value = _lookup(obj, path)
        if value is not None:
            break
    if value is None:
        return None
    match k.kind:
        case "id":
            # Expandable fields are an id, or the object itself when expanded.
            return value.get("id") if isinstance(value, dict) else str(value)
        case "int":
            return int(value)
        case "bool":
            return bool(value)
        case "ts":
            return at(value)
        case _:
            return value if isinstance(value, str) else str(value)


def to_row(
    spec: ObjectSpec,
    obj: dict[str, Any],
    *,
    snapshot_at: datetime | None = None,
    deleted_at: datetime | None = None,
) -> tuple[Any, ...]:
    """The row in `spec.columns` order. Mutable objects need `snapshot_at`: when this version was current."""
    if not obj.get("id") or obj.get("object") != spec.object:
        raise ValueError(f"Not a Stripe {spec.object}: {str(obj)[:200]}")
    head = (obj["id"], *(_value(obj, k) for k in spec.keys), at(obj.get("created")), bool(obj.get("livemode")))
    tail = (snapshot_at, deleted_at) if spec.mutable else ()
    return (*head, *tail, orjson.dumps(obj).decode())
