"""IES uploads: what a file is (by content), a safe name for it, a content-addressed store on disk,
the app.uploads records, the landing-dir intake and the quarantine. No Dagster; the API, the upload
sensor and the extraction asset all go through here.

The store (UPLOAD_DIR, else <data dir>/uploads):
    store/<sha[:2]>/<sha256>.<kind>     each distinct content once, written atomically (temp + rename)
    tmp/                                uploads being received (same filesystem, so the rename is atomic)
    quarantine/<sha256>__<name>         landing-dir files that are no statement, with <...>.reason.txt
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg.rows import class_row

from brainops.paths import data_dir
from brainops.settings import get_settings
from pipelines.ies.sniff import REASONS, file_kind

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_UPLOAD_MB = MAX_UPLOAD_BYTES // (1024 * 1024)
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}
ACCEPTED = "PDF (with a text layer or scanned), XLSX workbooks and CSV files"
# Names a landing-dir scan leaves alone: hidden files, editors' and downloaders' partial files.
_IN_PROGRESS = re.compile(r"(^[.~]|\.(part|partial|tmp|crdownload|download)$|^~\$)", re.IGNORECASE)


class UploadRejected(ValueError):
    """A file we will not take; the message says what to do instead."""


class TooLarge(UploadRejected):
    pass


class Unsupported(UploadRejected):
    pass


class StoreFull(OSError):
    """The upload store's disk (or quota) is full: nothing was kept; the message says what to do."""


# What a full disk looks like to a writer: no space, quota exhausted, or a file-size limit reached.
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def store_full_message() -> str:
    return ("The upload store is out of disk space, so the statement was not kept: nothing was saved. "
            "Try again later; operators: free space under UPLOAD_DIR.")


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, StoreFull) or (isinstance(exc, OSError) and exc.errno in _DISK_FULL)


def upload_dir() -> Path:
    """UPLOAD_DIR (the environment, then .env), else <data dir>/uploads."""
    return Path(os.environ.get("UPLOAD_DIR") or get_settings().upload_dir or data_dir() / "uploads").resolve()


def landing_dir() -> Path:
    """IES_LANDING_DIR (the environment, then .env), else <data dir>/landing: files dropped there are uploads."""
    return Path(os.environ.get("IES_LANDING_DIR") or get_settings().ies_landing_dir or data_dir() / "landing").resolve()


def too_large_message(size: int | None = None) -> str:
    got = f" (this one has {size / 1024 / 1024:.1f} MB)" if size else ""
    return (f"The file is larger than the {MAX_UPLOAD_MB} MB upload limit{got}; upload the statement alone, "
            "or export it again without embedded images.")


def kind_of(data: bytes) -> str:
    """'pdf', 'xlsx' or 'csv' judged by the bytes, or Unsupported saying what is accepted."""
    kind = file_kind(data)
    if kind in MEDIA_TYPES:
        return kind
    raise Unsupported(f"{REASONS.get(kind, REASONS['binary'])} Accepted: {ACCEPTED}.")


_UNSAFE = re.compile(r"[^A-Za-z0-9._() -]+")


def sanitize_name(name: str | None, kind: str) -> str:
    """A display name safe anywhere: no directories, no control or shell characters, no leading dots,
    at most 120 characters, and the extension of what the file really is."""
    base = unicodedata.normalize("NFKC", name or "")
    base = re.split(r"[\\/]", base)[-1]  # the last path component, whatever the client's separator
    base = "".join(ch for ch in base if ch.isprintable())
    stem, dot, ext = base.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,5}", ext):
        stem = base  # no extension (or not one): keep it all as the stem
    stem = _UNSAFE.sub("_", stem)
    stem = re.sub(r"_{2,}", "_", stem).strip(" ._-")[:110]
    return f"{stem or 'statement'}.{kind}"


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    kind: str
    size_bytes: int
    stored_path: str  # relative to the store root


