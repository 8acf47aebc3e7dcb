"""Uploads under pressure: finding 4 (slow uploads held database connections) and a full disk.

Before: POST /api/v1/ies took a pool connection before it read the body, so two stalled uploads held two of
the pool's connections for over 108 s, and about ten would have stalled the whole API. Now the caller is
authenticated and its quota checked on a connection given back before the body is read; a connection is
taken again only to record the stored file. A full disk under the upload store answers 507 with a sentence,
and leaves no temp file, no stored file and no record."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from brainops.settings import get_settings
from tests.ies_pipeline.conftest import Keys, make_keys
from tests.security.live_server import get, live_api, wait_until

STATEMENT = b"Line,FY2025\nRental income,120000\nTotal income,120000\nRepairs,20000\n" \
            b"Total operating expenses,20000\nNet operating income,100000\n"


def _stalled_upload(base: str, key: str, declared: int) -> socket.socket:
    """A multipart upload that sends its headers and the start of the file, then nothing more."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    boundary = "stall"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\nLine,FY2025\n").encode()
    sock.sendall((f"POST /api/v1/ies HTTP/1.1\r\nHost: {host}:{port}\r\nX-API-Key: {key}\r\n"
                  f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {declared}\r\n\r\n")
                 .encode() + head)
    return sock


@pytest.fixture
def small_pool(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("API_POOL_MAX_SIZE", "2")
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    get_settings.cache_clear()
    yield tmp_path / "uploads"
    get_settings.cache_clear()


def test_stalled_uploads_hold_no_database_connection(fresh_warehouse: str, small_pool: Path) -> None:
    keys: Keys = make_keys(fresh_warehouse)
    with live_api(fresh_warehouse) as base:
        stalled = [_stalled_upload(base, keys.applicant, 1_000_000) for _ in range(4)]  # twice the pool
        try:
            # Each handler is reading its body: its temp file is open in the store.
            assert wait_until(lambda: len(list((small_pool / "tmp").glob("*.part"))) == 4 or None)
            answer = get(base, "/api/v1/ies", headers=keys.h("applicant"))
            assert answer.status_code == 200, answer.text
            with psycopg.connect(fresh_warehouse) as conn:
                busy = conn.execute("""SELECT count(*) FROM pg_stat_activity
                                       WHERE application_name = 'brainops-api' AND state <> 'idle'""").fetchone()[0]
            assert busy == 0  # nothing waits on the database for the stalled bodies
            done = httpx.post(base + "/api/v1/ies", headers=keys.h("applicant"), timeout=10,
                              files={"file": ("ok.csv", STATEMENT, "text/csv")})
            assert done.status_code == 202, done.text
        finally:
            for sock in stalled:
                sock.close()
    # The stalled uploads left nothing behind once their sockets closed.
    assert wait_until(lambda: not list((small_pool / "tmp").glob("*.part")) or None)
    with psycopg.connect(fresh_warehouse) as conn:
        assert conn.execute("SELECT source_file FROM app.uploads").fetchall() == [("ok.csv",)]


@contextlib.contextmanager
def _full_disk(path: Path, size_kib: int) -> Iterator[str]:
    """A real file system of `size_kib` KiB at `path` (tmpfs, as root). Where mounting is not allowed, the
    process's file-size limit stands in for it (writes past it fail with EFBIG, as a full quota does)."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(path)], capture_output=True).returncode == 0
    if mounted:
        try:
            yield "tmpfs"
        finally:
            subprocess.run(["umount", "-l", str(path)], check=False)
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size_kib * 1024, hard))
    try:
        yield "file-size limit"
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_a_full_disk_is_a_clean_507_and_nothing_half_written(
        fresh_warehouse: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "uploads"
    monkeypatch.setenv("UPLOAD_DIR", str(store))
    get_settings.cache_clear()
    keys = make_keys(fresh_warehouse)
    big = STATEMENT + b"".join(b"Repairs %d,%d\n" % (i, i) for i in range(40_000))  # ~0.8 MB
    with _full_disk(store, 256):
        with live_api(fresh_warehouse) as base:
            full = httpx.post(base + "/api/v1/ies", headers=keys.h("applicant"), timeout=30,
                              files={"file": ("big.csv", big, "text/csv")})
            assert full.status_code == 507, full.text
            assert "out of disk space" in full.json()["detail"] and "UPLOAD_DIR" in full.json()["detail"]
            assert [p for p in store.rglob("*") if p.is_file()] == []  # no temp file, no stored file
            with psycopg.connect(fresh_warehouse) as conn:
                assert conn.execute("SELECT count(*) FROM app.uploads").fetchone()[0] == 0
            # What fits still goes in: the failure took nothing with it.
            small = httpx.post(base + "/api/v1/ies", headers=keys.h("applicant"), timeout=30,
                               files={"file": ("small.csv", STATEMENT, "text/csv")})
            assert small.status_code == 202, small.text
    get_settings.cache_clear()
