"""Structured logs: one JSON object per line on stderr (what log shippers parse without rules)."""

from __future__ import annotations

import atexit
import json
import logging
import queue
from datetime import UTC, datetime
from logging.handlers import QueueHandler, QueueListener

_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


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


_listener: QueueListener | None = None


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines for the API's own loggers (brainops.api.*); idempotent, so every app factory may call it.

    The event loop only puts records on a queue; a thread formats and writes them, so a slow stderr (a pipe
    to a busy log shipper, a contended disk) never stalls requests.
    """
    global _listener
    logger = logging.getLogger("brainops.api")
    logger.setLevel(level)
    logger.propagate = False
    if _listener is not None:
        return
    output = logging.StreamHandler()
    output.setFormatter(JsonFormatter())
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    logger.addHandler(_Enqueue(records))
    _listener = QueueListener(records, output, respect_handler_level=False)
    _listener.start()
    atexit.register(_listener.stop)


class _Enqueue(QueueHandler):
    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        # Keep the record as it is (extra fields included); the JSON formatter runs in the listener thread.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        return record
