"""A small CenterPoint Connect client (there is no SDK): JSON:API pages over httpx.

Paging is `page[size]`/`page[number]` with the total in `meta.page.total`; increments use
`filter[updatedAt][gte]`. 429 and 5xx answers, timeouts and refused connections are retried with jittered
exponential backoff, honouring `Retry-After`, for up to `retry_seconds` (pipelines/backoff.py); then
CenterPointUnavailable says so. Other refusals (a wrong key, a bad request) raise CenterPointError at once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from pipelines.accounts import key_account
from pipelines.backoff import Backoff, retry_after_seconds

RETRY_STATUSES = {429, 500, 502, 503, 504}


class CenterPointError(RuntimeError):
    """The API could not be read; the message says what to check."""


class CenterPointUnavailable(CenterPointError):
    """The API did not answer usefully within the retry budget: an outage, worth trying again later."""


@dataclass(frozen=True)
class Page:
    records: list[dict[str, Any]]
    number: int
    total: int  # records across all pages, as the server counted them


class CenterPointClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        auth_scheme: str = "Bearer",
        page_size: int = 100,
        timeout: float = 30.0,
        max_retries: int | None = 6,
        retry_seconds: float = 300.0,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """`max_retries`: retries per request (None: as many as `retry_seconds` allows); `retry_seconds`: the
        longest a request keeps retrying before CenterPointUnavailable."""
        auth = f"{auth_scheme} {api_key}" if auth_scheme else api_key
        self.page_size = page_size
        self.backoff = Backoff(base=backoff_base, cap=backoff_cap, budget=retry_seconds,
                               max_attempts=None if max_retries is None else max_retries + 1)
        self.requests_made = 0
        self.retries_made = 0
        # The account this client reads, for the sync state: the API has no "who am I".
        self.account = key_account(base_url, api_key)
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers={"Authorization": auth, "Accept": "application/vnd.api+json"},
            timeout=httpx.Timeout(timeout, connect=10.0),
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CenterPointClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        attempts = self.backoff.start()
        while True:
            response: httpx.Response | None = None
            try:
                self.requests_made += 1
                response = self._http.get(path, params=params)
            except httpx.TransportError as exc:
                problem = f"could not connect ({exc.__class__.__name__}: {exc})"
            else:
                if response.status_code < 400:
                    return orjson.loads(response.content)
                if response.status_code in (401, 403):
                    raise CenterPointError(
                        f"CenterPoint refused the API key ({response.status_code}) for {path}. "
                        "Check CENTERPOINT_API_KEY (and CENTERPOINT_AUTH_SCHEME if your account sends the bare key)."
                    )
                if response.status_code not in RETRY_STATUSES:
                    raise CenterPointError(
                        f"CenterPoint answered {response.status_code} for {path}: {response.text[:300]}"
                    )
                problem = f"HTTP {response.status_code}"
            told = retry_after_seconds(response.headers.get("Retry-After")) if response is not None else None
            delay = attempts.next_delay(told)
            if delay is None:
                break
            self.retries_made += 1
            time.sleep(delay)
        raise CenterPointUnavailable(
            f"CenterPoint at {self._http.base_url} is unavailable after {attempts.made} attempts "
            f"({problem}) in {attempts.elapsed:.0f} s for {path}. Earlier data and the sync cursor are untouched; "
            "the sync resumes from the cursor once the API is back (check CenterPoint's status and "
            "CENTERPOINT_BASE_URL, then re-run it)."
        )

    def pages(self, resource: str, *, updated_since: str | None = None) -> Iterator[Page]:
        """Every page of a resource, oldest change first, optionally only changes since a cursor."""
        number = 1
        while True:
            params: dict[str, Any] = {
                "page[size]": self.page_size,
                "page[number]": number,
                "sort": "updatedAt,id",
            }
            if updated_since:
                params["filter[updatedAt][gte]"] = updated_since
            body = self.get(resource, params)
            records = body.get("data") or []
            total = int(((body.get("meta") or {}).get("page") or {}).get("total") or 0)
            yield Page(records=records, number=number, total=total)
            if not records or number * self.page_size >= total:
                return
            number += 1
