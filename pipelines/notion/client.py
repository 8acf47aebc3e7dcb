"""Notion through the official SDK (notion-client 3.x, API version 2025-09-03), made resilient for syncs.

The SDK builds every request and parses every answer; this wrapper adds what a long sync needs:
- a client-side limiter (a token bucket, ~3 requests/s by default, Notion's documented average),
  applied to every HTTP request including retries, through an httpx event hook;
- retries of 429 (waiting as long as `Retry-After` says), 5xx, timeouts and connection failures, with
  jittered exponential backoff otherwise, for up to `retry_seconds` per call (pipelines/backoff.py), then
  NotionUnavailable. The SDK's own retry is off: it does not retry 5xx answers to POST (search and
  queries are POSTs that only read) nor connection errors;
- readable errors (`NotionError`) that say what to check, and request counts for run metadata.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
from notion_client import Client, RequestTimeoutError, iterate_paginated_api
from notion_client.errors import HTTPResponseError

from pipelines.backoff import Backoff, retry_after_seconds
from pipelines.notion.rate_limit import RateLimiter

NOTION_VERSION = "2025-09-03"
LIVE_BASE_URL = "https://api.notion.com"
RETRY_STATUSES = {429, 500, 502, 503, 504}
NOTION_RATE = 3.0  # requests per second, on average (https://developers.notion.com/reference/request-limits)

log = logging.getLogger(__name__)


class NotionError(RuntimeError):
    """Notion could not be read; the message says what to check."""


class NotionUnavailable(NotionError):
    """Notion did not answer usefully within the retry budget: an outage, worth trying again later."""


class NotionNotFound(NotionError):
    """The object does not exist, or is no longer shared with the integration."""


class NotionClient:
    def __init__(
        self,
        token: str,
        *,
        base_url: str | None = None,
        notion_version: str = NOTION_VERSION,
        page_size: int = 100,
        requests_per_second: float | None = NOTION_RATE,
        burst: float = 3.0,
        max_retries: int | None = 6,
        retry_seconds: float = 300.0,
        backoff_base: float = 0.5,
        backoff_cap: float = 60.0,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        # The SDK appends /v1/ itself; accept a base URL given with or without it.
        self.base_url = (base_url or LIVE_BASE_URL).rstrip("/").removesuffix("/v1")
        self.page_size = page_size
        # max_retries: per call (None: as many as retry_seconds allows); retry_seconds: the longest one call retries.
        self.backoff = Backoff(base=backoff_base, cap=backoff_cap, budget=retry_seconds,
                               max_attempts=None if max_retries is None else max_retries + 1)
        self.limiter = RateLimiter(requests_per_second, burst) if requests_per_second else None
        self.requests_made = 0
        self.retries_made = 0
        self.rate_limited = 0  # 429 answers received
        self.retry_wait_seconds = 0.0
        self._account: str | None = None
        self._http = httpx.Client(transport=transport, event_hooks={"request": [self._before_request]})
        self.sdk = Client(
            auth=token,
            base_url=self.base_url,
            notion_version=notion_version,
            timeout_ms=int(timeout * 1000),
            retry=False,
            client=self._http,
            logger=logging.getLogger(f"{__name__}.sdk"),
            log_level=logging.ERROR,  # failures are reported (once, readably) by this wrapper
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> NotionClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def limiter_wait_seconds(self) -> float:
        return self.limiter.waited_seconds if self.limiter else 0.0

    def _before_request(self, request: httpx.Request) -> None:
        if self.limiter:
            self.limiter.acquire()
        self.requests_made += 1

    # -- one call, retried -------------------------------------------------------------------------
    def call(self, what: str, function: Callable[..., Any], **kwargs: Any) -> Any:
        """`function(**kwargs)` (an SDK endpoint), retried; `what` names it in errors."""
        attempts = self.backoff.start()
        while True:
            told: float | None = None
            try:
                return function(**kwargs)
            except HTTPResponseError as exc:
                if exc.status not in RETRY_STATUSES:
                    raise self._refused(what, exc) from None
                if exc.status == 429:
                    self.rate_limited += 1
                told = retry_after_seconds(exc.headers.get("retry-after"))
                problem = f"HTTP {exc.status} {_code(exc)}".strip()
            except RequestTimeoutError:
                problem = "timed out"
            except httpx.TransportError as exc:
                problem = f"could not connect ({exc.__class__.__name__}: {exc})"
            delay = attempts.next_delay(told)
            if delay is None:
                break
            self.retries_made += 1
            self.retry_wait_seconds += delay
            log.info("Notion %s: %s; retrying in %.1f s", what, problem, delay)
            time.sleep(delay)
        raise NotionUnavailable(
            f"Notion at {self.base_url} is unavailable after {attempts.made} attempts ({problem}) in "
            f"{attempts.elapsed:.0f} s for {what}. Earlier data is untouched; re-run the sync when Notion is "
            "reachable again. It resumes from the saved cursor (if this lasts, check Notion's status page and "
            "NOTION_BASE_URL)."
        )

    def _refused(self, what: str, exc: HTTPResponseError) -> NotionError:
        detail = f"{exc.status} {_code(exc)}: {exc}".replace(" : ", ": ")
        if exc.status == 401:
            return NotionError(
                f"Notion refused the token ({detail}) for {what}. Check NOTION_TOKEN: it should be the "
                "internal integration secret (ntn_...) of an integration that is still installed."
            )
        if exc.status == 403:
            return NotionError(
                f"Notion refused access ({detail}) for {what}. Give the integration the 'Read content' "
                "capability in its settings at https://www.notion.so/profile/integrations."
            )
        if exc.status == 404:
            return NotionNotFound(
                f"Notion has no such object ({detail}) for {what}. Share the page or database with the "
                "integration (••• → Connections) if it should be synced."
            )
        return NotionError(
            f"Notion rejected the request for {what} ({detail}). This is not a temporary failure: check "
            "NOTION_BASE_URL and the notion-client version (the sync speaks API version "
            f"{self.sdk.options.notion_version})."
        )

    def _paged(self, what: str, function: Callable[..., Any], **kwargs: Any) -> Iterator[dict[str, Any]]:
        def one_page(**page_kwargs: Any) -> Any:
            return self.call(what, function, **page_kwargs)

        return iterate_paginated_api(one_page, page_size=self.page_size, **kwargs)

    # -- the endpoints the sync uses ---------------------------------------------------------------
    def me(self) -> dict[str, Any]:
        """The integration's bot user: a cheap check that the token works."""
        return self.call("users/me", self.sdk.users.me)

    @property
    def account(self) -> str:
        """The workspace the token reads (GET /v1/users/me: the bot's workspace_id, else the bot's own id), asked
        once: the key the sync state is kept under."""
        if self._account is None:
            bot = self.me()
            self._account = "workspace:" + str((bot.get("bot") or {}).get("workspace_id") or bot.get("id"))
        return self._account

    def search(self, object_type: str) -> Iterator[dict[str, Any]]:
        """Every shared page or data source (`object_type`), the most recently edited first."""
        return self._paged(
            f"search ({object_type}s)",
            self.sdk.search,
            filter={"property": "object", "value": object_type},
            sort={"direction": "descending", "timestamp": "last_edited_time"},
        )

    def query_data_source(
        self, data_source_id: str, *, edited_on_or_after: str | None = None, in_trash: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Pages of a data source, oldest edit first, optionally only those edited at or after a time.
        With `in_trash`, only the pages in the trash (which queries otherwise leave out)."""
        kwargs: dict[str, Any] = {"sorts": [{"timestamp": "last_edited_time", "direction": "ascending"}]}
        if edited_on_or_after:
            kwargs["filter"] = {
                "timestamp": "last_edited_time",
                "last_edited_time": {"on_or_after": edited_on_or_after},
            }
        if in_trash:
            kwargs["in_trash"] = True
        return self._paged(
            f"data_sources/{data_source_id}/query", self.sdk.data_sources.query, data_source_id=data_source_id, **kwargs
        )

    def block_children(self, block_id: str) -> Iterator[dict[str, Any]]:
        """The direct children of a page or block, in order."""
        return self._paged(f"blocks/{block_id}/children", self.sdk.blocks.children.list, block_id=block_id)

    def retrieve_page(self, page_id: str) -> dict[str, Any]:
        return self.call(f"pages/{page_id}", self.sdk.pages.retrieve, page_id=page_id)

    def retrieve_data_source(self, data_source_id: str) -> dict[str, Any]:
        return self.call(
            f"data_sources/{data_source_id}", self.sdk.data_sources.retrieve, data_source_id=data_source_id
        )


def _code(exc: HTTPResponseError) -> str:
    code = exc.code.value if hasattr(exc.code, "value") else str(exc.code)
    return "" if code == "notionhq_client_response_error" else code
