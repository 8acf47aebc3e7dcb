"""Storing verified webhook events: idempotent by (source, event id), acknowledged fast; processing
belongs to the Dagster webhook sensor."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb


async def store_event(
    conn: AsyncConnection, *, source: str, event_id: str, event_type: str, payload: dict[str, Any]
) -> bool:
    """True when the event is new; False for a replay (already stored, nothing written)."""
    cur = await conn.execute(
        """INSERT INTO app.webhook_events (source, event_id, event_type, payload)
           VALUES (%s, %s, %s, %s)
           ON CONFLICT (source, event_id) DO NOTHING
           RETURNING webhook_event_id""",
        (source, event_id, event_type, Jsonb(payload)),
    )
    return await cur.fetchone() is not None
