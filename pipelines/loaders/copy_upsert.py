"""COPY rows into a temporary table, then upsert them into the target by primary key.

COPY is ~13x faster than row-by-row INSERT here (STACK.md). The upsert keeps the newest version
of each row (by `version_column`), so re-running a load, or loading overlapping pages, changes
nothing that is already current and never duplicates a row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql


@dataclass
class UpsertResult:
    inserted: int = 0
    updated: int = 0

    @property
    def written(self) -> int:
        return self.inserted + self.updated

    def __iadd__(self, other: UpsertResult) -> UpsertResult:
        self.inserted += other.inserted
        self.updated += other.updated
        return self


def copy_upsert(
    conn: psycopg.Connection,
    *,
    schema: str,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    key: str = "id",
    version_column: str | None = "updated_at",
) -> UpsertResult:
    """Load `rows` (tuples in `columns` order) into schema.table. Runs inside the caller's transaction.

    Returns how many rows were inserted and how many existing rows changed; identical rows count as neither.
    """
    target = sql.Identifier(schema, table)
    stage = sql.Identifier(f"_stage_{table}")
    cols = sql.SQL(", ").join(map(sql.Identifier, columns))
    with conn.cursor() as cur:
        cur.execute(
            sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS").format(
                stage, target
            )
        )
        cur.execute(sql.SQL("TRUNCATE {}").format(stage))
        with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(stage, cols)) as copy:
            for row in rows:
                copy.write_row(row)

        updates = sql.SQL(", ").join(
            sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in columns if c != key
        )
        newest_first = sql.SQL(", {} DESC").format(sql.Identifier(version_column)) if version_column else sql.SQL("")
        # Rows that did not change are not rewritten: no dead tuples, and `updated` counts real changes.
        changed = sql.SQL("({}) IS DISTINCT FROM ({})").format(
            sql.SQL(", ").join(sql.SQL("{}.{}").format(target, sql.Identifier(c)) for c in columns),
            sql.SQL(", ").join(sql.SQL("EXCLUDED.{}").format(sql.Identifier(c)) for c in columns),
        )
        only_if_newer = (
            sql.SQL("WHERE EXCLUDED.{0} >= {1}.{0} AND {2}").format(sql.Identifier(version_column), target, changed)
            if version_column
            else sql.SQL("WHERE {}").format(changed)
        )
        # DISTINCT ON: one page set may carry the same id twice (a record edited mid-sync).
        cur.execute(
            sql.SQL(
                """INSERT INTO {target} ({cols})
                   SELECT DISTINCT ON ({key}) {cols} FROM {stage} ORDER BY {key}{newest_first}
                   ON CONFLICT ({key}) DO UPDATE SET {updates}, _loaded_at = now() {only_if_newer}
                   RETURNING (xmax = 0) AS inserted"""
            ).format(
                target=target,
                cols=cols,
                stage=stage,
                key=sql.Identifier(key),
                newest_first=newest_first,
                updates=updates,
                only_if_newer=only_if_newer,
            )
        )
        flags = [r[0] for r in cur.fetchall()]
    return UpsertResult(inserted=sum(flags), updated=len(flags) - sum(flags))
