from __future__ import annotations

import json

import psycopg

from pipelines.loaders.copy_upsert import copy_upsert

COLUMNS = ["id", "external_id", "created_at", "updated_at", "deleted_at", "attributes", "relationships"]


def row(id_: str, updated: str, name: str) -> tuple:
    return (id_, None, "2024-01-01T00:00:00Z", updated, None, json.dumps({"name": name}), None)


def load(conn: psycopg.Connection, rows: list[tuple]):
    return copy_upsert(conn, schema="raw", table="centerpoint_companies", columns=COLUMNS, rows=rows)


def names(conn: psycopg.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT id, attributes->>'name' FROM raw.centerpoint_companies").fetchall())


def test_inserts_then_reloading_the_same_rows_duplicates_nothing(conn: psycopg.Connection) -> None:
    rows = [row(str(i), "2024-02-01T00:00:00Z", f"Co {i}") for i in range(500)]
    first = load(conn, rows)
    second = load(conn, rows)
    assert (first.inserted, first.updated) == (500, 0)
    assert (second.inserted, second.updated) == (0, 0)
    assert conn.execute("SELECT count(*) FROM raw.centerpoint_companies").fetchone()[0] == 500


def test_newer_version_wins_and_an_older_one_is_ignored(conn: psycopg.Connection) -> None:
    load(conn, [row("1", "2024-02-01T00:00:00Z", "original")])
    load(conn, [row("1", "2024-03-01T00:00:00Z", "renamed")])
    load(conn, [row("1", "2024-01-15T00:00:00Z", "stale copy")])
    assert names(conn) == {"1": "renamed"}


def test_the_same_id_twice_in_one_batch_keeps_the_newest(conn: psycopg.Connection) -> None:
    result = load(conn, [row("7", "2024-02-01T00:00:00Z", "old"), row("7", "2024-02-02T00:00:00Z", "new")])
    assert result.inserted == 1
    assert names(conn) == {"7": "new"}


def test_a_changed_row_counts_as_updated_and_an_unchanged_one_does_not(conn: psycopg.Connection) -> None:
    load(conn, [row("1", "2024-02-01T00:00:00Z", "a"), row("2", "2024-02-01T00:00:00Z", "b")])
    result = load(conn, [row("1", "2024-02-01T00:00:00Z", "a"), row("2", "2024-02-05T00:00:00Z", "b2")])
    assert (result.inserted, result.updated) == (0, 1)
    assert names(conn) == {"1": "a", "2": "b2"}
