"""User accounts for the serving API: argon2id password hashes in app.users, each with a principal row in
app.api_keys (kind 'user') under which the user's own documents and chat sessions are recorded.

Plain functions on a psycopg connection (the CLI uses them directly; serving/ runs them in a thread).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from brainops.apikeys import ROLES, TIERS, generate_secret, hash_key

MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 256  # argon2 hashes anything, but a megabyte "password" is a denial-of-service attempt
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")

# argon2id with the library's defaults (RFC 9106 low-memory profile): ~50 ms and 64 MiB per hash.
_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so a login takes as long whether or not the account exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password-just-for-timing")


@dataclass(frozen=True)
class User:
    user_id: int
    email: str
    role: str
    tier: str
    principal_key_id: int  # the app.api_keys row (kind 'user') the user's actions are recorded under
    disabled: bool = False


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"The password is too short: use at least {MIN_PASSWORD_CHARS} characters.")
    if len(password) > MAX_PASSWORD_CHARS:
        raise ValueError(f"The password is too long: use at most {MAX_PASSWORD_CHARS} characters.")


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; always spends one argon2 verification (see _DUMMY_HASH)."""
    if len(password) > MAX_PASSWORD_CHARS:
        return False
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def normalize_email(email: str) -> str:
    email = email.strip()
    if not EMAIL.match(email):
        raise ValueError(f"{email!r} is not an e-mail address: use the form name@example.com.")
    return email


SELECT_USER = """SELECT u.user_id, u.email, u.role, u.tier, k.api_key_id, u.disabled_at IS NOT NULL
                 FROM app.users u JOIN app.api_keys k ON k.user_id = u.user_id AND k.kind = 'user'"""
SELECT_LOGIN = """SELECT u.user_id, u.email, u.role, u.tier, k.api_key_id, u.disabled_at IS NOT NULL, u.password_hash
                  FROM app.users u JOIN app.api_keys k ON k.user_id = u.user_id AND k.kind = 'user'
                  WHERE lower(u.email) = lower(%s)"""
INSERT_USER = """INSERT INTO app.users (email, password_hash, role, tier) VALUES (%s, %s, %s, %s)
                 ON CONFLICT (lower(email)) DO NOTHING RETURNING user_id"""
INSERT_PRINCIPAL = """INSERT INTO app.api_keys (name, role, tier, key_prefix, key_hash, user_id, kind)
                      VALUES (%s, %s, %s, 'user', %s, %s, 'user') RETURNING api_key_id"""


def create_user(conn: psycopg.Connection, *, email: str, password: str, role: str = "applicant",
                tier: str = "free") -> User:
    """Create a user and its principal key in one transaction; ValueError says what to fix."""
    email = normalize_email(email)
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
    if tier not in TIERS:
        raise ValueError(f"Unknown tier {tier!r}: use one of {', '.join(TIERS)}.")
    check_password_rules(password)
    password_hash = hash_password(password)
    with conn.transaction():
        row = conn.execute(INSERT_USER, (email, password_hash, role, tier)).fetchone()
        if row is None:
            raise ValueError(f"A user with e-mail {email!r} exists already.")
        user_id = row[0]
        # The principal's secret is thrown away: it can never be presented as an API key.
        key = conn.execute(INSERT_PRINCIPAL, (email, role, tier, hash_key(generate_secret()), user_id)).fetchone()
    return User(user_id=user_id, email=email, role=role, tier=tier, principal_key_id=key[0])


def set_disabled(conn: psycopg.Connection, user_id: int, disabled: bool = True) -> bool:
    """Disable (or re-enable) a user; a disabled user's tokens stop working at once."""
    cur = conn.execute(
        "UPDATE app.users SET disabled_at = CASE WHEN %s THEN coalesce(disabled_at, now()) END WHERE user_id = %s",
        (disabled, user_id),
    )
    return cur.rowcount == 1


def list_users(conn: psycopg.Connection, *, limit: int = 100, offset: int = 0) -> list[User]:
    rows = conn.execute(f"{SELECT_USER} ORDER BY u.user_id LIMIT %s OFFSET %s", (limit, offset)).fetchall()
    return [User(*row) for row in rows]
