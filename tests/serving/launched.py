"""The API as it is deployed: `python -m serving.server` in a subprocess on a free loopback port, its stderr
kept in a file, stopped (SIGTERM) at the end."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Launched:
    proc: subprocess.Popen
    port: int
    stderr: Path
    stdout: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def connect(self, timeout: float = 10) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def log_text(self) -> str:
        return self.stderr.read_text()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def launched_api(tmp: Path, env: dict[str, str], *args: str) -> Iterator[Launched]:
    port = free_port()
    stderr, stdout = tmp / f"api-{port}.err", tmp / f"api-{port}.out"
    command = [sys.executable, "-m", "serving.server", "--port", str(port), *args]
    with open(stderr, "wb") as err, open(stdout, "wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=err)
    launched = Launched(proc, port, stderr, stdout)
    try:
        _wait_until_serving(launched)
        yield launched
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_until_serving(launched: Launched, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if launched.proc.poll() is not None:
            raise AssertionError(f"the API stopped at start-up (exit {launched.proc.returncode}):\n"
                                 f"{launched.log_text()[-3000:]}")
        try:
            if httpx.get(f"{launched.base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the API did not answer /health in {timeout:g} s:\n{launched.log_text()[-3000:]}")
