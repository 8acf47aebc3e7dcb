"""A local Stripe API: the sample's Stripe objects in Stripe's own wire format.

Speaks what the official SDK and our sync rely on, for every object in pipelines/stripe/catalog.py:
- `GET /v1/<objects>`: `{"object": "list", "data": [...], "has_more", "url"}`, newest `created` first;
  `limit` (1 to 100, default 10), `starting_after` / `ending_before`, `created` (exact or `[gte|gt|lte|lt]`),
  `expand[]` (one level, e.g. `data.customer`), the filters Stripe offers per list (`customer=`, ...),
  subscriptions' `status` (canceled hidden unless `status=all` or `canceled`), events' `type`
  (with `*` wildcards) and `types[]`; unknown parameters are refused as Stripe does.
- `GET /v1/<objects>/<id>`.
- Stripe error objects with 400, 401, 404; bearer auth with any `sk_test_`/`rk_` key, or exactly the
  configured one.
- For tests: injected 429s (Retry-After, Stripe-Should-Retry) and 500s, a log of requests, and
  `POST /_admin/v1/<objects>/<id>` to create, change or delete an object as Stripe would, appending
  the event that announces it.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from brainops.standins.faults import Faults
from brainops.standins.jsonl_store import JsonlStore
from pipelines.stripe.catalog import OBJECTS

MAX_LIMIT = 100
DEFAULT_LIMIT = 10
API_VERSION = "2025-09-30.clover"
SAMPLE_KEY_PREFIXES = ("sk_test_", "rk_test_", "rk_")

# Filters each list accepts (as Stripe documents them): parameter -> JSON path in the object.
FILTERS: dict[str, dict[str, str]] = {
    "customers": {"email": "$.email"},
    "products": {"active": "$.active"},
    "prices": {"product": "$.product", "active": "$.active", "currency": "$.currency", "type": "$.type"},
    "subscriptions": {"customer": "$.customer", "status": "$.status"},
    "invoices": {
        "customer": "$.customer",
        "status": "$.status",
        "subscription": "$.parent.subscription_details.subscription",
    },
    "charges": {"customer": "$.customer", "payment_intent": "$.payment_intent"},
    "payment_intents": {"customer": "$.customer"},
    "refunds": {"charge": "$.charge", "payment_intent": "$.payment_intent"},
    "disputes": {"charge": "$.charge", "payment_intent": "$.payment_intent"},
    "payouts": {"status": "$.status", "destination": "$.destination"},
    "balance_transactions": {"source": "$.source", "type": "$.type", "currency": "$.currency"},
    "events": {"type": "$.type"},
}
PAGING = {"limit", "starting_after", "ending_before", "created", "expand"}
LIST_PARAMS = {"types"}  # array parameters besides expand
BOOLEAN_FILTERS = {"active"}
# Id prefixes of expandable links, so `expand[]=data.customer` can find the object.
PREFIXES = {
    "cus": "customers", "prod": "products", "price": "prices", "sub": "subscriptions", "in": "invoices",
    "ch": "charges", "pi": "payment_intents", "re": "refunds", "dp": "disputes", "po": "payouts",
    "txn": "balance_transactions", "evt": "events",
}  # fmt: skip
# Event names start with the object's name, except these.
EVENT_PREFIX = {"subscription": "customer.subscription", "dispute": "charge.dispute"}
_PARAM = re.compile(r"^(?P<name>\w+)(?:\[(?P<sub>\w*)\])?$")


SAMPLE_ACCOUNT_ID = "acct_1SampleBrainOps0"  # what GET /v1/account answers unless told otherwise

def open_store(sample_dir: Path, index: Path | None = None) -> JsonlStore:
    """The sample's Stripe objects indexed on `created` in SQLite (built once per generated sample).

    `index`: where to keep the index; tests that change objects use their own copy."""
    manifest = sample_dir / "manifest.json"
    if not manifest.exists():
        raise FileNotFoundError(f"No sample business at {sample_dir}. Run `brainops sample generate` first.")
    db = index or sample_dir / "stripe.sqlite"
    if not db.exists() or db.stat().st_mtime < manifest.stat().st_mtime:
        files = {name: sample_dir / "stripe" / f"{name}.jsonl" for name in OBJECTS}
        return JsonlStore.build(db, files, lambda r: datetime.fromtimestamp(r["created"], UTC))
    return JsonlStore(db)


def stripe_error(
    status: int, message: str, *, type: str = "invalid_request_error", code: str | None = None,
    param: str | None = None, headers: dict[str, str] | None = None,
) -> JSONResponse:  # fmt: skip
    body: dict[str, Any] = {"type": type, "message": message}
    if code:
        body["code"] = code
    if param:
        body["param"] = param
    return JSONResponse({"error": body}, status, headers={"Request-Id": _request_id(), **(headers or {})})


def _request_id() -> str:
    return f"req_{secrets.token_hex(7)}"


class BadRequest(Exception):
    def __init__(self, message: str, param: str | None = None, status: int = 400, code: str | None = None) -> None:
        super().__init__(message)
        self.param, self.status, self.code = param, status, code


def _parse_query(request: Request) -> dict[str, Any]:
    """Stripe's form encoding: `a=1`, `a[b]=1` (a dict), `a[]=1` / `a[0]=1` (a list)."""
    params: dict[str, Any] = {}
    for raw_name, value in request.query_params.multi_items():
        m = _PARAM.match(raw_name)
        if not m:
            raise BadRequest(f"Received unknown parameter: {raw_name}", raw_name)
        name, sub = m["name"], m["sub"]
        if sub is None:
            params[name] = value
        elif sub == "" or sub.isdigit():
            params.setdefault(name, []).append(value)
        else:
            params.setdefault(name, {})[sub] = value
    return params


