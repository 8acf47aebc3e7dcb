"""Sync of one Stripe object into raw.stripe_<object>, resumable batch by batch.

Three ways, chosen per object from its saved state in raw._sync_state (JSON in `cursor`):
- append-only (events, balance transactions): every object created since the cursor, `created[gte]`;
- mutable, first run or full refresh: the whole list. Each row's `snapshot_at` is the newest event's
  time taken before listing, so any later event's snapshot wins over the listed version;
- mutable, afterwards: the events of that object since the cursor; each event's `data.object` is
  upserted when it is newer than the stored row (`snapshot_at`), `*.deleted` sets `deleted_at`.

Stripe lists newest first. A walk saves, with each batch and in the same transaction, the id it
reached and the `created` of the newest object it saw; a walk cut off resumes after that id, and only
a finished walk moves the cursor to that newest `created`. Re-reading the cursor's own second (`gte`)
is absorbed by the upsert.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from pipelines.loaders.copy_upsert import UpsertResult, copy_upsert
from pipelines.loaders.sync_state import resume, save_cursor
from pipelines.stripe.catalog import ObjectSpec
from pipelines.stripe.client import StripeApi
from pipelines.stripe.rows import at, to_row

SOURCE = "stripe"


@dataclass
class SyncResult:
    object: str
    mode: str = ""  # "created" (append-only), "full" or "events"
    fetched: int = 0  # objects, or events, read from the API
    pages: int = 0
    upserted: UpsertResult = field(default_factory=UpsertResult)
    cursor_before: str | None = None
    cursor_after: str | None = None
    seconds: float = 0.0
    note: str = ""

    @property
    def rows_per_second(self) -> float:
        return self.fetched / self.seconds if self.seconds else 0.0


Progress = Callable[[SyncResult], None]


class _Loader:
    """Rows waiting for the next batch commit; each commit saves the walk's state with the rows."""

    def __init__(
        self, conn: psycopg.Connection, spec: ObjectSpec, result: SyncResult, batch_rows: int,
        progress: Progress | None, account: str,
    ) -> None:
        self.conn, self.spec, self.result, self.account = conn, spec, result, account
        self.batch_rows, self.progress = batch_rows, progress
        self.rows: list[tuple[Any, ...]] = []

    def add(self, rows: Iterable[tuple[Any, ...]], state: dict[str, Any]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= self.batch_rows:
            self.commit(state)

    def commit(self, state: dict[str, Any]) -> None:
        with self.conn.transaction():
            if self.rows:
                self.result.upserted += copy_upsert(
                    self.conn,
                    schema="raw",
                    table=self.spec.table,
                    columns=self.spec.columns,
                    rows=self.rows,
                    version_column="snapshot_at" if self.spec.mutable else None,
                )
            self.result.cursor_after = json.dumps(state, separators=(",", ":"))
            save_cursor(self.conn, SOURCE, self.spec.name, self.result.cursor_after, len(self.rows),
                        account=self.account)
        self.rows = []
        if self.progress:
            self.progress(self.result)


def sync_object(
    conn: psycopg.Connection,
    api: StripeApi,
    spec: ObjectSpec,
    *,
    full_refresh: bool = False,
    batch_rows: int = 5000,
    max_event_age: timedelta | None = None,
    progress: Progress | None = None,
) -> SyncResult:
    """Bring raw.<spec.table> up to date. `max_event_age`: Stripe keeps events for 30 days, so a cursor
    older than that cannot be caught up from events and the object is listed in full again."""
    started = time.perf_counter()
    saved = resume(conn, SOURCE, spec.name, api.account)
    result = SyncResult(spec.name, cursor_before=saved.cursor, note=saved.note)
    state: dict[str, Any] = {} if full_refresh or not saved.cursor else json.loads(saved.cursor)
    loader = _Loader(conn, spec, result, batch_rows, progress, api.account)
    if not spec.mutable:
        _sync_created(api, spec, state, loader)
    elif "events_since" in state and "full" not in state and not _too_old(state["events_since"], max_event_age):
        _sync_from_events(api, spec, state, loader)
    else:
        if "events_since" in state and "full" not in state:
            result.note = f"cursor older than {max_event_age}: Stripe no longer has those events, listed in full"
        _sync_full(api, spec, state, loader)
    result.seconds = time.perf_counter() - started
    return result


def _too_old(since: int, max_age: timedelta | None) -> bool:
    return max_age is not None and datetime.now(UTC) - at(since) > max_age  # type: ignore[operator]


def _walk_state(base: dict[str, Any], high: int, after: str) -> dict[str, Any]:
    return {**base, "walk": {"high": high, "after": after}}


def _sync_created(api: StripeApi, spec: ObjectSpec, state: dict[str, Any], loader: _Loader) -> None:
    loader.result.mode = "created"
    since, walk = state.get("created"), state.get("walk") or {}
    base = {"created": since}
    high = walk.get("high")
    params = {"created": {"gte": since}} if since is not None else {}
    for page in api.pages(f"/v1/{spec.name}", params, starting_after=walk.get("after")):
        loader.result.pages += 1
        if not page:
            break
        loader.result.fetched += len(page)
        high = page[0]["created"] if high is None else high
        loader.add((to_row(spec, obj) for obj in page), _walk_state(base, high, page[-1]["id"]))
    loader.commit({"created": high if high is not None else since})


def _sync_full(api: StripeApi, spec: ObjectSpec, state: dict[str, Any], loader: _Loader) -> None:
    loader.result.mode = "full"
    full = state.get("full") or {}
    mark = full.get("mark")
    if mark is None:
        # Taken before listing: every change up to the newest event is in what we are about to list.
        mark = api.newest_created("/v1/events") or 0
    snapshot = at(mark)
    after = full.get("after")
    for page in api.pages(f"/v1/{spec.name}", spec.list_params, starting_after=after):
        loader.result.pages += 1
        if not page:
            break
        loader.result.fetched += len(page)
        after = page[-1]["id"]
        loader.add((to_row(spec, obj, snapshot_at=snapshot) for obj in page), {"full": {"mark": mark, "after": after}})
    loader.commit({"events_since": mark})


def _sync_from_events(api: StripeApi, spec: ObjectSpec, state: dict[str, Any], loader: _Loader) -> None:
    loader.result.mode = "events"
    since, walk = state["events_since"], state.get("walk") or {}
    base = {"events_since": since}
    high = walk.get("high")
    params = {"types": list(spec.event_types), "created": {"gte": since}}
    for page in api.pages("/v1/events", params, starting_after=walk.get("after")):
        loader.result.pages += 1
        if not page:
            break
        loader.result.fetched += len(page)
        high = page[0]["created"] if high is None else high
        loader.add(_event_rows(spec, page), _walk_state(base, high, page[-1]["id"]))
    loader.commit({"events_since": high if high is not None else since})


def _event_rows(spec: ObjectSpec, events: list[dict[str, Any]]) -> Iterable[tuple[Any, ...]]:
    for event in events:
        obj = (event.get("data") or {}).get("object") or {}
        if obj.get("object") != spec.object:
            continue  # a type we asked for can carry another object (e.g. a discount under customer.*)
        when = at(event["created"])
        yield to_row(spec, obj, snapshot_at=when, deleted_at=when if event["type"] == spec.deleted_event else None)
