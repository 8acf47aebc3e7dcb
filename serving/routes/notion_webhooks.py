"""POST /webhooks/notion: Notion webhook events, verified and stored for the Dagster webhook sensor.

Setting up a subscription (once per integration):
1. Deploy the API where Notion can reach it, then in the integration's settings
   (https://www.notion.so/profile/integrations → your integration → Webhooks) create a subscription
   with the URL `https://<your host>/webhooks/notion` and the event types to send.
2. Notion POSTs `{"verification_token": "secret_..."}` here. This route answers 200 and logs the token as the
   `verification_token` field of a JSON log line (logger `serving.routes.notion_webhooks`, level WARNING):
   copy it from the API's log (`docker compose logs api | grep verification_token`, or the terminal of
   `brainops up`).
3. Paste it into Notion's "Verify subscription" dialog, and set it as NOTION_WEBHOOK_SECRET for the
   API: Notion signs every later event with that same token.

Every event then carries `X-Notion-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body keyed with
the verification token. A missing or wrong signature is refused (400) and nothing is stored; a valid
event is stored once by its `id` (a redelivery is acknowledged and not stored again). Without
NOTION_WEBHOOK_SECRET, events are refused with 503 (Notion retries them later), but the verification
request still works, since that is how the secret is obtained.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request, status

from brainops.settings import get_settings
from serving.deps import DbDep
from serving.webhook_store import store_event

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
log = logging.getLogger(__name__)


def signature_for(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_is_valid(body: bytes, header: str | None, secret: str) -> bool:
    # Constant-time comparison: the time taken says nothing about how much of a guess was right.
    return bool(header) and hmac.compare_digest(signature_for(body, secret), header.strip())


@router.post("/notion", summary="Receive a Notion webhook event (or the subscription's verification token)")
async def notion_webhook(
    request: Request,
    conn: DbDep,
    x_notion_signature: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw)
    except ValueError:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "The body is not JSON: Notion sends JSON events.") from None
    if not isinstance(body, dict):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "The body is not a JSON object: Notion sends event objects.")

    if "verification_token" in body and "type" not in body:
        # The token is a field of the JSON log line, never part of the message: it comes from an unauthenticated
        # request, and formatted into text it could forge log lines.
        log.warning(
            "Notion webhook verification token received: paste its verification_token into the integration's "
            "Webhooks tab (Verify subscription) and set it as NOTION_WEBHOOK_SECRET.",
            extra={"verification_token": body["verification_token"]},
        )
        return {"status": "verification token received: copy it from the API log into Notion"}

    secret = get_settings().notion_webhook_secret
    if not secret:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "NOTION_WEBHOOK_SECRET is not set, so Notion events cannot be verified: set it to the subscription's "
            "verification token and restart the API.",
        )
    if not signature_is_valid(raw, x_notion_signature, secret):
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            "Missing or invalid X-Notion-Signature: the event was not signed with NOTION_WEBHOOK_SECRET.",
        )
    if not isinstance(body.get("id"), str) or not isinstance(body.get("type"), str):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "A Notion event needs a string `id` and `type`.")

    stored = await store_event(conn, source="notion", event_id=body["id"], event_type=body["type"], payload=body)
    return {"received": True, "duplicate": not stored}
