"""Versioned SQL migrations: `migrations/NNNN_name.sql`, applied in order, each in its own transaction.

Applied versions (with a checksum) live in `public.schema_migrations`; an edited migration that was
already applied is an error, so history is never rewritten silently.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import psycopg

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant works: it serialises concurrent migrators (API workers, Dagster processes).
_LOCK_ID = 7_284_013


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


class MigrationError(RuntimeError):
    pass


def available() -> list[Migration]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        version, _, name = path.stem.partition("_")
        found.append(Migration(int(version), name, path.read_text()))
    return found


def _ensure_table(conn: psycopg.Connection) -> None:
    conn.execute(
        """CREATE TABLE IF NOT EXISTS public.schema_migrations (
               version integer PRIMARY KEY,
               name text NOT NULL,
               checksum text NOT NULL,
               applied_at timestamptz NOT NULL DEFAULT now())"""
    )


def applied(conn: psycopg.Connection) -> dict[int, str]:
    exists = conn.execute("SELECT to_regclass('public.schema_migrations') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return {}
    return dict(conn.execute("SELECT version, checksum FROM public.schema_migrations").fetchall())


def pending(conn: psycopg.Connection) -> list[Migration]:
    done = applied(conn)
    for m in available():
        if m.version in done and done[m.version] != m.checksum:
            raise MigrationError(
                f"Migration {m.version:04d}_{m.name} changed after it was applied. "
                "Add a new migration instead of editing an applied one."
            )
    return [m for m in available() if m.version not in done]


def migrate(url: str) -> list[str]:
    """Apply pending migrations; returns the names applied (empty when current)."""
    names: list[str] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_ID,))
        try:
            _ensure_table(conn)
            for m in pending(conn):
                with conn.transaction():
                    conn.execute(m.sql)
                    conn.execute(
                        "INSERT INTO public.schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                        (m.version, m.name, m.checksum),
                    )
                names.append(f"{m.version:04d}_{m.name}")
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_ID,))
    return names


def is_current(conn: psycopg.Connection) -> bool:
    done = applied(conn)
    return all(m.version in done for m in available())