class UploadStore:
    """The content-addressed store. Writes are atomic: a reader never sees half a file."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root or upload_dir())

    @property
    def tmp_dir(self) -> Path:
        return self._dir("tmp")

    @property
    def quarantine_dir(self) -> Path:
        return self._dir("quarantine")

    def _dir(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def new_temp(self) -> tuple[int, Path]:
        """An open file descriptor and path for bytes being received."""
        fd, path = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=self.tmp_dir)
        return fd, Path(path)

    def relative(self, sha256: str, kind: str) -> str:
        return f"store/{sha256[:2]}/{sha256}.{kind}"

    def path(self, stored_path: str) -> Path:
        path = (self.root / stored_path).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"{stored_path!r} is outside the upload store.")
        return path

    def put_temp(self, temp: Path, *, sha256: str, kind: str, size: int) -> StoredFile:
        """Move a fully written temp file into the store (or drop it when that content is already there).
        On any failure (a full disk included) the temp file is removed and the store is as it was."""
        stored = StoredFile(sha256, kind, size, self.relative(sha256, kind))
        final = self.path(stored.stored_path)
        try:
            if final.exists():
                return stored
            final.parent.mkdir(parents=True, exist_ok=True)
            with open(temp, "rb") as f:
                os.fsync(f.fileno())  # the bytes are on disk before the name points at them
            os.replace(temp, final)
            return stored
        except OSError as exc:
            raise (StoreFull(exc.errno, store_full_message()) if is_disk_full(exc) else exc) from exc
        finally:
            temp.unlink(missing_ok=True)

    def put_bytes(self, data: bytes, *, kind: str) -> StoredFile:
        sha256 = hashlib.sha256(data).hexdigest()
        fd, temp = self.new_temp()
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        except BaseException as exc:
            temp.unlink(missing_ok=True)
            if is_disk_full(exc):
                raise StoreFull(exc.errno, store_full_message()) from exc  # type: ignore[attr-defined]
            raise
        return self.put_temp(temp, sha256=sha256, kind=kind, size=len(data))

    def read(self, stored_path: str) -> bytes:
        return self.path(stored_path).read_bytes()

    @staticmethod
    def quarantine_relative(sha256: str, name: str) -> str:
        return f"quarantine/{sha256}__{_UNSAFE.sub('_', name)[:120] or 'file'}"

    def quarantine(self, source: Path, *, sha256: str, name: str, reason: str) -> str:
        """Move a file that cannot be read aside, with its reason beside it; returns the relative path."""
        self._dir("quarantine")
        relative = self.quarantine_relative(sha256, name)
        target = self.path(relative)
        os.replace(source, target)
        target.with_name(target.name + ".reason.txt").write_text(reason + "\n")
        return relative


def new_document_id() -> str:
    """A fresh document id. Random, not derived from the content: two owners of the same bytes hold two
    documents, and neither id says anything about the other's."""
    return "ies_" + secrets.token_hex(8)


# --- app.uploads ------------------------------------------------------------------------------------

@dataclass
class Upload:
    upload_id: int
    document_id: str
    sha256: str
    source_file: str
    file_kind: str
    size_bytes: int
    stored_path: str
    received_via: str
    api_key_id: int | None  # the key (or user principal) that sent it
    owner_id: int | None  # the principal that owns the document (brainops/access.py); None: staff only
    status: str
    error: str | None
    run_id: str | None


@dataclass(frozen=True)
class Recorded:
    upload: Upload
    duplicate: bool


UPLOAD_COLUMNS = ("upload_id, document_id, sha256, source_file, file_kind, size_bytes, stored_path, received_via, "
                  "api_key_id, owner_id, status, error, run_id")
# A new document, or nothing when this owner already has these bytes (ON CONFLICT: concurrent twins are safe).
# Another owner's copy of the same bytes does not conflict: it is their document.
INSERT_UPLOAD = f"""
    INSERT INTO app.uploads (document_id, sha256, source_file, file_kind, size_bytes, stored_path, received_via,
                             api_key_id, owner_id)
    VALUES (%(document_id)s, %(sha256)s, %(source_file)s, %(file_kind)s, %(size_bytes)s, %(stored_path)s,
            %(received_via)s, %(api_key_id)s, %(owner_id)s)
    ON CONFLICT ON CONSTRAINT uploads_owner_content DO NOTHING
    RETURNING {UPLOAD_COLUMNS}"""
SELECT_OWN_COPY = (f"SELECT {UPLOAD_COLUMNS} FROM app.uploads "
                   "WHERE sha256 = %(sha256)s AND owner_id IS NOT DISTINCT FROM %(owner_id)s")


def upload_params(stored: StoredFile, *, source_file: str, received_via: str, api_key_id: int | None,
                  owner_id: int | None) -> dict:
    return {"document_id": new_document_id(), "sha256": stored.sha256, "source_file": source_file,
            "file_kind": stored.kind, "size_bytes": stored.size_bytes, "stored_path": stored.stored_path,
            "received_via": received_via, "api_key_id": api_key_id, "owner_id": owner_id}


