from __future__ import annotations

import psycopg
import pytest

from brainops.warehouse import migrate


def test_schemas_and_pgvector_exist(conn: psycopg.Connection) -> None:
    schemas = {r[0] for r in conn.execute("SELECT schema_name FROM information_schema.schemata")}
    assert {"raw", "rag", "analytics", "app"} <= schemas
    version = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
    assert version is not None
    assert conn.execute("SELECT '[1,2,3]'::vector <=> '[1,2,4]'::vector").fetchone()[0] > 0


def test_migrating_again_applies_nothing(warehouse_url: str) -> None:
    assert migrate.migrate(warehouse_url) == []
    with psycopg.connect(warehouse_url) as c:
        assert migrate.is_current(c)
        assert len(migrate.applied(c)) == len(migrate.available())


def test_an_edited_applied_migration_is_refused(conn: psycopg.Connection) -> None:
    first = migrate.available()[0]
    conn.execute("UPDATE public.schema_migrations SET checksum = 'edited' WHERE version = %s", (first.version,))
    with pytest.raises(migrate.MigrationError, match="Add a new migration"):
        migrate.pending(conn)
