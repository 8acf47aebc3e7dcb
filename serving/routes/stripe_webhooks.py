"""POST /webhooks/stripe: verify Stripe's signature on the raw body, store the event once, answer fast.

Processing belongs to the Dagster webhook sensor (sensors/webhooks.py). No API key: Stripe proves
itself with the signature instead.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, HTTPException, Request, status
from pydantic import BaseModel

from brainops.settings import get_settings
from pipelines.stripe.webhook_signature import SignatureError, verify
from serving.deps import DbDep
from serving.webhook_store import store_event

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


class Receipt(BaseModel):
    received: bool
    duplicate: bool


@router.post(
    "/stripe",
    response_model=Receipt,
    summary="Receive a Stripe webhook event",
    responses={400: {"description": "Bad or missing signature"}, 503: {"description": "No signing secret set"}},
)
async def stripe_webhook(
    request: Request,
    conn: DbDep,
    stripe_signature: Annotated[str | None, Header(alias="Stripe-Signature")] = None,
) -> Receipt:
    secret = get_settings().stripe_webhook_secret
    if not secret:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "Stripe webhooks are not configured: set STRIPE_WEBHOOK_SECRET to the endpoint's signing secret "
            "(whsec_..., shown for the endpoint in Stripe's dashboard or by `stripe listen`).",
        )
    body = await request.body()  # the exact bytes Stripe signed: never a re-serialised JSON
    try:
        verify(body, stripe_signature, secret)
    except SignatureError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from None
    event = _event(body)
    new = await store_event(conn, source="stripe", event_id=event["id"], event_type=event["type"], payload=event)
    return Receipt(received=True, duplicate=not new)


def _event(body: bytes) -> dict[str, Any]:
    try:
        event = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "The body is not JSON.") from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "The body is not a Stripe event (no id or type).")
    return event
