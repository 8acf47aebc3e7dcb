"""The async connection pool the API reads through."""

from __future__ import annotations

from psycopg_pool import AsyncConnectionPool


def make_pool(url: str, *, max_size: int) -> AsyncConnectionPool:
    return AsyncConnectionPool(
        url,
        min_size=1,
        max_size=max_size,
        open=False,
        kwargs={"application_name": "brainops-api", "autocommit": True},
        name="brainops-api",
    )
