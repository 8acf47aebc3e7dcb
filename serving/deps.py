"""Annotated dependencies: a pooled connection and the caller's API key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from psycopg import AsyncConnection

from brainops.apikeys import hash_key


async def get_conn(request: Request) -> AsyncIterator[AsyncConnection]:
    async with request.app.state.pool.connection() as conn:
        yield conn


DbDep = Annotated[AsyncConnection, Depends(get_conn)]

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key from `brainops apikey create`."
)
bearer = HTTPBearer(auto_error=False, description="The same API key as a bearer token.")


@dataclass(frozen=True)
class Caller:
    api_key_id: int
    name: str
    role: str


async def current_caller(
    conn: DbDep,
    header_key: Annotated[str | None, Security(api_key_header)],
    bearer_key: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> Caller:
    secret = header_key or (bearer_key.credentials if bearer_key else None)
    if not secret:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Missing API key: send it as the X-API-Key header (create one with `brainops apikey create`).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    # last_used_at is refreshed at most once a minute, so reads do not turn into a write per request.
    cur = await conn.execute(
        """WITH key AS (
               SELECT api_key_id, name, role, last_used_at FROM app.api_keys
               WHERE key_hash = %s AND revoked_at IS NULL),
           touch AS (
               UPDATE app.api_keys SET last_used_at = now() FROM key
               WHERE app.api_keys.api_key_id = key.api_key_id
                 AND (key.last_used_at IS NULL OR key.last_used_at < now() - interval '1 minute'))
           SELECT api_key_id, name, role FROM key""",
        (hash_key(secret),),
    )
    row = await cur.fetchone()
    if row is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "Invalid or revoked API key.", headers={"WWW-Authenticate": "Bearer"}
        )
    return Caller(api_key_id=row[0], name=row[1], role=row[2])


CurrentCaller = Annotated[Caller, Depends(current_caller)]
