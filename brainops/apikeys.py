"""API keys: random secrets shown once, stored as SHA-256 hashes in app.api_keys."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import psycopg

ROLES = ("admin", "analyst", "applicant")
PREFIX = "bo"


@dataclass(frozen=True)
class NewKey:
    api_key_id: int
    name: str
    role: str
    secret: str  # the only time the full key exists outside the caller's hands


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_secret() -> str:
    return f"{PREFIX}_{secrets.token_urlsafe(32)}"


def create_key(conn: psycopg.Connection, *, name: str, role: str = "analyst") -> NewKey:
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
    if not name.strip():
        raise ValueError("An API key needs a name, e.g. --name 'frontend'.")
    secret = generate_secret()
    row = conn.execute(
        """INSERT INTO app.api_keys (name, role, key_prefix, key_hash)
           VALUES (%s, %s, %s, %s) RETURNING api_key_id""",
        (name.strip(), role, secret[:10], hash_key(secret)),
    ).fetchone()
    assert row is not None
    return NewKey(api_key_id=row[0], name=name.strip(), role=role, secret=secret)


def revoke_key(conn: psycopg.Connection, api_key_id: int) -> bool:
    cur = conn.execute(
        "UPDATE app.api_keys SET revoked_at = now() WHERE api_key_id = %s AND revoked_at IS NULL", (api_key_id,)
    )
    return cur.rowcount == 1
