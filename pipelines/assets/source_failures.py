"""What an ingest asset does when its source fails.

Down (5xx, 429, refused connections, timeouts): each request was already retried for SOURCE_RETRY_SECONDS by the
client (pipelines/backoff.py); then the step fails and Dagster retries it SOURCE_RUN_RETRIES times, the first
after SOURCE_RUN_RETRY_DELAY_SECONDS and each later wait longer (exponential, with jitter). With the defaults
that rides out about an hour; after it the run fails, and the run-failure sensor records and alerts it. Every
attempt re-reads the saved cursor, so nothing is lost or loaded twice.

Refused (a wrong key, a bad request): waiting cannot fix it, so the step fails at once, without retries.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from brainops.settings import get_settings


def source_retry_policy() -> dg.RetryPolicy:
    settings = get_settings()
    return dg.RetryPolicy(
        max_retries=settings.source_run_retries,
        delay=settings.source_run_retry_delay_seconds,
        backoff=dg.Backoff.EXPONENTIAL,
        jitter=dg.Jitter.PLUS_MINUS,
    )


def source_failure(message: str, *, retry: bool) -> dg.Failure:
    """The step's failure, its message as the client wrote it (naming the source and what to do)."""
    return dg.Failure(description=message, allow_retries=retry)


@contextmanager
def source_errors(error: type[Exception], unavailable: type[Exception]) -> Iterator[None]:
    """Turns a source client's errors into step failures: retried when the source was unavailable, else final."""
    try:
        yield
    except error as exc:
        raise source_failure(str(exc), retry=isinstance(exc, unavailable)) from exc
