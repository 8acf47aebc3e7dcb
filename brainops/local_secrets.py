"""Secrets the deployment did not set, generated once and kept in the data directory.

<data dir>/secrets/<name> holds a random secret (secrets.token_urlsafe(48)), mode 0600 in a 0700
directory. Several processes may ask at the same moment (uvicorn workers starting together): each writes
its candidate to a private temp file (O_CREAT|O_EXCL, 0600), fsyncs it, then hard-links it to the final
name. link() fails when the name exists, so exactly one candidate wins, complete, and the others read it;
no reader ever sees a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path

from brainops.paths import data_dir

MIN_BYTES = 32


class SecretFileError(RuntimeError):
    """The secret file cannot be made or read; the message says what to do."""


def secret_path(name: str) -> Path:
    return data_dir() / "secrets" / name


def stored_secret(name: str, setting: str) -> str:
    """The secret kept under `name`, made by whichever process asks first. `setting` is the environment
    variable that would replace it, named in errors."""
    return _read_or_create(secret_path(name), setting)


@lru_cache
def _read_or_create(path: Path, setting: str) -> str:
    # Cached per path for the life of the process: a rotated file takes effect on restart, in every worker alike.
    try:
        try:
            return _read(path, setting)
        except FileNotFoundError:
            pass
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if path.parent.stat().st_mode & 0o077:
            path.parent.chmod(0o700)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # O_CREAT|O_EXCL, 0600
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48) + "\n")
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):  # another process won: use its secret
                os.link(temp, path)
        finally:
            os.unlink(temp)
        _fsync_directory(path.parent)
        return _read(path, setting)
    except OSError as exc:
        raise SecretFileError(
            f"Cannot keep the generated secret in {path} ({exc.strerror or exc}): make the data directory "
            f"(BRAINOPS_DATA_DIR) writable by this process, or set {setting} to at least {MIN_BYTES} random "
            "bytes.") from exc


def _read(path: Path, setting: str) -> str:
    value = path.read_text().strip()
    if len(value.encode()) < MIN_BYTES:
        raise SecretFileError(f"{path} holds no usable secret (shorter than {MIN_BYTES} bytes): delete it so a "
                              f"new one is generated (every login then ends), or set {setting}.")
    return value


def _fsync_directory(directory: Path) -> None:
    """Make the new name durable, so a crash cannot leave workers that already used it with a lost file."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