def record_upload(conn: psycopg.Connection, stored: StoredFile, *, source_file: str, received_via: str,
                  api_key_id: int | None = None, owner_id: int | None = None) -> Recorded:
    """Record a stored file as the owner's document (committed by the caller); the same owner sending the same
    bytes again gets its existing document back (a duplicate). owner_id None: no applicant owns it (staff)."""
    params = upload_params(stored, source_file=source_file, received_via=received_via, api_key_id=api_key_id,
                           owner_id=owner_id)
    with conn.transaction(), conn.cursor(row_factory=class_row(Upload)) as cur:
        cur.execute(INSERT_UPLOAD, params)
        row = cur.fetchone()
        duplicate = row is None
        if duplicate:
            cur.execute(SELECT_OWN_COPY, params)
            row = cur.fetchone()
        assert row is not None
    return Recorded(row, duplicate)


async def record_upload_async(conn: psycopg.AsyncConnection, stored: StoredFile, *, source_file: str,
                              received_via: str, api_key_id: int | None, owner_id: int | None) -> Recorded:
    """record_upload on an async connection (the API's pool): the same statements."""
    params = upload_params(stored, source_file=source_file, received_via=received_via, api_key_id=api_key_id,
                           owner_id=owner_id)
    async with conn.transaction(), conn.cursor(row_factory=class_row(Upload)) as cur:
        await cur.execute(INSERT_UPLOAD, params)
        row = await cur.fetchone()
        duplicate = row is None
        if duplicate:
            await cur.execute(SELECT_OWN_COPY, params)
            row = await cur.fetchone()
        assert row is not None
    return Recorded(row, duplicate)


# Documents an owner received this calendar month (UTC): what the monthly IES quota counts.
OWNED_THIS_MONTH = """SELECT count(*) FROM app.uploads
    WHERE owner_id = %s AND received_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"""


def upload_of(conn: psycopg.Connection, document_id: str) -> Upload | None:
    with conn.cursor(row_factory=class_row(Upload)) as cur:
        cur.execute(f"SELECT {UPLOAD_COLUMNS} FROM app.uploads WHERE document_id = %s", (document_id,))
        return cur.fetchone()


def uploads_after(conn: psycopg.Connection, upload_id: int, limit: int) -> list[Upload]:
    """Uploads recorded after the sensor's cursor, oldest first."""
    with conn.cursor(row_factory=class_row(Upload)) as cur:
        cur.execute(f"SELECT {UPLOAD_COLUMNS} FROM app.uploads WHERE upload_id > %s ORDER BY upload_id LIMIT %s",
                    (upload_id, limit))
        return cur.fetchall()


def stale_queued(conn: psycopg.Connection, *, up_to: int, older_than_seconds: float, limit: int) -> list[Upload]:
    """Uploads at or below the cursor still queued a while after they arrived: an insert that committed after
    a later id was seen, or a run that never launched. Requested again under the same run key, so an upload
    whose run exists (but waits in the run queue) is not run twice."""
    with conn.cursor(row_factory=class_row(Upload)) as cur:
        cur.execute(
            f"""SELECT {UPLOAD_COLUMNS} FROM app.uploads
                WHERE status = 'queued' AND upload_id <= %s AND received_at < now() - make_interval(secs => %s)
                ORDER BY upload_id LIMIT %s""",
            (up_to, older_than_seconds, limit),
        )
        return cur.fetchall()


def processing(conn: psycopg.Connection, limit: int = 500) -> list[Upload]:
    with conn.cursor(row_factory=class_row(Upload)) as cur:
        cur.execute(f"SELECT {UPLOAD_COLUMNS} FROM app.uploads WHERE status = 'processing' ORDER BY upload_id "
                    "LIMIT %s", (limit,))
        return cur.fetchall()


def mark_processing(conn: psycopg.Connection, document_id: str, run_id: str) -> None:
    conn.execute(
        """UPDATE app.uploads SET status = 'processing', run_id = %s, error = NULL, started_at = now(),
                  finished_at = NULL, updated_at = now()
           WHERE document_id = %s""",
        (run_id, document_id),
    )


def mark_finished(conn: psycopg.Connection, document_id: str, status: str, error: str | None = None,
                  *, run_id: str | None = None) -> None:
    """The outcome of an extraction. With run_id: only if that run is still the upload's latest (a late
    verdict on an old run must not overwrite a newer one)."""
    conn.execute(
        """UPDATE app.uploads SET status = %s, error = %s, finished_at = now(), updated_at = now()
           WHERE document_id = %s AND (%s::text IS NULL OR run_id = %s)""",
        (status, error, document_id, run_id, run_id),
    )


