"""Structured logs: one JSON object per line on stderr (what log shippers parse without rules).

Every record of the API process goes through the root logger's one handler: our loggers, uvicorn's and the
libraries'. Input from requests is passed as `extra=` fields, which become JSON keys (escaped by json.dumps),
never formatted into the message: a value holding a newline cannot forge a log line.
"""

from __future__ import annotations

import atexit
import json
import logging
import queue
import sys
import threading
from datetime import UTC, datetime
from logging.handlers import QueueHandler, QueueListener

# color_message: uvicorn's copy of the message with terminal colours, of no use in JSON.
_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}
# Loggers that log at the level asked for; every other logger (libraries) logs warnings and errors only, since
# some are chatty at INFO (psycopg.pool logs every connection checkout).
OWN_LOGGERS = ("brainops", "serving", "pipelines", "uvicorn")
# Loggers that come with handlers of their own (uvicorn's plain-text ones, the old brainops.api setup): theirs
# are dropped so that their records reach the root's JSON handler.
PROPAGATING = ("brainops.api", "uvicorn", "uvicorn.error", "uvicorn.asgi")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname.lower(), "logger": record.name, "msg": record.getMessage()}
        # Fields passed as `extra=` become keys of their own.
        entry.update({k: v for k, v in record.__dict__.items() if k not in _RESERVED and not k.startswith("_")})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, default=str)


_handler: _Enqueue | None = None
_level: int | str = logging.INFO


def configure_logging(level: int | str | None = None) -> None:
    """JSON lines for every logger of the process; idempotent, so every app factory (and each worker) may call it.
    `level` applies to our loggers and uvicorn's; None keeps the level set before (the launcher's), else INFO.

    The event loop only puts records on a queue; a thread formats and writes them, so a slow stderr (a pipe
    to a busy log shipper, a contended disk) never stalls requests.
    """
    global _level
    if level is not None:
        _level = level.upper() if isinstance(level, str) else level
    level = _level
    root = logging.getLogger()
    handler = _shared_handler()
    if handler not in root.handlers:
        root.addHandler(handler)
    root.setLevel(logging.WARNING)
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(level)
    for name in PROPAGATING:
        logger = logging.getLogger(name)
        for own in [h for h in logger.handlers if h is not handler]:
            logger.removeHandler(own)
        logger.propagate = True


def log_everything_else() -> None:
    """What would reach stderr outside logging goes through it too: warnings, and uncaught exceptions of the
    main thread and of other threads. For the API process only (the launcher), not for test runners."""
    logging.captureWarnings(True)
    crash = logging.getLogger("brainops.api.crash")

    def main_hook(exc_type, exc, tb) -> None:
        crash.critical("uncaught exception", exc_info=(exc_type, exc, tb))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is not SystemExit:
            crash.error("uncaught exception in a thread", exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
                        extra={"in_thread": args.thread.name if args.thread else None})

    sys.excepthook = main_hook
    threading.excepthook = thread_hook


def adopt_transformers_logging() -> None:
    """transformers writes with a text handler of its own (and no propagation): route it through ours.
    Called before the local embedding model loads; importing transformers' logging costs ~1 s, so not before."""
    try:
        from transformers.utils import logging as transformers_logging
    except ImportError:
        return
    transformers_logging.disable_default_handler()
    transformers_logging.enable_propagation()


def _shared_handler() -> _Enqueue:
    global _handler
    if _handler is None:
        output = logging.StreamHandler()  # sys.stderr
        output.setFormatter(JsonFormatter())
        records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
        _handler = _Enqueue(records)
        listener = QueueListener(records, output, respect_handler_level=False)
        listener.start()
        atexit.register(listener.stop)
    return _handler


class _Enqueue(QueueHandler):
    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        # Keep the record as it is (extra fields included); the JSON formatter runs in the listener thread.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        return record
