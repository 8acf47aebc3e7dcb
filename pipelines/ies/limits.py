"""Per-document limits, so one upload cannot hold a worker: a time limit checked between pages and
stages (IES_DOCUMENT_TIMEOUT_SECONDS) and a page limit checked before any page is read (IES_MAX_PAGES).
A document over either ends `failed` with a reason naming the limit and its variable."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

DEFAULT_TIMEOUT_SECONDS = 120.0
DEFAULT_MAX_PAGES = 100


class DocumentLimitExceeded(Exception):
    """The document is over a per-document limit; the message says which and what to do."""


def _setting(env: str, attribute: str, default: float) -> float:
    # The environment first (tests and the daemon set it), then .env through the settings.
    raw = os.environ.get(env)
    if raw is None:
        from brainops.settings import get_settings

        raw = getattr(get_settings(), attribute, None)
    try:
        value = float(raw) if raw not in (None, "") else default
    except ValueError as exc:
        raise ValueError(f"{env}={raw!r} is not a number; set it to a number of "
                         f"{'seconds' if 'SECONDS' in env else 'pages'}, or unset it.") from exc
    return value if value > 0 else default


def timeout_seconds() -> float:
    return _setting("IES_DOCUMENT_TIMEOUT_SECONDS", "ies_document_timeout_seconds", DEFAULT_TIMEOUT_SECONDS)


def max_pages() -> int:
    return int(_setting("IES_MAX_PAGES", "ies_max_pages", DEFAULT_MAX_PAGES))


@dataclass
class Deadline:
    """When the extraction of one document must stop, and its page limit."""

    seconds: float
    pages: int
    started: float = 0.0

    def __post_init__(self) -> None:
        self.started = self.started or time.monotonic()

    @classmethod
    def from_env(cls) -> Deadline:
        return cls(timeout_seconds(), max_pages())

    def check(self, where: str) -> None:
        """Raise DocumentLimitExceeded once the time is up; `where` says what was being done."""
        if time.monotonic() - self.started > self.seconds:
            raise DocumentLimitExceeded(
                f"Extraction stopped {where}: the document took longer than the {self.seconds:g} s per-document "
                "limit (IES_DOCUMENT_TIMEOUT_SECONDS). Upload the statement alone (not a whole bundle of "
                "documents), or raise the limit and re-run the document.")

    def check_pages(self, count: int) -> None:
        if count > self.pages:
            raise DocumentLimitExceeded(
                f"The PDF has {count} pages, more than the {self.pages}-page limit for one statement "
                "(IES_MAX_PAGES). Upload the income & expense statement pages alone, or raise the limit and "
                "re-run the document.")
