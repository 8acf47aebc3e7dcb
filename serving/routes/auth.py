"""User login (OAuth2 password flow), refresh-token rotation and revocation.

POST /api/v1/auth/token takes the standard form (grant_type=password, username, password) and returns a
short-lived access JWT and a refresh token. Each refresh token is used once: /refresh returns the next pair,
and a replayed token revokes the whole login. /revoke ends a login (its refresh and access tokens).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from pydantic import BaseModel, Field

from brainops.users import MAX_PASSWORD_CHARS, User
from serving import auth
from serving.auth_audit import audit, client_ip
from serving.deps import CurrentCaller, DbDep, SettingsDep, rate_limit

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class TokenPair(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds the access token is valid.")
    refresh_token: str
    refresh_expires_in: int


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=128)


class Revoked(BaseModel):
    revoked: bool


class Me(BaseModel):
    name: str
    role: str
    tier: str
    user_id: int | None
    via: str


async def _pair(conn, user: User, family_id: str, refresh_token: str | None, settings) -> TokenPair:
    refresh = refresh_token or await auth.issue_refresh_token(conn, user, family_id, settings)
    return TokenPair(access_token=auth.issue_access_token(user, family_id, settings),
                     expires_in=settings.access_token_ttl_seconds, refresh_token=refresh,
                     refresh_expires_in=settings.refresh_token_ttl_seconds)


@router.post("/token", response_model=TokenPair, summary="Log in: e-mail and password for an access and refresh token",
             responses={401: {"description": "Wrong e-mail or password, or a disabled account."},
                        429: {"description": "Too many attempts from this address; see Retry-After."}})
async def login(
    request: Request,
    conn: DbDep,
    settings: SettingsDep,
    username: Annotated[str, Form(min_length=1, max_length=320, description="The account's e-mail.")],
    password: Annotated[str, Form(min_length=1, max_length=MAX_PASSWORD_CHARS)],
    grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
) -> TokenPair:
    # Password guessing is slowed per client address (argon2 is also ~50 ms of CPU per try).
    rate_limit(request, f"login:{client_ip(request.scope) or 'unknown'}")
    user = await auth.authenticate(conn, username, password)
    if user is None:
        # The name as tried (without NULs, which Postgres text cannot hold), so guessing shows in the log.
        await audit(conn, request.scope, actor=username.replace("\x00", "")[:320], action="auth.login_failed")
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong e-mail or password (or the account is disabled).",
                            headers={"WWW-Authenticate": "Bearer"})
    family_id = auth.new_family()
    pair = await _pair(conn, user, family_id, None, settings)
    await audit(conn, request.scope, actor=f"user:{user.user_id}", action="auth.login", target=f"user:{user.user_id}",
                detail={"family": family_id})
    return pair


@router.post("/refresh", response_model=TokenPair, summary="Exchange a refresh token (once) for a new pair",
             responses={401: {"description": "Unknown, expired, revoked or already used refresh token."}})
async def refresh(request: Request, body: RefreshRequest, conn: DbDep, settings: SettingsDep) -> TokenPair:
    rate_limit(request, f"refresh:{client_ip(request.scope) or 'unknown'}")
    try:
        rotated = await auth.rotate_refresh_token(conn, body.refresh_token, settings)
    except auth.TokenError as exc:
        if "already used" in str(exc):
            known = await auth.family_of_refresh_token(conn, body.refresh_token)
            await audit(conn, request.scope, actor=f"user:{known[1]}" if known else None,
                        action="auth.refresh_reuse", target=f"family:{known[0]}" if known else None)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
    return await _pair(conn, rotated.user, rotated.family_id, rotated.refresh_token, settings)


@router.post("/revoke", response_model=Revoked, summary="Log out: revoke the login of a refresh token")
async def revoke(request: Request, body: RefreshRequest, conn: DbDep) -> Revoked:
    # Holding the refresh token is proof enough (RFC 7009); an unknown token is answered the same way, revoked false.
    known = await auth.family_of_refresh_token(conn, body.refresh_token)
    if known is None:
        return Revoked(revoked=False)
    family_id, user_id = known
    await auth.revoke_family(conn, family_id, user_id, "logout")
    await audit(conn, request.scope, actor=f"user:{user_id}", action="auth.revoke", target=f"family:{family_id}")
    return Revoked(revoked=True)


@router.get("/me", response_model=Me, summary="Who the presented key or token is")
async def me(caller: CurrentCaller) -> Me:
    return Me(name=caller.name, role=caller.role, tier=caller.tier, user_id=caller.user_id, via=caller.via)