def record_quarantine(conn: psycopg.Connection, *, sha256: str, source_file: str, size_bytes: int,
                      received_via: str, reason: str, quarantined_path: str, upload_id: int | None = None) -> None:
    conn.execute(
        """INSERT INTO app.upload_quarantine (sha256, upload_id, source_file, size_bytes, received_via, reason,
                                              quarantined_path)
           VALUES (%s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (sha256) DO UPDATE SET upload_id = EXCLUDED.upload_id, source_file = EXCLUDED.source_file,
               reason = EXCLUDED.reason, quarantined_path = EXCLUDED.quarantined_path, quarantined_at = now()""",
        (sha256, upload_id, source_file, size_bytes, received_via, reason, quarantined_path),
    )


# --- the landing dir --------------------------------------------------------------------------------

@dataclass
class Intake:
    recorded: list[Recorded] = field(default_factory=list)
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    waiting: list[str] = field(default_factory=list)  # still being written: next scan

    @property
    def new(self) -> list[Upload]:
        return [r.upload for r in self.recorded if not r.duplicate]


def _landed_files(landing: Path, settle_seconds: float) -> Iterator[tuple[Path, bool]]:
    """(file, settled) for the regular files directly in the landing dir, oldest first."""
    if not landing.is_dir():
        return
    now = time.time()
    entries = []
    for path in landing.iterdir():
        if _IN_PROGRESS.search(path.name) or not path.is_file() or path.is_symlink():
            continue
        stat = path.stat()
        entries.append((stat.st_mtime, path, now - stat.st_mtime >= settle_seconds))
    for _mtime, path, settled in sorted(entries):
        yield path, settled


def intake_landing(conn: psycopg.Connection, store: UploadStore, landing: Path, *, settle_seconds: float = 2.0,
                   max_files: int = 100) -> Intake:
    """Move files dropped into the landing dir into the store and record them as uploads.

    Order makes it safe to stop anywhere: the bytes land in the store, the record commits, and only then
    does the dropped file go. A crash in between leaves the dropped file, which the next scan finds to be
    a duplicate and removes. Files written in the last `settle_seconds` wait for the next scan."""
    intake = Intake()
    for path, settled in _landed_files(landing, settle_seconds):
        if len(intake.recorded) + len(intake.quarantined) >= max_files:
            break
        if not settled:
            intake.waiting.append(path.name)
            continue
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            reason = too_large_message(size)
            sha = _sha256_of_file(path)
            _quarantine_landed(conn, store, path, sha=sha, size=size, reason=reason)
            intake.quarantined.append((path.name, reason))
            continue
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        try:
            kind = kind_of(data)
        except Unsupported as exc:
            _quarantine_landed(conn, store, path, sha=sha, size=size, reason=str(exc))
            intake.quarantined.append((path.name, str(exc)))
            continue
        stored = store.put_bytes(data, kind=kind)
        recorded = record_upload(conn, stored, source_file=sanitize_name(path.name, kind), received_via="landing")
        conn.commit()
        path.unlink(missing_ok=True)
        intake.recorded.append(recorded)
    return intake


def _sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _quarantine_landed(conn: psycopg.Connection, store: UploadStore, path: Path, *, sha: str, size: int,
                       reason: str) -> None:
    # Record first, then move: a crash between leaves the file in the landing dir for the next scan.
    record_quarantine(conn, sha256=sha, source_file=path.name[:255], size_bytes=size, received_via="landing",
                      reason=reason, quarantined_path=store.quarantine_relative(sha, path.name))
    conn.commit()
    store.quarantine(path, sha256=sha, name=path.name, reason=reason)


# --- statements submitted from a folder (the sample business's, on `make run`) ----------------------

def submit_folder(conn: psycopg.Connection, store: UploadStore, folder: Path, *,
                  received_via: str = "sample") -> Intake:
    """Record every statement directly in `folder` as an upload, through the same store and records as the
    API; the files stay where they are. Idempotent: content already stored is a duplicate and adds nothing
    (record_upload's ON CONFLICT), so calling it on every start is safe. What is no statement is listed in
    `quarantined` with its reason and left alone."""
    intake = Intake()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not _IN_PROGRESS.search(p.name)):
        data = path.read_bytes()
        if len(data) > MAX_UPLOAD_BYTES:
            intake.quarantined.append((path.name, too_large_message(len(data))))
            continue
        try:
            kind = kind_of(data)
        except Unsupported as exc:
            intake.quarantined.append((path.name, str(exc)))
            continue
        stored = store.put_bytes(data, kind=kind)
        intake.recorded.append(record_upload(conn, stored, source_file=sanitize_name(path.name, kind),
                                             received_via=received_via))
        conn.commit()  # one statement at a time: a stop half-way keeps what was recorded
    return intake
