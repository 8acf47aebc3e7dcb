"""Administration (admin role only): users and API keys. Every change is written to the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from brainops import users
from brainops.apikeys import generate_secret, hash_key
from serving.auth_audit import audit
from serving.deps import AdminCaller, DbDep
from serving.pagination import Page, next_url

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])

Role = Literal["admin", "analyst", "applicant"]
Tier = Literal["free", "premium", "enterprise"]
Id = Annotated[int, Path(ge=1, le=2**62)]


class NewUser(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=users.MIN_PASSWORD_CHARS, max_length=users.MAX_PASSWORD_CHARS)
    role: Role = "applicant"
    tier: Tier = "free"


class UserOut(BaseModel):
    user_id: int
    email: str
    role: Role
    tier: Tier
    created_at: datetime
    last_login_at: datetime | None
    disabled_at: datetime | None


class NewKey(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: Role = "analyst"
    tier: Tier = "premium"
    user_id: int | None = Field(None, ge=1, le=2**62, description="The user the key belongs to (shares documents "
                                                                   "and quota with the user's tokens).")


class KeyOut(BaseModel):
    api_key_id: int
    name: str
    role: Role
    tier: Tier
    key_prefix: str
    user_id: int | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class CreatedKey(KeyOut):
    key: str = Field(description="The secret, shown this once.")


USER_COLUMNS = "user_id, email, role, tier, created_at, last_login_at, disabled_at"
KEY_COLUMNS = "api_key_id, name, role, tier, key_prefix, user_id, created_at, last_used_at, revoked_at"


async def _user(conn, user_id: int) -> UserOut:
    cur = await conn.execute(f"SELECT {USER_COLUMNS} FROM app.users WHERE user_id = %s", (user_id,))
    row = await cur.fetchone()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No user {user_id}: list them with GET /api/v1/admin/users.")
    return UserOut(**dict(zip(UserOut.model_fields, row, strict=True)))


@router.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED, summary="Create a user",
             responses={409: {"description": "A user with this e-mail exists."}})
async def create_user(request: Request, body: NewUser, conn: DbDep, caller: AdminCaller) -> UserOut:
    try:
        email = users.normalize_email(body.email)
        users.check_password_rules(body.password)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    password_hash = await run_in_threadpool(users.hash_password, body.password)
    async with conn.transaction():
        cur = await conn.execute(users.INSERT_USER, (email, password_hash, body.role, body.tier))
        row = await cur.fetchone()
        if row is None:
            raise HTTPException(status.HTTP_409_CONFLICT, f"A user with e-mail {email!r} exists already.")
        user_id = row[0]
        await conn.execute(users.INSERT_PRINCIPAL, (email, body.role, body.tier, hash_key(generate_secret()), user_id))
        await audit(conn, request.scope, actor=caller.owner, action="user.create", target=f"user:{user_id}",
                    detail={"role": body.role, "tier": body.tier})
    return await _user(conn, user_id)


@router.get("/users", response_model=Page[UserOut], summary="List users")
async def list_users(
    request: Request, conn: DbDep, _caller: AdminCaller,
    limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[UserOut]:
    total = (await (await conn.execute("SELECT count(*) FROM app.users")).fetchone())[0]
    cur = await conn.execute(f"SELECT {USER_COLUMNS} FROM app.users ORDER BY user_id LIMIT %s OFFSET %s",
                             (limit, offset))
    items = [UserOut(**dict(zip(UserOut.model_fields, row, strict=True))) for row in await cur.fetchall()]
    return Page[UserOut](items=items, total=total, next=next_url(request, offset=offset, limit=limit, total=total))


@router.post("/users/{user_id}/disable", response_model=UserOut, summary="Disable a user: tokens, keys stop")
async def disable_user(request: Request, user_id: Id, conn: DbDep, caller: AdminCaller) -> UserOut:
    await _user(conn, user_id)
    await conn.execute("UPDATE app.users SET disabled_at = coalesce(disabled_at, now()) WHERE user_id = %s",
                       (user_id,))
    await audit(conn, request.scope, actor=caller.owner, action="user.disable", target=f"user:{user_id}")
    return await _user(conn, user_id)


@router.post("/users/{user_id}/enable", response_model=UserOut, summary="Enable a disabled user again")
async def enable_user(request: Request, user_id: Id, conn: DbDep, caller: AdminCaller) -> UserOut:
    await _user(conn, user_id)
    await conn.execute("UPDATE app.users SET disabled_at = NULL WHERE user_id = %s", (user_id,))
    await audit(conn, request.scope, actor=caller.owner, action="user.enable", target=f"user:{user_id}")
    return await _user(conn, user_id)


@router.post("/keys", response_model=CreatedKey, status_code=status.HTTP_201_CREATED,
             summary="Create an API key (the secret is shown once)")
async def create_key(request: Request, body: NewKey, conn: DbDep, caller: AdminCaller) -> CreatedKey:
    if body.user_id is not None:
        await _user(conn, body.user_id)
    secret = generate_secret()
    async with conn.transaction():
        cur = await conn.execute(
            f"""INSERT INTO app.api_keys (name, role, tier, key_prefix, key_hash, user_id)
                VALUES (%s, %s, %s, %s, %s, %s) RETURNING {KEY_COLUMNS}""",
            (body.name.strip() or "unnamed", body.role, body.tier, secret[:10], hash_key(secret), body.user_id))
        row = await cur.fetchone()
        await audit(conn, request.scope, actor=caller.owner, action="apikey.create", target=f"key:{row[0]}",
                    detail={"role": body.role, "tier": body.tier, "user_id": body.user_id})
    return CreatedKey(**dict(zip(KeyOut.model_fields, row, strict=True)), key=secret)


@router.get("/keys", response_model=Page[KeyOut], summary="List API keys (never their secrets)")
async def list_keys(
    request: Request, conn: DbDep, _caller: AdminCaller,
    limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[KeyOut]:
    total = (await (await conn.execute("SELECT count(*) FROM app.api_keys WHERE kind = 'key'")).fetchone())[0]
    cur = await conn.execute(
        f"SELECT {KEY_COLUMNS} FROM app.api_keys WHERE kind = 'key' ORDER BY api_key_id LIMIT %s OFFSET %s",
        (limit, offset))
    items = [KeyOut(**dict(zip(KeyOut.model_fields, row, strict=True))) for row in await cur.fetchall()]
    return Page[KeyOut](items=items, total=total, next=next_url(request, offset=offset, limit=limit, total=total))


@router.delete("/keys/{api_key_id}", response_model=KeyOut, summary="Revoke an API key")
async def revoke_key(request: Request, api_key_id: Id, conn: DbDep, caller: AdminCaller) -> KeyOut:
    cur = await conn.execute(
        f"""UPDATE app.api_keys SET revoked_at = now()
            WHERE api_key_id = %s AND kind = 'key' AND revoked_at IS NULL RETURNING {KEY_COLUMNS}""", (api_key_id,))
    row = await cur.fetchone()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"No active API key {api_key_id}: list them with GET /api/v1/admin/keys.")
    await audit(conn, request.scope, actor=caller.owner, action="apikey.revoke", target=f"key:{api_key_id}")
    return KeyOut(**dict(zip(KeyOut.model_fields, row, strict=True)))
