"""app.webhook_events as the webhook sensor's queue: new events, which assets each one changes, and
what became of the run that processed them. Plain SQL and routing, no Dagster imports.

Each source routes its own events: `pipelines.<source>.events.affected_assets(event_type, payload)`
returns the asset key paths to re-materialize (empty: nothing we land changes).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.rows import class_row

log = logging.getLogger(__name__)

Router = Callable[[str, dict[str, Any]], list[list[str]]]
ROUTER_MODULES = {"stripe": "pipelines.stripe.events", "notion": "pipelines.notion.events"}


@dataclass(frozen=True)
class WebhookEvent:
    webhook_event_id: int
    source: str
    event_id: str
    event_type: str
    payload: dict[str, Any]
    attempts: int


@dataclass
class Routing:
    assets: set[tuple[str, ...]] = field(default_factory=set)
    routed: list[int] = field(default_factory=list)  # events the run will process
    nothing_to_do: list[int] = field(default_factory=list)  # events that change nothing we land
    unknown_assets: dict[int, list[tuple[str, ...]]] = field(default_factory=dict)  # routed to assets not defined


def router_for(source: str) -> Router | None:
    """The source's `affected_assets`, or None when that module does not exist (yet)."""
    name = ROUTER_MODULES.get(source)
    if name is None:
        return None
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            return None  # the module itself is missing, not something it imports
        raise
    return getattr(module, "affected_assets", None)


_COLUMNS = "webhook_event_id, source, event_id, event_type, payload, attempts"


def new_events(conn: psycopg.Connection, source: str, limit: int) -> list[WebhookEvent]:
    """Events of a source never handed to a run yet, oldest first.

    The table itself is the queue (not "ids above the last one seen"): an insert that committed after a
    later id was read is still picked up. Retries come back through `mark_failed`, not through here."""
    with conn.cursor(row_factory=class_row(WebhookEvent)) as cur:
        cur.execute(
            f"""SELECT {_COLUMNS} FROM app.webhook_events
                WHERE source = %s AND processed_at IS NULL AND run_id IS NULL AND attempts = 0
                  AND last_error IS NULL
                ORDER BY webhook_event_id LIMIT %s""",
            (source, limit),
        )
        return cur.fetchall()


def events_by_id(conn: psycopg.Connection, ids: Sequence[int]) -> list[WebhookEvent]:
    with conn.cursor(row_factory=class_row(WebhookEvent)) as cur:
        cur.execute(
            f"SELECT {_COLUMNS} FROM app.webhook_events WHERE webhook_event_id = ANY(%s) ORDER BY webhook_event_id",
            (list(ids),),
        )
        return cur.fetchall()


def route(
    events: Iterable[WebhookEvent], routers: dict[str, Router], known: set[tuple[str, ...]] | None = None
) -> Routing:
    """Group events by the assets they change. `known`: the asset keys that exist; assets outside it are
    left out, and an event with none left is kept aside rather than marked processed."""
    routing = Routing()
    for event in events:
        keys = {tuple(k) for k in routers[event.source](event.event_type, event.payload)}
        if not keys:
            routing.nothing_to_do.append(event.webhook_event_id)
            continue
        runnable = keys if known is None else keys & known
        if not runnable:
            routing.unknown_assets[event.webhook_event_id] = sorted(keys)
            continue
        routing.assets |= runnable
        routing.routed.append(event.webhook_event_id)
    return routing


def record_run(conn: psycopg.Connection, ids: Sequence[int], run_id: str) -> None:
    conn.execute(
        """UPDATE app.webhook_events SET run_id = %s
           WHERE webhook_event_id = ANY(%s) AND run_id IS DISTINCT FROM %s""",
        (run_id, list(ids), run_id),
    )


def mark_processed(conn: psycopg.Connection, ids: Sequence[int], run_id: str | None) -> None:
    conn.execute(
        """UPDATE app.webhook_events SET processed_at = now(), run_id = coalesce(%s, run_id), last_error = NULL
           WHERE webhook_event_id = ANY(%s) AND processed_at IS NULL""",
        (run_id, list(ids)),
    )


def mark_failed(conn: psycopg.Connection, ids: Sequence[int], error: str, *, max_attempts: int) -> list[int]:
    """Count a failed attempt; returns the events to try again (attempts left). The others stay
    unprocessed with their last_error, for a person to look at: never dropped. `error` names the run,
    so recording the same failure twice (a tick evaluated again) counts it once."""
    conn.execute(
        """UPDATE app.webhook_events SET attempts = attempts + 1, last_error = %s
           WHERE webhook_event_id = ANY(%s) AND processed_at IS NULL AND last_error IS DISTINCT FROM %s""",
        (error[:2000], list(ids), error[:2000]),
    )
    rows = conn.execute(
        """SELECT webhook_event_id, attempts FROM app.webhook_events
           WHERE webhook_event_id = ANY(%s) AND processed_at IS NULL""",
        (list(ids),),
    ).fetchall()
    return sorted(event_id for event_id, attempts in rows if attempts < max_attempts)


def note_error(conn: psycopg.Connection, ids: Sequence[int], error: str) -> None:
    conn.execute(
        "UPDATE app.webhook_events SET last_error = %s WHERE webhook_event_id = ANY(%s)", (error[:2000], list(ids))
    )
