"""Annotated dependencies: a pooled connection, the caller (API key or user JWT), roles, rate limit and quotas."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from psycopg import AsyncConnection

from brainops import access
from brainops.apikeys import hash_key
from brainops.settings import Settings, get_settings
from pipelines.ies.uploads import OWNED_THIS_MONTH
from serving.auth import TokenError, decode_access_token, looks_like_jwt
from serving.middleware_limits import RateLimiter, retry_after_header


async def get_conn(request: Request) -> AsyncIterator[AsyncConnection]:
    async with request.app.state.pool.connection() as conn:
        yield conn


async def settings() -> Settings:
    # async on purpose: a plain function dependency would be run in the threadpool, a thread hop per request.
    return get_settings()


DbDep = Annotated[AsyncConnection, Depends(get_conn)]
SettingsDep = Annotated[Settings, Depends(settings)]

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key from `brainops apikey create`."
)
bearer = HTTPBearer(
    auto_error=False, description="An access token from POST /api/v1/auth/token, or an API key as a bearer token."
)


@dataclass(frozen=True)
class Caller:
    api_key_id: int  # for a user's JWT: the user's principal key (app.api_keys kind 'user')
    name: str
    role: str
    user_id: int | None = None
    tier: str = "premium"
    via: str = "key"  # 'key' or 'token'
    principal_id: int | None = None  # who owns what this caller makes: the user's principal key, else the key

    @property
    def reader(self) -> access.Reader:
        """The caller as the read rules (brainops/access.py) see it."""
        return access.Reader(self.principal_id if self.principal_id is not None else self.api_key_id, self.role)

    @property
    def owner(self) -> str:
        """Stable identity for ownership: a user however they came (any of their keys or a token), else the key."""
        return f"user:{self.user_id}" if self.user_id is not None else f"key:{self.api_key_id}"


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})


# last_used_at is refreshed at most once a minute, so reads do not turn into a write per request.
# Principal rows (kind 'user') have no usable secret, and a disabled user's keys stop working too.
KEY_LOOKUP = """WITH key AS (
        SELECT k.api_key_id, k.name, k.role, k.user_id, coalesce(u.tier, k.tier) AS tier, k.last_used_at,
               coalesce(p.api_key_id, k.api_key_id) AS principal_id
        FROM app.api_keys k LEFT JOIN app.users u ON u.user_id = k.user_id
        LEFT JOIN app.api_keys p ON p.user_id = k.user_id AND p.kind = 'user'
        WHERE k.key_hash = %s AND k.revoked_at IS NULL AND k.kind = 'key' AND u.disabled_at IS NULL),
    touch AS (
        UPDATE app.api_keys SET last_used_at = now() FROM key
        WHERE app.api_keys.api_key_id = key.api_key_id
          AND (key.last_used_at IS NULL OR key.last_used_at < now() - interval '1 minute'))
    SELECT api_key_id, name, role, user_id, tier, principal_id FROM key"""
USER_LOOKUP = """SELECT k.api_key_id, u.email, u.role, u.user_id, u.tier
    FROM app.users u JOIN app.api_keys k ON k.user_id = u.user_id AND k.kind = 'user'
    WHERE u.user_id = %s AND u.disabled_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM app.revoked_token_families f WHERE f.family_id = %s::uuid)"""


async def _resolve(conn: AsyncConnection, secret: str, settings: Settings) -> Caller:
    if looks_like_jwt(secret):
        try:
            claims = decode_access_token(secret, settings)
        except TokenError as exc:
            raise _unauthorized(str(exc)) from None
        cur = await conn.execute(USER_LOOKUP, (claims.user_id, claims.family_id))
        row = await cur.fetchone()
        if row is None:
            raise _unauthorized("This login has been revoked or the account disabled: log in again at "
                                "POST /api/v1/auth/token.")
        return Caller(api_key_id=row[0], name=row[1], role=row[2], user_id=row[3], tier=row[4], via="token",
                      principal_id=row[0])
    cur = await conn.execute(KEY_LOOKUP, (hash_key(secret),))
    row = await cur.fetchone()
    if row is None:
        raise _unauthorized("Invalid or revoked API key.")
    return Caller(api_key_id=row[0], name=row[1], role=row[2], user_id=row[3], tier=row[4], principal_id=row[5])


def rate_limit(request: Request, key: str) -> None:
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if limiter is None:
        return
    wait = limiter.take(key)
    if wait:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"Too many requests for this key: wait {retry_after_header(wait)} s (see Retry-After) and slow down.",
            headers={"Retry-After": retry_after_header(wait)},
        )


HeaderKey = Annotated[str | None, Security(api_key_header)]
BearerKey = Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]


async def current_caller(
    request: Request, conn: DbDep, settings: SettingsDep, header_key: HeaderKey, bearer_key: BearerKey
) -> Caller:
    return await authenticate(request, conn, settings, header_key, bearer_key)


async def authenticate(request: Request, conn: AsyncConnection, settings: Settings, header_key: str | None,
                       bearer_key: HTTPAuthorizationCredentials | None) -> Caller:
    secret = header_key or (bearer_key.credentials if bearer_key else None)
    if not secret:
        raise _unauthorized(
            "Missing credentials: send an API key as the X-API-Key header (create one with `brainops apikey "
            "create`) or an access token from POST /api/v1/auth/token as `Authorization: Bearer <token>`."
        )
    if len(secret) > 4096:
        raise _unauthorized("Invalid or revoked API key.")
    caller = await _resolve(conn, secret, settings)
    request.state.caller = caller  # for the access log, metrics and the audit log (serving/middleware.py)
    rate_limit(request, caller.owner)
    return caller


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def require_roles(*roles: str):
    """A dependency that lets only these roles through (403 says which role is needed)."""

    async def check(caller: CurrentCaller) -> Caller:
        if caller.role not in roles:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"This needs the {' or '.join(roles)} role; your credentials have the {caller.role} role.",
            )
        return caller

    check.__name__ = f"require_{'_or_'.join(roles)}"
    return check


# Analytics (results, customers) and all IES documents: staff (brainops/access.py).
AnalystCaller = Annotated[Caller, Depends(require_roles(*access.STAFF_ROLES))]
AdminCaller = Annotated[Caller, Depends(require_roles("admin"))]


class QuotaExceeded(Exception):
    def __init__(self, *, limit: int, used: int, resets_at: datetime, tier: str) -> None:
        super().__init__(f"The {tier} tier allows {limit} IES uploads a month and {used} were used: the quota "
                         f"resets at {resets_at.isoformat()}; ask an administrator for a higher tier.")
        self.limit, self.used, self.resets_at, self.tier = limit, used, resets_at, tier


def ies_quota(settings: Settings, tier: str) -> int:
    return {"free": settings.ies_quota_free, "premium": settings.ies_quota_premium,
            "enterprise": settings.ies_quota_enterprise}.get(tier, settings.ies_quota_free)


def next_month_start(now: datetime) -> datetime:
    year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    return datetime(year, month, 1, tzinfo=UTC)


async def enforce_ies_quota(conn: AsyncConnection, caller: Caller, settings: Settings) -> None:
    """QuotaExceeded (429) once the caller's tier has used its monthly IES uploads."""
    limit = ies_quota(settings, caller.tier)
    cur = await conn.execute(OWNED_THIS_MONTH, (caller.reader.principal_id,))
    used = (await cur.fetchone())[0]
    if used >= limit:
        raise QuotaExceeded(limit=limit, used=used, resets_at=next_month_start(datetime.now(UTC)), tier=caller.tier)


async def uploader(request: Request, settings: SettingsDep, header_key: HeaderKey, bearer_key: BearerKey) -> Caller:
    """The caller of an upload, authenticated and within its quota, on a connection given back to the pool
    before the body is read: a slow or stalled upload holds a socket, never one of the pool's connections."""
    async with request.app.state.pool.connection() as conn:
        caller = await authenticate(request, conn, settings, header_key, bearer_key)
        await enforce_ies_quota(conn, caller, settings)
    return caller


Uploader = Annotated[Caller, Depends(uploader)]
