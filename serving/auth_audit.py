"""The audit log (app.audit_log): logins, key and user changes, IES uploads and downloads."""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from starlette.types import Scope

log = logging.getLogger("brainops.api.audit")

INSERT_AUDIT = """INSERT INTO app.audit_log (actor, action, target, ip, request_id, detail)
                  VALUES (%s, %s, %s, %s, %s, %s)"""


def client_ip(scope: Scope) -> str | None:
    client = scope.get("client")
    if not client:
        return None
    try:
        return str(ipaddress.ip_address(client[0]))
    except ValueError:  # the test client calls itself "testclient"
        return None


def audit_params(scope: Scope, *, actor: str | None, action: str, target: str | None,
                 detail: dict[str, Any] | None = None) -> tuple:
    request_id = scope.get("state", {}).get("request_id")
    return (actor, action, target, client_ip(scope), request_id, Jsonb(detail or {}))


async def audit(conn: AsyncConnection, scope: Scope, *, actor: str | None, action: str, target: str | None = None,
                detail: dict[str, Any] | None = None) -> None:
    await conn.execute(INSERT_AUDIT, audit_params(scope, actor=actor, action=action, target=target, detail=detail))
