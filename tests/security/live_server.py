"""The real app under a real uvicorn, in a thread of the test process, on a free loopback port: for what
only a socket shows (bodies that stall, connections held)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from serving.app import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_api(database_url: str) -> Iterator[str]:
    """The API on 127.0.0.1:<free port>; yields its base URL and stops it afterwards."""
    port = free_port()
    config = uvicorn.Config(create_app(database_url), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("The API did not start within 30 s.")
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def wait_until(check, timeout: float = 10.0, step: float = 0.05):
    """Poll `check()` until it returns something truthy; that value, or None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    return None


def get(base: str, path: str, **kwargs) -> httpx.Response:
    return httpx.get(base + path, timeout=10, **kwargs)
