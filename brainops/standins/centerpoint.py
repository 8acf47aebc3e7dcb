"""A local CenterPoint Connect API: JSON:API pages of the sample business.

Speaks what the client relies on: bearer auth, `page[size]`/`page[number]`, `meta.page.total`,
`sort=updatedAt,id` (or `-updatedAt`), `filter[updatedAt][gte]`, 401 for a wrong key, and — for
tests — injected 429s (with Retry-After), 500s and outages (every request a 503), plus an admin route
that edits a record the way a CRM user would (bumping updatedAt).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from brainops.standins.faults import Faults
from brainops.standins.jsonl_store import JsonlStore, to_micros
from pipelines.centerpoint.catalog import RESOURCES

MAX_PAGE_SIZE = 100


def open_store(sample_dir: Path) -> JsonlStore:
    """The sample's CenterPoint records, indexed in SQLite (built once per generated sample)."""
    db = sample_dir / "centerpoint.sqlite"
    manifest = sample_dir / "manifest.json"
    if not manifest.exists():
        raise FileNotFoundError(f"No sample business at {sample_dir}. Run `brainops sample generate` first.")
    if not db.exists() or db.stat().st_mtime < manifest.stat().st_mtime:
        files = {name: sample_dir / "centerpoint" / f"{name}.jsonl" for name in RESOURCES}
        return JsonlStore.build(db, files, lambda r: r["attributes"]["updatedAt"])
    return JsonlStore(db)


def create_app(store: JsonlStore, *, api_key: str | None = "sample", faults: Faults | None = None,
               forbidden: frozenset[str] = frozenset()) -> FastAPI:
    """`forbidden`: resources this key may not read (answered 403, as for an account without that module)."""
    app = FastAPI(title="CenterPoint Connect (local stand-in)", docs_url=None, redoc_url=None)
    app.state.faults = faults or Faults()

    def error(status: int, title: str, detail: str, headers: dict | None = None) -> JSONResponse:
        return JSONResponse(
            {"errors": [{"status": str(status), "title": title, "detail": detail}]}, status, headers=headers
        )

    @app.middleware("http")
    async def auth_and_faults(request: Request, call_next):
        if request.url.path.startswith("/_admin"):
            return await call_next(request)
        if api_key is not None:
            header = request.headers.get("authorization", "")
            if header.removeprefix("Bearer ").strip() != api_key:
                return error(401, "Unauthorized", "Invalid or missing API key.")
        fault = app.state.faults.next()
        if fault == 429:
            return error(
                429, "Too Many Requests", "Rate limit exceeded.", {"Retry-After": app.state.faults.retry_after}
            )
        if fault == 500:
            return error(500, "Internal Server Error", "Injected failure.")
        if fault:  # an outage
            return error(fault, "Service Unavailable", "CenterPoint is down (injected outage).",
                         app.state.faults.outage_headers())
        return await call_next(request)

    @app.get("/centerpoint/{resource}")
    def list_resource(resource: str, request: Request) -> Response:
        if resource not in RESOURCES:
            return error(404, "Not Found", f"Unknown resource {resource}.")
        if resource in forbidden:
            return error(403, "Forbidden", f"This API key may not read {resource}.")
        q = request.query_params
        try:
            size = min(int(q.get("page[size]", 25)), MAX_PAGE_SIZE)
            number = int(q.get("page[number]", 1))
            since = q.get("filter[updatedAt][gte]")
            updated_gte = to_micros(since) if since else None
        except ValueError as exc:
            return error(400, "Bad Request", str(exc))
        if size < 1 or number < 1:
            return error(400, "Bad Request", "page[size] and page[number] start at 1.")
        descending = q.get("sort", "updatedAt").startswith("-")
        total = store.count(resource, updated_gte)
        docs = store.page(
            resource, limit=size, offset=(number - 1) * size, updated_gte=updated_gte, descending=descending
        )
        meta = json.dumps({"page": {"total": total, "currentPage": number, "size": size}})
        # The stored lines are already JSON: splice them rather than parse and re-serialise.
        return Response(f'{{"data":[{",".join(docs)}],"meta":{meta}}}', media_type="application/vnd.api+json")

    @app.get("/centerpoint/{resource}/{record_id}")
    def get_record(resource: str, record_id: str) -> Response:
        doc = store.get(resource, record_id) if resource in RESOURCES else None
        if doc is None:
            return error(404, "Not Found", f"No {resource} with id {record_id}.")
        return Response(f'{{"data":{doc}}}', media_type="application/vnd.api+json")

    @app.post("/_admin/{resource}/{record_id}")
    async def edit_record(resource: str, record_id: str, request: Request) -> Response:
        """Change attributes of a record (or create it) and bump its updatedAt, as an edit in the CRM would."""
        changes = await request.json()
        doc = store.get(resource, record_id)
        record = json.loads(doc) if doc else {"id": record_id, "type": resource, "attributes": {}, "relationships": {}}
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        record["attributes"].update(changes)
        record["attributes"]["updatedAt"] = changes.get("updatedAt", now)
        record["attributes"].setdefault("createdAt", record["attributes"]["updatedAt"])
        store.put(resource, record_id, record["attributes"]["updatedAt"], json.dumps(record, separators=(",", ":")))
        return Response(json.dumps({"data": record}), media_type="application/vnd.api+json")

    return app