def _int(value: Any, param: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadRequest(f"Invalid integer: {value}", param, code="parameter_invalid_integer") from None


def _created_bounds(created: Any) -> list[tuple[str, int]]:
    if created is None:
        return []
    if not isinstance(created, dict):
        second = _int(created, "created") * 1_000_000
        return [(">=", second), ("<", second + 1_000_000)]
    ops = {"gte": ">=", "gt": ">", "lte": "<=", "lt": "<"}
    bounds = []
    for k, v in created.items():
        if k not in ops:
            raise BadRequest(f"Received unknown parameter: created[{k}]", f"created[{k}]")
        # `created` is whole seconds; the index holds microseconds.
        bounds.append((ops[k], _int(v, f"created[{k}]") * 1_000_000))
    return bounds


def create_app(store: JsonlStore, *, api_key: str | None = None, faults: Faults | None = None,
               should_retry: str | None = "false", account_id: str = SAMPLE_ACCOUNT_ID) -> FastAPI:  # fmt: skip
    """`api_key` None accepts any test key (`sk_test_…`, `rk_…`); `should_retry` is the
    Stripe-Should-Retry header sent with injected 429s (None: no header); `account_id`: the account
    GET /v1/account names (two stand-ins with different ids are two Stripe accounts)."""
    app = FastAPI(title="Stripe API (local stand-in)", docs_url=None, redoc_url=None)
    app.state.faults = faults or Faults()
    app.state.should_retry = should_retry
    app.state.requests = deque(maxlen=20_000)  # (status, path, query) of every /v1 request, for tests

    @app.middleware("http")
    async def auth_and_faults(request: Request, call_next):
        if not request.url.path.startswith("/v1/"):
            return await call_next(request)
        response = _auth_or_fault(request)
        if response is None:
            response = await call_next(request)
        app.state.requests.append((response.status_code, request.url.path, str(request.query_params)))
        return response

    def _auth_or_fault(request: Request) -> Response | None:
        header = request.headers.get("authorization", "")
        if not header:
            return stripe_error(
                401,
                "You did not provide an API key. You need to provide your API key in the Authorization header, "
                "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
            )
        key = header.removeprefix("Bearer ").strip()
        valid = key == api_key if api_key is not None else key.startswith(SAMPLE_KEY_PREFIXES)
        if not valid:
            shown = f"{key[:8]}{'*' * 12}{key[-4:]}" if len(key) > 12 else "****"
            return stripe_error(401, f"Invalid API Key provided: {shown}")
        fault = app.state.faults.next()
        if fault == 429:
            headers = {"Retry-After": app.state.faults.retry_after}
            if app.state.should_retry is not None:
                headers["Stripe-Should-Retry"] = app.state.should_retry
            return stripe_error(
                429,
                "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.",
                code="rate_limit",
                headers=headers,
            )
        if fault == 500:
            return stripe_error(500, "An unknown error occurred (injected).", type="api_error")
        if fault:  # an outage
            return stripe_error(fault, "Stripe is unavailable (injected outage).", type="api_error",
                                headers=app.state.faults.outage_headers())
        return None

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest) -> JSONResponse:
        return stripe_error(exc.status, str(exc), param=exc.param, code=exc.code)

    @app.get("/v1/account")
    def account() -> JSONResponse:
        """The account behind the key, in the fields of Stripe's Account object a sync reads."""
        return JSONResponse({"id": account_id, "object": "account", "type": "standard", "country": "US",
                             "default_currency": "usd", "charges_enabled": True, "payouts_enabled": True,
                             "business_profile": {"name": "Sample roofing business (local stand-in)"}})

    @app.get("/v1/{objects}")
    def list_objects(objects: str, request: Request) -> Response:
        if objects not in OBJECTS:
            return _unknown_url(request)
        q = _parse_query(request)
        allowed = PAGING | FILTERS.get(objects, {}).keys() | (LIST_PARAMS if objects == "events" else set())
        for name in q:
            if name not in allowed:
                raise BadRequest(f"Received unknown parameter: {name}", name)
        limit = _int(q.get("limit", DEFAULT_LIMIT), "limit")
        if not 1 <= limit <= MAX_LIMIT:
            raise BadRequest(f"This value must be between 1 and {MAX_LIMIT} (got {limit}).", "limit")
        if "starting_after" in q and "ending_before" in q:
            raise BadRequest("You may only specify one of these parameters: ending_before, starting_after.")
        after = _cursor(objects, q.get("starting_after"), "starting_after")
        before = _cursor(objects, q.get("ending_before"), "ending_before")
        docs, has_more = store.window(
            objects,
            limit=limit,
            after=after,
            before=before,
            bounds=_created_bounds(q.get("created")),
            where=_filters(objects, q),
        )
        expand = [p.removeprefix("data.") for p in q.get("expand", []) if p.startswith("data.")]
        if expand:
            docs = [json.dumps(_expand(json.loads(d), expand), separators=(",", ":")) for d in docs]
        more = "true" if has_more else "false"
        # The stored lines are already JSON: splice them rather than parse and re-serialise.
        body = f'{{"object":"list","data":[{",".join(docs)}],"has_more":{more},"url":"/v1/{objects}"}}'
        return Response(body, media_type="application/json", headers={"Request-Id": _request_id()})

    @app.get("/v1/{objects}/{object_id}")
    def retrieve(objects: str, object_id: str, request: Request) -> Response:
        if objects not in OBJECTS:
            return _unknown_url(request)
        q = _parse_query(request)
        for name in q:
            if name != "expand":
                raise BadRequest(f"Received unknown parameter: {name}", name)
        doc = store.get(objects, object_id)
        if doc is None:
            return stripe_error(
                404, f"No such {OBJECTS[objects].object}: '{object_id}'", code="resource_missing", param="id"
            )
        if q.get("expand"):
            doc = json.dumps(_expand(json.loads(doc), q["expand"]), separators=(",", ":"))
        return Response(doc, media_type="application/json", headers={"Request-Id": _request_id()})

    @app.api_route("/v1/{path:path}", methods=["GET", "POST", "DELETE"])
    def unknown(path: str, request: Request) -> Response:
        return _unknown_url(request)

    def _unknown_url(request: Request) -> JSONResponse:
        return stripe_error(
            404, f"Unrecognized request URL ({request.method}: {request.url.path}).", code="resource_missing"
        )

    def _cursor(objects: str, object_id: str | None, param: str) -> tuple[int, str] | None:
        if object_id is None:
            return None
        position = store.position(objects, object_id)
        if position is None:
            raise BadRequest(
                f"No such {OBJECTS[objects].object}: '{object_id}'", param, status=404, code="resource_missing"
            )
        return position

    def _filters(objects: str, q: dict[str, Any]) -> list[tuple[str, str, object]]:
        where: list[tuple[str, str, object]] = []
        for name, path in FILTERS.get(objects, {}).items():
            if name not in q:
                continue
            value = q[name]
            if name in BOOLEAN_FILTERS:
                where.append((path, "=", 1 if str(value).lower() == "true" else 0))
            elif objects == "subscriptions" and name == "status":
                if value != "all":
                    where.append((path, "=", value))
            elif objects == "events" and name == "type":
                where.append((path, "GLOB" if "*" in value else "=", value))
            else:
                where.append((path, "=", value))
        if objects == "subscriptions" and "status" not in q:
            where.append(("$.status", "!=", "canceled"))  # Stripe hides canceled subscriptions by default
        if objects == "events" and "types" in q:
            if "type" in q:
                raise BadRequest("You may only specify one of these parameters: type, types.")
            where.append(("$.type", "IN", q["types"]))
        return where

    def _expand(obj: dict[str, Any], paths: list[str]) -> dict[str, Any]:
        for field in paths:
            value = obj.get(field)
            if isinstance(value, str) and (collection := PREFIXES.get(value.split("_", 1)[0])):
                found = store.get(collection, value)
                if found is not None:
                    obj[field] = json.loads(found)
        return obj

    @app.post("/_admin/v1/{objects}/{object_id}")
    async def change(objects: str, object_id: str, request: Request) -> JSONResponse:
        """Body `{"set": {...}, "event_type": optional, "delete": false, "created": optional}`: create or
        change the object (or delete it) and append the event Stripe would send; returns both."""
        if objects not in OBJECTS or objects == "events":
            return stripe_error(404, f"Cannot change {objects} through the admin route.")
        spec = OBJECTS[objects]
        body = await request.json()
        now = int(body.get("created") or time.time())
        doc = store.get(objects, object_id)
        old = json.loads(doc) if doc else None
        obj = dict(old) if old else {"id": object_id, "object": spec.object, "created": now, "livemode": False}
        changes = body.get("set") or {}
        previous = {k: (old or {}).get(k) for k, v in changes.items() if (old or {}).get(k) != v}
        obj.update(changes)
        prefix = EVENT_PREFIX.get(spec.object, spec.object)
        if body.get("delete"):
            store.delete(objects, object_id)
            event_type = body.get("event_type") or f"{prefix}.deleted"
        else:
            store.put(objects, object_id, datetime.fromtimestamp(obj["created"], UTC), _dumps(obj))
            event_type = body.get("event_type") or f"{prefix}.{'updated' if old else 'created'}"
        data: dict[str, Any] = {"object": obj}
        if old and previous:
            data["previous_attributes"] = previous
        event = {
            "api_version": API_VERSION, "created": now, "data": data, "id": f"evt_{secrets.token_urlsafe(18)}",
            "livemode": False, "object": "event", "pending_webhooks": 1,
            "request": {"id": _request_id(), "idempotency_key": None}, "type": event_type,
        }  # fmt: skip
        store.put("events", event["id"], datetime.fromtimestamp(now, UTC), _dumps(event))
        return JSONResponse({"object": obj, "event": event})

    return app


def _dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True)
