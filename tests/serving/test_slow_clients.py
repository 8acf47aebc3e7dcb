"""Slow clients cannot hold connections: the launched API (both HTTP implementations) over raw sockets.

Before: a client sending its headers a byte at a time (slowloris) kept a socket for over 108 s. Now headers
must be complete within API_HEADER_TIMEOUT_SECONDS (1 s here; 10 by default), a body may pause for at most
API_BODY_IDLE_TIMEOUT_SECONDS (1 s here; 30), and an idle keep-alive connection closes after
API_KEEPALIVE_TIMEOUT_SECONDS (1 s here; 5). The bounds asserted on elapsed time are the behaviour under test.
"""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.serving.launched import Launched, launched_api

TIMEOUT = 1.0
# Slack over TIMEOUT for a loaded 2-core machine; without the limits these connections stay open indefinitely.
SLACK = 3.0


@pytest.fixture(scope="module", params=["httptools", "h11"])
def server(request: pytest.FixtureRequest, auth_db: str,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launched]:
    env = {"BRAINOPS_WAREHOUSE_URL": auth_db, "API_HEADER_TIMEOUT_SECONDS": str(TIMEOUT),
           "API_BODY_IDLE_TIMEOUT_SECONDS": str(TIMEOUT), "API_KEEPALIVE_TIMEOUT_SECONDS": str(TIMEOUT)}
    with launched_api(tmp_path_factory.mktemp("api"), env, "--http", request.param) as api:
        yield api


def until_closed(sock: socket.socket, drip: bytes = b"", every: float = 0.2, limit: float = 20) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and the seconds that took; meanwhile `drip`
    is sent every `every` seconds, as a slowloris client keeps a request alive."""
    started = time.monotonic()
    data = b""
    while time.monotonic() - started < limit:
        readable, _, _ = select.select([sock], [], [], every)
        if readable:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return data, time.monotonic() - started
            data += chunk
        elif drip:
            try:
                sock.sendall(drip)
            except OSError:  # closed on the server's side: read what it sent
                drip = b""
    raise AssertionError(f"the connection was still open after {limit:g} s; the server sent {data!r}")


def parse(response: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = response.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), headers, body


def test_headers_that_trickle_in_get_a_json_408_and_the_connection_closed(server: Launched) -> None:
    with server.connect() as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        response, seconds = until_closed(sock, drip=b"X-Slow: 1\r\n")  # a header line every 0.2 s
    status, headers, body = parse(response)
    assert status == 408 and headers["content-type"] == "application/json"
    assert "headers did not arrive in time" in json.loads(body)["detail"]
    assert seconds < TIMEOUT + SLACK


def test_a_connection_that_sends_nothing_is_closed(server: Launched) -> None:
    with server.connect() as sock:
        response, seconds = until_closed(sock)
    assert response == b"" and seconds < TIMEOUT + SLACK


def _complete(response: bytes) -> bool:
    """A whole response: its headers, and as many body bytes as Content-Length says."""
    head, sep, body = response.partition(b"\r\n\r\n")
    if not sep:
        return False
    return len(body) >= int(parse(head + sep)[1].get("content-length", "0"))


def test_the_deadline_holds_for_every_request_on_a_kept_alive_connection(server: Launched) -> None:
    with server.connect() as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        first = b""
        while not _complete(first):
            chunk = sock.recv(65536)
            assert chunk, f"the server closed the connection after {first!r}"
            first += chunk
        assert parse(first)[0] == 200
        sock.sendall(b"GET /hea")  # the next request starts, and stalls
        response, seconds = until_closed(sock, drip=b"l")
    assert parse(response)[0] == 408 and seconds < TIMEOUT + SLACK


def test_an_idle_kept_alive_connection_is_closed(server: Launched) -> None:
    with server.connect() as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        response, seconds = until_closed(sock)
    assert parse(response)[0] == 200 and seconds < TIMEOUT + SLACK


def test_a_body_that_stalls_gets_a_json_408_and_the_connection_closed(server: Launched) -> None:
    with server.connect() as sock:
        sock.sendall(b"POST /webhooks/notion HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"verification_token\": ")
        response, seconds = until_closed(sock)
    status, headers, body = parse(response)
    assert status == 408 and headers["content-type"] == "application/json" and headers["connection"] == "close"
    assert "body stopped arriving" in json.loads(body)["detail"]
    assert seconds < TIMEOUT + SLACK


def test_a_body_left_unread_by_the_answer_cannot_trickle_on(server: Launched) -> None:
    """405 needs no body: the rest of it would be discarded as it came, and before, every byte of a trickle
    kept the connection alive (it restarted the keep-alive timer)."""
    with server.connect() as sock:
        sock.sendall(b"POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100000\r\n\r\n{")
        response, seconds = until_closed(sock, drip=b" ", every=TIMEOUT / 2)
    assert parse(response)[0] == 405 and seconds < TIMEOUT + SLACK


def test_a_slow_body_that_keeps_coming_is_read_whole(server: Launched) -> None:
    """The limit is on pauses, not on the whole body: chunks every 0.4 s go on past TIMEOUT."""
    body = json.dumps({"verification_token": "secret_" + "x" * 40}).encode()
    chunks = [body[i:i + 16] for i in range(0, len(body), 16)]
    assert 0.4 * (len(chunks) - 1) > TIMEOUT
    with server.connect() as sock:
        sock.sendall(b"POST /webhooks/notion HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        for chunk in chunks:
            time.sleep(0.4)
            sock.sendall(chunk)
        response, _ = until_closed(sock)
    status, _, answer = parse(response)
    assert status == 200, answer
    assert json.loads(answer)["status"].startswith("verification token received")


def test_ordinary_requests_are_served(server: Launched, make_key) -> None:
    key = make_key(role="analyst")
    with httpx.Client(base_url=server.base, headers={"X-API-Key": key}) as client:
        for _ in range(3):  # over one kept-alive connection
            assert client.get("/health").json()["status"] == "ok"
        page = client.get("/api/v1/customers", params={"limit": 5})
        assert page.status_code == 200 and len(page.json()["items"]) == 5


def test_a_malformed_request_gets_a_json_400(server: Launched) -> None:
    with server.connect() as sock:
        sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        response, _ = until_closed(sock)
    status, headers, body = parse(response)
    assert status == 400 and headers["content-type"] == "application/json"
    assert "not valid HTTP/1.1" in json.loads(body)["detail"]
