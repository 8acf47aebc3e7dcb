"""A local Notion API (version 2025-09-03) serving the sample knowledge base.

Speaks what the official notion-client sends and what our sync relies on:
- `POST /v1/search` (filter by object `page`/`data_source`, sort by `last_edited_time`, trashed pages left out),
  `POST /v1/data_sources/{id}/query` (timestamp filters such as `last_edited_time.on_or_after`, combined
  with `and`; timestamp sorts; `in_trash`), `GET /v1/blocks/{id}/children`, `GET /v1/pages/{id}`,
  `GET /v1/data_sources/{id}`, `GET /v1/users/me`;
- cursor pagination (`start_cursor`, `page_size` ≤ 100; `next_cursor` is the id of the next result);
- Notion's error objects: 400 `validation_error`/`invalid_json`/`invalid_request_url`/`missing_version`,
  401 `unauthorized`, 404 `object_not_found`, 429 `rate_limited` with `Retry-After` (whole seconds);
- a bearer token and a `Notion-Version` header on every request;
- optionally Notion's rate limit (about 3 requests/s on average, bursts allowed), and injected 429s and
  500s (`Faults`, shared with the other stand-ins);
- admin routes (`/_admin/pages`) that add, edit, trash and remove pages the way a Notion user would, bumping
  `last_edited_time`, for incremental-sync tests.
"""

from __future__ import annotations

import json
import math
import threading
import time
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from brainops.sample.notion_blocks import Blk, BlockBuilder, notion_time, rich_text, user_ref
from brainops.standins.faults import Faults
from brainops.standins.jsonl_store import to_micros
from brainops.standins.notion_store import OPERATORS, SORT_COLUMNS, NotionStore, TimeFilter

NOTION_VERSION = "2025-09-03"
MAX_PAGE_SIZE = 100
BOT_USER_ID = "6b1f0c52-8d1e-4c1a-9d0e-5b2a7c3e9f10"
WORKSPACE_ID = "0f3c2d8e-7a41-4b6f-9c5d-2e8a1b7d4c60"


class Problem(Exception):
    """A request Notion would refuse: becomes an error object."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def invalid(message: str) -> Problem:
    return Problem(400, "validation_error", message)


@dataclass
class RateLimit:
    """A token bucket like Notion's: `rate` requests per second on average, bursts of up to `burst`.
    A rate of 0 turns it off (the default: sample mode should not crawl)."""

    rate: float = 0.0
    burst: float = 10.0
    _tokens: float | None = None
    _last: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_needed(self) -> float:
        """0 when the request may go ahead (a token is spent), else the seconds until one is free."""
        if self.rate <= 0:
            return 0.0
        with self._lock:
            now = time.monotonic()
            tokens = self.burst if self._tokens is None else self._tokens
            tokens = min(self.burst, tokens + (now - self._last) * self.rate)
            self._last = now
            if tokens >= 1:
                self._tokens = tokens - 1
                return 0.0
            self._tokens = tokens
            return (1 - tokens) / self.rate


@dataclass
class RequestLog:
    """What the server saw, for tests that measure a client: (monotonic time, method, path, status)."""

    entries: deque = field(default_factory=lambda: deque(maxlen=100_000))

    def add(self, method: str, path: str, status: int) -> None:
        self.entries.append((time.monotonic(), method, path, status))


def open_store(sample_dir: Path) -> NotionStore:
    """The sample's knowledge base indexed in SQLite (built once per generated sample)."""
    db = sample_dir / "notion.sqlite"
    manifest = sample_dir / "manifest.json"
    if not manifest.exists():
        raise FileNotFoundError(f"No sample business at {sample_dir}. Run `brainops sample generate` first.")
    if not db.exists() or db.stat().st_mtime < manifest.stat().st_mtime:
        folder = sample_dir / "notion"
        return NotionStore.build(db, folder / "pages.jsonl", folder / "data_sources.jsonl")
    return NotionStore(db)


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"object": "error", "status": status, "code": code, "message": message, "request_id": str(uuid.uuid4())}
    return JSONResponse(body, status, headers=headers)


def with_request_id(doc: str) -> str:
    return f'{doc[:-1]},"request_id":"{uuid.uuid4()}"}}'


