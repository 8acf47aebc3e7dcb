"""The async connection pool the API reads through, bounded in time so that a database outage is a quick 503.

- A request waits at most `timeout` (API_POOL_TIMEOUT_SECONDS) for a connection, then PoolTimeout (a 503 with
  Retry-After, serving/errors.py), instead of psycopg_pool's default 30 s.
- Each new connection gives up after `connect_timeout` (API_DB_CONNECT_TIMEOUT_SECONDS): a host that drops
  packets would otherwise tie up the pool's workers for minutes.
- A connection is checked as it is handed out: an idle connection has nothing to read, so data waiting on its
  socket is the server's goodbye (a shutdown or restart ends connections with a message, or just closes
  them). Only then a round trip (an empty query) tells whether it still works, and a broken one is replaced
  there and then instead of failing a request after the database is back. A healthy connection costs one
  poll, not a round trip (checking each checkout with a query cost ~0.1 ms a request).
- Reconnection attempts back off for at most RECONNECT_GIVE_UP_SECONDS; after that the next request starts a
  fresh attempt, so recovery never waits on a long backoff left over from a long outage.
"""

from __future__ import annotations

import select

import psycopg
from psycopg_pool import AsyncConnectionPool

RECONNECT_GIVE_UP_SECONDS = 5.0


async def check_if_suspect(conn: psycopg.AsyncConnection) -> None:
    """The pool's `check`: raise if a connection about to be handed out no longer works."""
    try:
        poller = select.poll()  # not select.select: it fails on descriptors past 1024, which a busy server has
        poller.register(conn.pgconn.socket, select.POLLIN)
        suspect = bool(poller.poll(0))
    except (OSError, ValueError, psycopg.Error):  # no usable socket
        suspect = True
    if suspect:
        await AsyncConnectionPool.check_connection(conn)


def make_pool(url: str, *, max_size: int, timeout: float = 1.5, connect_timeout: int = 3) -> AsyncConnectionPool:
    return AsyncConnectionPool(
        url,
        min_size=1,
        max_size=max_size,
        open=False,
        kwargs={"application_name": "brainops-api", "autocommit": True, "connect_timeout": connect_timeout},
        name="brainops-api",
        timeout=timeout,
        check=check_if_suspect,
        reconnect_timeout=RECONNECT_GIVE_UP_SECONDS,
    )
