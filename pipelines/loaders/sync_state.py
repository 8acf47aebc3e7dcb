"""Incremental cursors in raw._sync_state, written in the same transaction as the rows they cover."""

from __future__ import annotations

import psycopg


def read_cursor(conn: psycopg.Connection, source: str, resource: str) -> str | None:
    row = conn.execute(
        "SELECT cursor FROM raw._sync_state WHERE source = %s AND resource = %s", (source, resource)
    ).fetchone()
    return row[0] if row else None


def save_cursor(conn: psycopg.Connection, source: str, resource: str, cursor: str | None, rows: int) -> None:
    conn.execute(
        """INSERT INTO raw._sync_state (source, resource, cursor, rows_loaded, updated_at)
           VALUES (%s, %s, %s, %s, now())
           ON CONFLICT (source, resource) DO UPDATE
           SET cursor = EXCLUDED.cursor,
               rows_loaded = raw._sync_state.rows_loaded + EXCLUDED.rows_loaded,
               updated_at = now()""",
        (source, resource, cursor, rows),
    )
