"""Incremental cursors in raw._sync_state, written in the same transaction as the rows they cover, and kept
per account: a cursor is resumed only by a sync of the account it was read from. Pointing a source at another
account (the sample's stand-in, then a real key; one real account, then another) starts that source afresh,
with a note saying so, instead of skipping every record older than the other account's cursor."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class Resume:
    cursor: str | None  # None: sync from the start
    note: str = ""  # why a saved cursor was left behind (it belongs to another account), for the run log


def resume(conn: psycopg.Connection, source: str, resource: str, account: str) -> Resume:
    """The saved cursor of `resource` when it was saved by a sync of `account`."""
    row = conn.execute(
        "SELECT cursor, account FROM raw._sync_state WHERE source = %s AND resource = %s", (source, resource)
    ).fetchone()
    if row is None or row[0] is None:
        return Resume(None)
    if row[1] != account:
        was = f"account {row[1]}" if row[1] else "an account it did not record (saved before accounts were)"
        return Resume(None, f"{source} {resource}: the saved cursor was read from {was}; this sync reads account "
                            f"{account}, so it starts afresh")
    return Resume(row[0])


def save_cursor(conn: psycopg.Connection, source: str, resource: str, cursor: str | None, rows: int, *,
                account: str) -> None:
    """Save the cursor for `account`; rows loaded count up while the account stays, and restart with another."""
    conn.execute(
        """INSERT INTO raw._sync_state (source, resource, cursor, rows_loaded, updated_at, account)
           VALUES (%s, %s, %s, %s, now(), %s)
           ON CONFLICT (source, resource) DO UPDATE
           SET cursor = EXCLUDED.cursor,
               rows_loaded = CASE WHEN raw._sync_state.account IS NOT DISTINCT FROM EXCLUDED.account
                                  THEN raw._sync_state.rows_loaded + EXCLUDED.rows_loaded
                                  ELSE EXCLUDED.rows_loaded END,
               updated_at = now(),
               account = EXCLUDED.account""",
        (source, resource, cursor, rows, account),
    )


def read_cursor(conn: psycopg.Connection, source: str, resource: str) -> str | None:
    """The stored cursor, whichever account it was read from (for inspecting the state; syncs use `resume`)."""
    row = conn.execute(
        "SELECT cursor FROM raw._sync_state WHERE source = %s AND resource = %s", (source, resource)
    ).fetchone()
    return row[0] if row else None

