"""Run the API: `python -m serving.server [--host H] [--port P] [--workers N] [--log-level L] [--http P]`.

uvicorn, started here rather than by its own command line so that the API always runs with our settings:
- request headers must arrive within API_HEADER_TIMEOUT_SECONDS and bodies may pause for at most
  API_BODY_IDLE_TIMEOUT_SECONDS (serving/http_timeouts.py, and the app's BodyIdleTimeout; uvicorn has no such
  limits), idle keep-alive connections close after API_KEEPALIVE_TIMEOUT_SECONDS;
- every log line, uvicorn's included, is JSON on stderr (serving/logging_json.py), in each worker too;
- no WebSocket support (the API has no WebSocket route), so no upgrade path around these limits.

Options default to the settings (API_HOST, API_PORT, WEB_CONCURRENCY) and, when given, are put back into the
environment, so the app (its rate limiter's share per worker, PUBLIC_URL's default port) sees what is served.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

from brainops.settings import Settings, get_settings
from serving.http_timeouts import protocol_class
from serving.logging_json import configure_logging, log_everything_else

APP = "serving.app:create_app"
# Progress bars are not log lines: the local embedding model would draw one on stderr while it loads.
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


class ServerConfig(uvicorn.Config):
    """uvicorn's Config, carrying the header and body timeouts to the protocol and logging in JSON (uvicorn
    calls configure_logging again in every worker process it spawns)."""

    def __init__(self, app: Any, *, header_timeout: float, body_idle_timeout: float, **kwargs: Any) -> None:
        # Read by serving/http_timeouts.py; set first, since uvicorn's __init__ already logs.
        self.header_timeout = header_timeout
        self.body_idle_timeout = body_idle_timeout
        super().__init__(app, **kwargs)

    def configure_logging(self) -> None:
        super().configure_logging()  # log_config=None: only levels, and the access log turned off
        configure_logging(self.log_level or "info")
        log_everything_else()
        _exit_cleanly_on_sigterm()


def _exit_cleanly_on_sigterm() -> None:
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again; left to the default action, that
    # kills the process before the log thread writes the last lines. SystemExit runs atexit, which flushes them.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def server_config(settings: Settings, *, host: str, port: int, workers: int, log_level: str = "info",
                  http: str = "auto") -> ServerConfig:
    return ServerConfig(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=protocol_class(http),
        ws="none",
        header_timeout=settings.api_header_timeout_seconds,
        body_idle_timeout=settings.api_body_idle_timeout_seconds,
        timeout_keep_alive=settings.api_keepalive_timeout_seconds,  # type: ignore[arg-type]  # a float works
        log_config=None,  # ours, set in configure_logging
        log_level=log_level,
        access_log=False,  # the app logs each request itself (brainops.api.access), with its request id
        server_header=False,
    )


def main(argv: list[str] | None = None) -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m serving.server", description="Run the BrainOps API: uvicorn with "
                                     "header, body and keep-alive timeouts, and JSON logs.")
    parser.add_argument("--host", help=f"interface to bind (default API_HOST, now {settings.api_host})")
    parser.add_argument("--port", type=int, help=f"port (default API_PORT, now {settings.api_port})")
    parser.add_argument("--workers", type=int, help=f"worker processes (default WEB_CONCURRENCY, now "
                                                    f"{settings.web_concurrency})")
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    parser.add_argument("--http", default="auto", choices=["auto", "httptools", "h11"],
                        help="HTTP/1.1 implementation (default httptools when installed)")
    args = parser.parse_args(argv)
    for name, value in (("API_HOST", args.host), ("API_PORT", args.port), ("WEB_CONCURRENCY", args.workers)):
        if value is not None:
            os.environ[name] = str(value)
    get_settings.cache_clear()
    settings = get_settings()

    config = server_config(settings, host=settings.api_host, port=settings.api_port,
                           workers=max(1, settings.web_concurrency), log_level=args.log_level, http=args.http)
    server = uvicorn.Server(config)
    try:
        if config.workers > 1:
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        else:
            server.run()
    except KeyboardInterrupt:  # Ctrl-C: uvicorn has shut down gracefully and re-raised the signal
        return
    if config.workers == 1 and not server.started:
        raise SystemExit(3)  # start-up failed (the reason is logged); uvicorn's own exit code for it


if __name__ == "__main__":
    # Through the module's own name, so the classes worker processes unpickle are serving.server's.
    from serving.server import main as run

    run()
