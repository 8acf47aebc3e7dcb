"""Which Postgres we talk to: DATABASE_URL when set, otherwise the embedded server."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, parse_qsl, unquote, urlencode, urlparse, urlunparse

import psycopg

WAREHOUSE_DB = "brainops"
DAGSTER_DB = "dagster"


def with_database(url: str, database: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{database}"))


def server_url() -> str:
    """URL of the server (maintenance database). Starts the embedded server when DATABASE_URL is unset."""
    explicit = os.environ.get("DATABASE_URL")
    if explicit:
        return explicit
    from brainops.warehouse import embedded

    return with_database(embedded.ensure_running(), "postgres")


def warehouse_url() -> str:
    """The warehouse database: BRAINOPS_WAREHOUSE_URL (set by `brainops` for the processes it starts),
    else DATABASE_URL, else the `brainops` database of the embedded server."""
    explicit = os.environ.get("BRAINOPS_WAREHOUSE_URL") or os.environ.get("DATABASE_URL")
    if explicit:
        return explicit
    return with_database(server_url(), WAREHOUSE_DB)


def dagster_url() -> str:
    """Dagster's instance storage: a `dagster` database on the same server, through psycopg2."""
    explicit = os.environ.get("DAGSTER_PG_URL")
    if explicit:
        return explicit
    # With DATABASE_URL, Dagster's tables share that database; embedded, they get their own.
    url = os.environ.get("DATABASE_URL") or with_database(server_url(), DAGSTER_DB)
    parts = urlparse(url)
    # SQLAlchemy needs a host-less URL with the socket in the query for Unix sockets.
    query = dict(parse_qsl(parts.query))
    return urlunparse(parts._replace(scheme="postgresql+psycopg2", query=urlencode(query)))


def ensure_databases() -> None:
    """Create the warehouse and Dagster databases on the server if missing (embedded server only)."""
    if os.environ.get("DATABASE_URL"):
        return
    with psycopg.connect(server_url(), autocommit=True) as conn:
        existing = {r[0] for r in conn.execute("SELECT datname FROM pg_database")}
        for name in (WAREHOUSE_DB, DAGSTER_DB):
            if name not in existing:
                conn.execute(f'CREATE DATABASE "{name}"')


def connect(**kwargs) -> psycopg.Connection:
    return psycopg.connect(warehouse_url(), **kwargs)


def dbt_env(url: str) -> dict[str, str]:
    """DBT_PG_* variables (read by dbt/profiles.yml) for a libpq URL, including Unix-socket hosts."""
    parts = urlparse(url)
    query = parse_qs(parts.query)
    host = query.get("host", [parts.hostname or "localhost"])[0]
    return {
        "DBT_PG_HOST": host,
        "DBT_PG_PORT": str(query.get("port", [parts.port or 5432])[0]),
        "DBT_PG_USER": unquote(parts.username or "postgres"),
        "DBT_PG_PASSWORD": unquote(parts.password or ""),
        "DBT_PG_DBNAME": (parts.path or "/postgres").lstrip("/") or "postgres",
    }
