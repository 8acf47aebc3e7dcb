"""A SQLite index over the sample's JSONL files, so stand-in servers page and filter without loading
everything into memory (scale 100 has millions of records)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path


def to_micros(when: str | datetime) -> int:
    """Microseconds since the epoch of an ISO 8601 time (or a datetime); naive times are UTC."""
    at = datetime.fromisoformat(when) if isinstance(when, str) else when
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return int(at.timestamp() * 1_000_000)


class JsonlStore:
    """Records keyed by (collection, id), each with an update time in microseconds and its JSON text."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._local = threading.local()
        self._write_lock = threading.Lock()
        # Where each served page ended, so the next page number continues by key instead of
        # re-walking OFFSET rows (OFFSET paging of N pages is otherwise quadratic).
        self._page_ends: OrderedDict[tuple, tuple[int, str]] = OrderedDict()

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.db_path, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    @classmethod
    def build(cls, db_path: Path, collections: dict[str, Path], updated_of) -> JsonlStore:
        """(Re)build the index from JSONL files; `updated_of(record)` gives a record's update time (ISO or datetime)."""
        tmp = db_path.with_suffix(".building")
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp)
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute(
            "CREATE TABLE records (collection TEXT, id TEXT, updated INTEGER, doc TEXT, PRIMARY KEY (collection, id))"
        )
        for name, path in collections.items():
            if not path.exists():
                continue
            with path.open() as f:
                batch = []
                for line in f:
                    record = json.loads(line)
                    batch.append((name, str(record["id"]), to_micros(updated_of(record)), line.strip()))
                    if len(batch) >= 10_000:
                        conn.executemany("INSERT INTO records VALUES (?, ?, ?, ?)", batch)
                        batch = []
                conn.executemany("INSERT INTO records VALUES (?, ?, ?, ?)", batch)
        conn.execute("CREATE INDEX records_by_update ON records (collection, updated, id)")
        conn.commit()
        conn.close()
        tmp.replace(db_path)
        return cls(db_path)

    def count(self, collection: str, updated_gte: int | None = None) -> int:
        if updated_gte is None:
            sql, args = "SELECT count(*) FROM records WHERE collection = ?", (collection,)
        else:
            sql = "SELECT count(*) FROM records WHERE collection = ? AND updated >= ?"
            args = (collection, updated_gte)
        return self.conn.execute(sql, args).fetchone()[0]

    def page(
        self, collection: str, *, limit: int, offset: int, updated_gte: int | None = None, descending: bool = False
    ) -> list[str]:
        order, cmp = ("DESC", "<") if descending else ("ASC", ">")
        where = "collection = ?" + (" AND updated >= ?" if updated_gte is not None else "")
        args: tuple = (collection,) if updated_gte is None else (collection, updated_gte)
        query = (collection, updated_gte, descending)
        skip = offset
        if offset and (last := self._page_ends.get((*query, offset))) is not None:
            where += f" AND (updated, id) {cmp} (?, ?)"
            args, skip = (*args, *last), 0
        rows = self.conn.execute(
            f"SELECT updated, id, doc FROM records WHERE {where} ORDER BY updated {order}, id {order} LIMIT ? OFFSET ?",
            (*args, limit, skip),
        ).fetchall()
        if rows:
            with self._write_lock:
                self._page_ends[(*query, offset + len(rows))] = (rows[-1][0], rows[-1][1])
                while len(self._page_ends) > 4096:
                    self._page_ends.popitem(last=False)
        return [r[2] for r in rows]

    def get(self, collection: str, record_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT doc FROM records WHERE collection = ? AND id = ?", (collection, record_id)
        ).fetchone()
        return row[0] if row else None

    def put(self, collection: str, record_id: str, updated_iso: str | datetime, doc: str) -> None:
        with self._write_lock:
            self._page_ends.clear()  # an edit moves the record: remembered page ends are stale
            self.conn.execute(
                "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?)",
                (collection, record_id, to_micros(updated_iso), doc),
            )
            self.conn.commit()

    # Keyset access, newest first, for APIs that page by object id (Stripe's starting_after/ending_before).

    def position(self, collection: str, record_id: str) -> tuple[int, str] | None:
        """(update time, id) of a record: where a page that starts after or ends before it begins."""
        row = self.conn.execute(
            "SELECT updated, id FROM records WHERE collection = ? AND id = ?", (collection, record_id)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def window(
        self,
        collection: str,
        *,
        limit: int,
        after: tuple[int, str] | None = None,
        before: tuple[int, str] | None = None,
        bounds: Sequence[tuple[str, int]] = (),
        where: Sequence[tuple[str, str, object]] = (),
    ) -> tuple[list[str], bool]:
        """Up to `limit` records, newest first, and whether more lie beyond the page.

        `after`: the page starts just after this position (older records); `before`: the page ends just
        before it (newer records, the ones nearest to it). `bounds`: (op, micros) on the update time, op one
        of >=, >, <=, <. `where`: (JSON path, op, value) with op =, !=, IN (a list) or GLOB.
        """
        clauses, args = ["collection = ?"], [collection]
        for op, micros in bounds:
            if op not in (">=", ">", "<=", "<"):
                raise ValueError(f"Unsupported bound {op!r}.")
            clauses.append(f"updated {op} ?")
            args.append(micros)
        for path, op, value in where:
            if op == "IN":
                values = list(value)  # type: ignore[call-overload]
                clauses.append(f"json_extract(doc, ?) IN ({', '.join('?' * len(values))})")
                args += [path, *values]
            elif op in ("=", "!=", "GLOB"):
                clauses.append(f"coalesce(json_extract(doc, ?), '') {op} ?")
                args += [path, value]
            else:
                raise ValueError(f"Unsupported filter {op!r}.")
        oldest_first = before is not None and after is None
        if after is not None:
            clauses.append("(updated, id) < (?, ?)")
            args += list(after)
        if before is not None:
            clauses.append("(updated, id) > (?, ?)")
            args += list(before)
        order = "ASC" if oldest_first else "DESC"
        rows = self.conn.execute(
            f"SELECT doc FROM records WHERE {' AND '.join(clauses)} ORDER BY updated {order}, id {order} LIMIT ?",
            (*args, limit + 1),
        ).fetchall()
        docs = [r[0] for r in rows[:limit]]
        return (docs[::-1] if oldest_first else docs), len(rows) > limit

    def delete(self, collection: str, record_id: str) -> bool:
        with self._write_lock:
            self._page_ends.clear()
            cur = self.conn.execute("DELETE FROM records WHERE collection = ? AND id = ?", (collection, record_id))
            self.conn.commit()
        return cur.rowcount > 0
