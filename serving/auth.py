"""Tokens for user accounts: short-lived HS256 access JWTs and refresh tokens rotated on every use.

A login starts a token *family* (one uuid). Each refresh marks its token rotated and issues the next one
in the family; presenting a rotated token again means it was copied, so the family is revoked, which
also stops the access tokens that name it (claim `sid`). Plain async functions on a psycopg connection.
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from fastapi.concurrency import run_in_threadpool
from psycopg import AsyncConnection

from brainops.apikeys import hash_key
from brainops.settings import Settings
from brainops.users import SELECT_LOGIN, User, verify_password

ALGORITHM = "HS256"
ISSUER = "brainops-api"
MIN_SECRET_BYTES = 32
REFRESH_PREFIX = "rt_"


class InsecureSecret(RuntimeError):
    """Raised at startup outside development when JWT_SECRET is set but too short."""


class TokenError(Exception):
    """A token that cannot be used; the message says what to do."""


def check_secrets(settings: Settings) -> None:
    """At startup: a JWT_SECRET that is set must be long enough outside development; an unset one is generated
    into the data directory now (every worker ends with the same one), so a data directory that cannot hold it
    stops startup (SecretFileError, saying what to do) rather than the first login."""
    if settings.jwt_secret and settings.environment != "development" \
            and len(settings.jwt_secret.encode()) < MIN_SECRET_BYTES:
        raise InsecureSecret(
            f"APP_ENV is {settings.environment!r} but JWT_SECRET is shorter than {MIN_SECRET_BYTES} bytes. Set it "
            "to at least 32 random bytes, e.g. the output of `python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'`, or unset it to use a secret generated in the data directory.")
    settings.jwt_signing_secret()


def looks_like_jwt(credential: str) -> bool:
    return credential.count(".") == 2 and credential.startswith("eyJ")


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    family_id: str


def issue_access_token(user: User, family_id: str, settings: Settings, *, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    claims = {"sub": str(user.user_id), "role": user.role, "sid": family_id, "typ": "access", "iss": ISSUER,
              "iat": issued, "exp": issued + settings.access_token_ttl_seconds, "jti": secrets.token_hex(8)}
    return jwt.encode(claims, settings.jwt_signing_secret(), algorithm=ALGORITHM)


def decode_access_token(token: str, settings: Settings) -> AccessClaims:
    try:
        claims: dict[str, Any] = jwt.decode(
            token, settings.jwt_signing_secret(), algorithms=[ALGORITHM], issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "sid", "typ"]},
        )
    except jwt.ExpiredSignatureError:
        raise TokenError("The access token has expired: get a new one from POST /api/v1/auth/refresh.") from None
    except jwt.PyJWTError:
        raise TokenError("The access token is not valid: log in again at POST /api/v1/auth/token.") from None
    if claims["typ"] != "access" or not str(claims["sub"]).isdigit():
        raise TokenError("The token is not an access token: log in again at POST /api/v1/auth/token.")
    return AccessClaims(user_id=int(claims["sub"]), family_id=str(claims["sid"]))


async def authenticate(conn: AsyncConnection, email: str, password: str) -> User | None:
    """The user when e-mail and password match and the account is enabled; None otherwise."""
    row = None
    if "\x00" not in email:  # Postgres text cannot hold NUL: no account has such an e-mail
        cur = await conn.execute(SELECT_LOGIN, (email.strip(),))
        row = await cur.fetchone()
    # argon2 is ~50 ms of CPU: off the event loop; spent even for unknown e-mails (same timing).
    ok = await run_in_threadpool(verify_password, row[6] if row else None, password)
    if not ok or row is None or row[5]:
        return None
    await conn.execute("UPDATE app.users SET last_login_at = now() WHERE user_id = %s", (row[0],))
    return User(*row[:6])


async def issue_refresh_token(conn: AsyncConnection, user: User, family_id: str, settings: Settings) -> str:
    secret = f"{REFRESH_PREFIX}{secrets.token_urlsafe(32)}"
    await conn.execute(
        """INSERT INTO app.refresh_tokens (token_hash, family_id, user_id, expires_at)
           VALUES (%s, %s, %s, now() + make_interval(secs => %s))""",
        (hash_key(secret), family_id, user.user_id, settings.refresh_token_ttl_seconds),
    )
    return secret


def new_family() -> str:
    return str(uuid.uuid4())


async def revoke_family(conn: AsyncConnection, family_id: str, user_id: int, reason: str) -> None:
    async with conn.transaction():
        await conn.execute(
            """INSERT INTO app.revoked_token_families (family_id, user_id, reason) VALUES (%s, %s, %s)
               ON CONFLICT (family_id) DO NOTHING""", (family_id, user_id, reason))
        await conn.execute(
            "UPDATE app.refresh_tokens SET revoked_at = now() WHERE family_id = %s AND revoked_at IS NULL",
            (family_id,))


@dataclass(frozen=True)
class Rotated:
    user: User
    family_id: str
    refresh_token: str


async def rotate_refresh_token(conn: AsyncConnection, secret: str, settings: Settings) -> Rotated:
    """Use a refresh token once: the next token of its family, or TokenError (a reuse revokes the family)."""
    token_hash = hash_key(secret)
    async with conn.transaction():
        cur = await conn.execute(
            """UPDATE app.refresh_tokens SET rotated_at = now()
               WHERE token_hash = %s AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > now()
               RETURNING family_id::text, user_id""", (token_hash,))
        used = await cur.fetchone()
        if used is not None:
            family_id, user_id = used
            cur = await conn.execute(
                """SELECT u.user_id, u.email, u.role, u.tier, k.api_key_id, u.disabled_at IS NOT NULL
                   FROM app.users u JOIN app.api_keys k ON k.user_id = u.user_id AND k.kind = 'user'
                   WHERE u.user_id = %s""", (user_id,))
            row = await cur.fetchone()
            if row is None or row[5]:
                raise TokenError("This account is disabled: ask an administrator.")
            user = User(*row)
            return Rotated(user, family_id, await issue_refresh_token(conn, user, family_id, settings))
    cur = await conn.execute(
        """SELECT family_id::text, user_id, rotated_at IS NOT NULL, revoked_at IS NOT NULL
           FROM app.refresh_tokens WHERE token_hash = %s""", (token_hash,))
    known = await cur.fetchone()
    if known is None:
        raise TokenError("Unknown refresh token: log in again at POST /api/v1/auth/token.")
    family_id, user_id, rotated, revoked = known
    if rotated and not revoked:
        # Someone replayed a token that was already exchanged: assume theft and end the whole login.
        await revoke_family(conn, family_id, user_id, "refresh token reused")
        raise TokenError("This refresh token was already used, so this login has been revoked for safety: "
                         "log in again at POST /api/v1/auth/token.")
    if revoked:
        raise TokenError("This refresh token has been revoked: log in again at POST /api/v1/auth/token.")
    raise TokenError("This refresh token has expired: log in again at POST /api/v1/auth/token.")


async def family_of_refresh_token(conn: AsyncConnection, secret: str) -> tuple[str, int] | None:
    cur = await conn.execute(
        "SELECT family_id::text, user_id FROM app.refresh_tokens WHERE token_hash = %s", (hash_key(secret),))
    row = await cur.fetchone()
    return (row[0], row[1]) if row else None