def list_response(docs: list[str], next_cursor: str | None, list_type: str) -> Response:
    # The stored documents are already JSON: splice them rather than parse and re-serialise.
    meta = {
        "next_cursor": next_cursor,
        "has_more": next_cursor is not None,
        "type": list_type,
        list_type: {},
        "request_id": str(uuid.uuid4()),
    }
    tail = json.dumps(meta, separators=(",", ":"))[1:]
    return Response(f'{{"object":"list","results":[{",".join(docs)}],{tail}', media_type="application/json")


def parse_uuid(raw: str, where: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise invalid(f'path failed validation: path.{where} should be a valid uuid, instead was `"{raw}"`.') from None


def parse_page_size(value: Any, where: str) -> int:
    try:
        size = int(value)
    except (TypeError, ValueError):
        raise invalid(
            f"{where} failed validation: {where}.page_size should be a number, instead was `{value}`."
        ) from None
    if size < 1 or size > MAX_PAGE_SIZE:
        raise invalid(
            f"{where} failed validation: {where}.page_size should be ≤ `100` and ≥ `1`, instead was `{size}`."
        )
    return size


def parse_time(value: Any, where: str) -> int:
    try:
        return to_micros(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise invalid(
            f"body failed validation: {where} should be a valid ISO 8601 date string, instead was `{value}`."
        ) from None


def parse_filter(spec: Any) -> list[TimeFilter]:
    """Timestamp filters, alone or combined with `and` (what incremental syncs use)."""
    if spec is None:
        return []
    if not isinstance(spec, dict):
        raise invalid("body failed validation: body.filter should be an object.")
    if "and" in spec:
        return [f for part in spec["and"] for f in parse_filter(part)]
    timestamp = spec.get("timestamp")
    if timestamp not in SORT_COLUMNS:
        raise invalid(
            "body failed validation: body.filter should be a timestamp filter on `created_time` or "
            "`last_edited_time` (this local stand-in does not evaluate property filters)."
        )
    condition = spec.get(timestamp)
    if not isinstance(condition, dict) or len(condition) != 1 or next(iter(condition)) not in OPERATORS:
        raise invalid(
            f"body failed validation: body.filter.{timestamp} should define one of "
            f"{', '.join(f'`{op}`' for op in OPERATORS)}."
        )
    op, value = next(iter(condition.items()))
    return [TimeFilter(SORT_COLUMNS[timestamp], op, parse_time(value, f"body.filter.{timestamp}.{op}"))]


def parse_sort(spec: Any, where: str) -> tuple[str, bool]:
    """(timestamp, descending); newest edit first when no sort is given."""
    if spec is None:
        return "last_edited_time", True
    if not isinstance(spec, dict) or spec.get("timestamp") not in SORT_COLUMNS:
        raise invalid(
            f"body failed validation: {where}.timestamp should be `created_time` or `last_edited_time` "
            "(this local stand-in sorts by timestamps only)."
        )
    direction = spec.get("direction", "descending")
    if direction not in ("ascending", "descending"):
        raise invalid(f'body failed validation: {where}.direction should be `"ascending"` or `"descending"`.')
    return spec["timestamp"], direction == "descending"


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise Problem(400, "invalid_json", "Error parsing JSON body.") from None
    if not isinstance(body, dict):
        raise invalid("body failed validation: body should be an object.")
    return body


class Cursors:
    """Where each issued cursor continues: a cursor is the id of the next result, and its sort key is
    remembered as issued, so an edit in between does not move it (a bounded memory; unknown cursors
    fall back to the object's current key)."""

    def __init__(self, size: int = 4096) -> None:
        self._keys: OrderedDict[tuple, tuple[int, str]] = OrderedDict()
        self._lock = threading.Lock()
        self.size = size

    def remember(self, signature: tuple, key: tuple[int, str]) -> str:
        with self._lock:
            self._keys[(signature, key[1])] = key
            while len(self._keys) > self.size:
                self._keys.popitem(last=False)
        return key[1]

    def resolve(self, signature: tuple, cursor: str, store: NotionStore, sort: str) -> tuple[int, str]:
        with self._lock:
            known = self._keys.get((signature, cursor))
        if known:
            return known
        try:
            object_id = str(uuid.UUID(cursor))
        except ValueError:
            object_id = ""
        key = store.sort_key(object_id, sort) if object_id else None
        if key is None:
            raise invalid(
                f"body failed validation: body.start_cursor should be a valid cursor, instead was `{cursor}`."
            )
        return key, object_id


def bump(previous: str | None) -> str:
    """A new last_edited_time: now (to the minute, as Notion stores it), and always after the previous one."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    if previous:
        now = max(now, datetime.fromisoformat(previous.replace("Z", "+00:00")) + timedelta(minutes=1))
    return notion_time(now)


def to_blk(spec: dict[str, Any]) -> Blk:
    return Blk(
        spec.get("kind", "p"),
        spec.get("text", ""),
        [to_blk(child) for child in spec.get("children", [])],
        dict(spec.get("meta", {})),
    )


def build_blocks(page: dict[str, Any], specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    at = datetime.fromisoformat(page["last_edited_time"].replace("Z", "+00:00"))
    author = page["created_by"]["id"]
    builder = BlockBuilder(Random(), created=at, edited=at, author=author, editor=page["last_edited_by"]["id"])
    return builder.build_all([to_blk(s) for s in specs], {"type": "page_id", "page_id": page["id"]})


def set_title(page: dict[str, Any], title: str) -> None:
    properties = page.setdefault("properties", {})
    name = next((k for k, p in properties.items() if p.get("type") == "title"), "title")
    properties[name] = {"id": "title", "type": "title", "title": rich_text(title)}


def set_trashed(page: dict[str, Any], trashed: bool) -> None:
    page["in_trash"] = page["archived"] = page["is_archived"] = trashed


def create_app(
    store: NotionStore,
    *,
    token: str | None = "sample",
    rate_limit: RateLimit | None = None,
    faults: Faults | None = None,
    workspace_id: str = WORKSPACE_ID,
) -> FastAPI:
    """`workspace_id`: the workspace GET /v1/users/me names (two stand-ins with different ids are two accounts)."""
    app = FastAPI(title="Notion API (local stand-in)", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.rate_limit = rate_limit or RateLimit()
    app.state.faults = faults or Faults()
    app.state.log = RequestLog()
    cursors = Cursors()

    @app.middleware("http")
    async def notion_gate(request: Request, call_next):
        if not request.url.path.startswith("/v1/"):
            return await call_next(request)
        response = await _gate(request) or await call_next(request)
        app.state.log.add(request.method, request.url.path, response.status_code)
        return response

    async def _gate(request: Request) -> Response | None:
        if token is not None:
            header = request.headers.get("authorization", "")
            if not header.startswith("Bearer ") or header.removeprefix("Bearer ").strip() != token:
                return error_response(401, "unauthorized", "API token is invalid.")
        version = request.headers.get("notion-version")
        if version is None:
            return error_response(
                400,
                "missing_version",
                "Notion-Version header failed validation: Notion-Version header should be defined, "
                "instead was `undefined`.",
            )
        if version != NOTION_VERSION:
            return error_response(
                400,
                "validation_error",
                f"Notion-Version header failed validation: this local stand-in speaks `{NOTION_VERSION}`, "
                f"instead was `{version}`.",
            )
        wait = app.state.rate_limit.wait_needed()
        if wait > 0:
            return error_response(
                429,
                "rate_limited",
                "You have been rate limited. Please try again in a few minutes.",
                {"Retry-After": str(max(1, math.ceil(wait)))},
            )
        fault = app.state.faults.next()
        if fault == 429:
            return error_response(
                429,
                "rate_limited",
                "You have been rate limited. Please try again in a few minutes.",
                {"Retry-After": app.state.faults.retry_after},
            )
        if fault == 500:
            return error_response(500, "internal_server_error", "Unexpected error occurred.")
        if fault:  # an outage
            return error_response(fault, "service_unavailable", "Notion is unavailable (injected outage).",
                                  app.state.faults.outage_headers())
        return None

    @app.exception_handler(Problem)
    async def problem(request: Request, exc: Problem) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message)

    def page_of_objects(
        signature: tuple, rows_for, *, sort: str, size: int, start_cursor: str | None, list_type: str
    ) -> Response:
        start = cursors.resolve(signature, start_cursor, store, sort) if start_cursor else None
        rows = rows_for(start, size + 1)
        next_cursor = cursors.remember(signature, (rows[size][0], rows[size][1])) if len(rows) > size else None
        return list_response([r[2] for r in rows[:size]], next_cursor, list_type)

    @app.post("/v1/search")
    async def search(request: Request) -> Response:
        body = await json_body(request)
        kind = None
        if (spec := body.get("filter")) is not None:
            if not isinstance(spec, dict) or spec.get("property") != "object":
                raise invalid('body failed validation: body.filter.property should be `"object"`.')
            if spec.get("value") not in ("page", "data_source"):
                raise invalid(
                    'body failed validation: body.filter.value should be `"page"` or `"data_source"`, '
                    f"instead was `{json.dumps(spec.get('value'))}`."
                )
            kind = spec["value"]
        sort, descending = parse_sort(body.get("sort"), "body.sort")
        if sort != "last_edited_time":
            raise invalid('body failed validation: body.sort.timestamp should be `"last_edited_time"`.')
        size = parse_page_size(body.get("page_size", MAX_PAGE_SIZE), "body")
        query = body.get("query") or None
        signature = ("search", kind, query, descending)

        def rows(start, limit):
            return store.list_objects(
                kind=kind, in_trash=False, title_contains=query, descending=descending, start=start, limit=limit
            )

        return page_of_objects(
            signature,
            rows,
            sort=sort,
            size=size,
            start_cursor=body.get("start_cursor"),
            list_type="page_or_data_source",
        )

    @app.post("/v1/data_sources/{data_source_id}/query")
    async def query_data_source(data_source_id: str, request: Request) -> Response:
        source_id = parse_uuid(data_source_id, "data_source_id")
        found = store.get_object(source_id)
        if found is None or found[0] != "data_source":
            raise not_found("data_source", source_id)
        body = await json_body(request)
        filters = parse_filter(body.get("filter"))
        sorts = body.get("sorts") or []
        if not isinstance(sorts, list):
            raise invalid("body failed validation: body.sorts should be an array.")
        sort, descending = parse_sort(sorts[0] if sorts else None, "body.sorts[0]")
        in_trash = bool(body.get("in_trash", body.get("archived", False)))
        size = parse_page_size(body.get("page_size", MAX_PAGE_SIZE), "body")
        signature = ("query", source_id, tuple(filters), sort, descending, in_trash)

        def rows(start, limit):
            return store.list_objects(
                kind="page",
                data_source_id=source_id,
                in_trash=in_trash,
                filters=filters,
                sort=sort,
                descending=descending,
                start=start,
                limit=limit,
            )

        return page_of_objects(
            signature,
            rows,
            sort=sort,
            size=size,
            start_cursor=body.get("start_cursor"),
            list_type="page_or_data_source",
        )

    @app.get("/v1/blocks/{block_id}/children")
    def block_children(block_id: str, request: Request) -> Response:
        parent_id = parse_uuid(block_id, "block_id")
        if not store.block_exists(parent_id):
            raise not_found("block", parent_id)
        size = parse_page_size(request.query_params.get("page_size", MAX_PAGE_SIZE), "query")
        start = 0
        if cursor := request.query_params.get("start_cursor"):
            position = store.block_position(parse_uuid(cursor, "start_cursor"))
            if position is None or position[0] != parent_id:
                raise invalid(
                    f"query failed validation: query.start_cursor should be a valid cursor, instead was `{cursor}`."
                )
            start = position[1]
        rows = store.children(parent_id, from_position=start, limit=size + 1)
        next_cursor = rows[size][1] if len(rows) > size else None
        return list_response([r[2] for r in rows[:size]], next_cursor, "block")

    @app.get("/v1/pages/{page_id}")
    def retrieve_page(page_id: str) -> Response:
        object_id = parse_uuid(page_id, "page_id")
        found = store.get_object(object_id)
        if found is None or found[0] != "page":
            raise not_found("page", object_id)
        return Response(with_request_id(found[1]), media_type="application/json")

    @app.get("/v1/data_sources/{data_source_id}")
    def retrieve_data_source(data_source_id: str) -> Response:
        object_id = parse_uuid(data_source_id, "data_source_id")
        found = store.get_object(object_id)
        if found is None or found[0] != "data_source":
            raise not_found("data_source", object_id)
        return Response(with_request_id(found[1]), media_type="application/json")

    @app.get("/v1/users/me")
    def me() -> JSONResponse:
        return JSONResponse(
            {
                "object": "user",
                "id": BOT_USER_ID,
                "name": "BrainOps (local stand-in)",
                "avatar_url": None,
                "type": "bot",
                "bot": {
                    "owner": {"type": "workspace", "workspace": True},
                    "workspace_name": "Sample knowledge base",
                    "workspace_id": workspace_id,
                    "workspace_limits": {"max_file_upload_size_in_bytes": 5242880},
                },
                "request_id": str(uuid.uuid4()),
            }
        )

    @app.api_route("/v1/{rest:path}", methods=["GET", "POST", "PATCH", "PUT", "DELETE"])
    def unknown_route(rest: str) -> JSONResponse:
        return error_response(400, "invalid_request_url", "Invalid request URL.")

    # -- admin: what a Notion user does in the app -------------------------------------------------
    @app.post("/_admin/pages")
    async def admin_create_page(request: Request) -> Response:
        """Add a page: {"title", "data_source_id" or "parent_page_id", "blocks": [{"kind", "text", ...}]}."""
        spec = await request.json()
        page_id = str(uuid.uuid4())
        edited = bump(None)
        if spec.get("data_source_id"):
            found = store.get_object(spec["data_source_id"])
            if found is None:
                return error_response(404, "object_not_found", "No such data source.")
            database_id = json.loads(found[1])["parent"]["database_id"]
            parent = {"type": "data_source_id", "data_source_id": spec["data_source_id"], "database_id": database_id}
        elif spec.get("parent_page_id"):
            parent = {"type": "page_id", "page_id": spec["parent_page_id"]}
        else:
            parent = {"type": "workspace", "workspace": True}
        trashed = bool(spec.get("in_trash", False))
        page: dict[str, Any] = {
            "object": "page",
            "id": page_id,
            "created_time": edited,
            "last_edited_time": edited,
            "created_by": user_ref(BOT_USER_ID),
            "last_edited_by": user_ref(BOT_USER_ID),
            "cover": None,
            "icon": None,
            "parent": parent,
            "in_trash": trashed,
            "is_archived": trashed,
            "is_locked": False,
            "properties": {},
            "url": f"https://www.notion.so/{page_id.replace('-', '')}",
            "public_url": None,
            "archived": trashed,
        }
        set_title(page, spec.get("title", "Untitled"))
        store.put_page(page, build_blocks(page, spec.get("blocks", [])))
        return Response(json.dumps(page), media_type="application/json")

    @app.patch("/_admin/pages/{page_id}")
    async def admin_edit_page(page_id: str, request: Request) -> Response:
        """Edit a page: any of {"title", "blocks" (replaces the content), "in_trash", "last_edited_time"}."""
        changes = await request.json()
        found = store.get_object(page_id)
        if found is None or found[0] != "page":
            return error_response(404, "object_not_found", f"Could not find page with ID: {page_id}.")
        page = json.loads(found[1])
        page["last_edited_time"] = changes.get("last_edited_time") or bump(page["last_edited_time"])
        page["last_edited_by"] = user_ref(BOT_USER_ID)
        if "title" in changes:
            set_title(page, changes["title"])
        if "in_trash" in changes:
            set_trashed(page, bool(changes["in_trash"]))
            # Notion moves the sub-pages to the trash (and back) with their page; their own times stay.
            pending = store.sub_pages(page["id"])
            while pending:
                found = store.get_object(pending.pop())
                if found:
                    sub = json.loads(found[1])
                    set_trashed(sub, page["in_trash"])
                    store.put_page(sub)
                    pending.extend(store.sub_pages(sub["id"]))
        blocks = build_blocks(page, changes["blocks"]) if "blocks" in changes else None
        store.put_page(page, blocks)
        return Response(json.dumps(page), media_type="application/json")

    @app.delete("/_admin/pages/{page_id}")
    def admin_remove_page(page_id: str) -> Response:
        """Make a page disappear for the integration (deleted from the trash for good, or unshared)."""
        if not store.delete_page(page_id):
            return error_response(404, "object_not_found", f"Could not find page with ID: {page_id}.")
        return Response(status_code=204)

    return app


def not_found(kind: str, object_id: str) -> Problem:
    return Problem(
        404,
        "object_not_found",
        f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and databases are shared "
        "with your integration.",
    )
