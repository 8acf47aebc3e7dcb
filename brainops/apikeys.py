"""API keys: random secrets shown once, stored as SHA-256 hashes in app.api_keys."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import psycopg
from psycopg.types.json import Jsonb

ROLES = ("admin", "analyst", "applicant")
TIERS = ("free", "premium", "enterprise")
PREFIX = "bo"
AUDIT = "INSERT INTO app.audit_log (actor, action, target, detail) VALUES (%s, %s, %s, %s)"


@dataclass(frozen=True)
class NewKey:
    api_key_id: int
    name: str
    role: str
    tier: str
    secret: str  # the only time the full key exists outside the caller's hands


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_secret() -> str:
    return f"{PREFIX}_{secrets.token_urlsafe(32)}"


def create_key(conn: psycopg.Connection, *, name: str, role: str = "analyst", tier: str = "premium",
               user_id: int | None = None, actor: str = "cli") -> NewKey:
    """A new key; with user_id it belongs to that user (sees the user's documents, counts to the user's quota)."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
    if not name.strip():
        raise ValueError("An API key needs a name, e.g. --name 'frontend'.")
    if tier not in TIERS:
        raise ValueError(f"Unknown tier {tier!r}: use one of {', '.join(TIERS)}.")
    secret = generate_secret()
    row = conn.execute(
        """INSERT INTO app.api_keys (name, role, tier, key_prefix, key_hash, user_id)
           VALUES (%s, %s, %s, %s, %s, %s) RETURNING api_key_id""",
        (name.strip(), role, tier, secret[:10], hash_key(secret), user_id),
    ).fetchone()
    assert row is not None
    conn.execute(AUDIT, (actor, "apikey.create", f"key:{row[0]}", Jsonb({"role": role, "tier": tier})))
    return NewKey(api_key_id=row[0], name=name.strip(), role=role, tier=tier, secret=secret)


def revoke_key(conn: psycopg.Connection, api_key_id: int, *, actor: str = "cli") -> bool:
    cur = conn.execute(
        "UPDATE app.api_keys SET revoked_at = now() WHERE api_key_id = %s AND revoked_at IS NULL AND kind = 'key'",
        (api_key_id,),
    )
    if cur.rowcount == 1:
        conn.execute(AUDIT, (actor, "apikey.revoke", f"key:{api_key_id}", Jsonb({})))
    return cur.rowcount == 1
