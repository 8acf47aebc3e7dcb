"""Every line the API process writes is JSON, and request input stays in fields: no forged log lines.

Before: the unauthenticated Notion verification token was formatted into a plain-text line, so
`"x\\nINFO fake log line"` wrote a line of the attacker's choosing. The launched API (two workers, so the
logging each spawned worker sets up again is covered) gets that token, a path with an encoded newline and a
request that is not HTTP; then it is stopped, and its whole stderr is read.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

from tests.serving.launched import launched_api

TOKEN = "x\nINFO fake log line"


def test_every_line_is_json_and_request_input_is_an_escaped_field(auth_db: str, tmp_path: Path) -> None:
    with launched_api(tmp_path, {"BRAINOPS_WAREHOUSE_URL": auth_db}, "--workers", "2") as api:
        answer = httpx.post(f"{api.base}/webhooks/notion", json={"verification_token": TOKEN})
        assert answer.status_code == 200, answer.text
        assert httpx.get(f"{api.base}/x%0AINFO%20forged%20line").status_code == 404
        with api.connect() as sock:
            sock.sendall(b"NOT HTTP\nINFO forged by the request line\r\n\r\n")
            sock.recv(65536)
        deadline = time.monotonic() + 10  # the log thread writes shortly after
        while "verification_token" not in api.log_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    text, printed = api.stderr.read_text(), api.stdout.read_text()

    assert printed == ""  # nothing goes to stdout around the logs
    lines = text.splitlines()
    records = [json.loads(line) for line in lines]  # every line parses
    assert not any(line.startswith("INFO") for line in lines)
    assert TOKEN not in text  # the raw newline never reaches the output: only its JSON escape

    [token] = [r for r in records if "verification_token" in r]
    assert token["verification_token"] == TOKEN and TOKEN not in token["msg"]
    assert token["logger"] == "serving.routes.notion_webhooks" and token["level"] == "warning"
    assert any(r["logger"] == "brainops.api.access" and r["path"] == "/x\nINFO forged line" for r in records)
    messages = [r["msg"] for r in records if r["logger"].startswith("uvicorn")]
    assert messages.count("Application startup complete.") == 2  # each worker's uvicorn logs through ours
    assert "Invalid HTTP request received." in messages
    assert any(m.startswith("Finished server process") for m in messages)  # flushed at shutdown too
