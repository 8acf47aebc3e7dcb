"""A small CenterPoint Connect client (there is no SDK): JSON:API pages over httpx.

Paging is `page[size]`/`page[number]` with the total in `meta.page.total`; increments use
`filter[updatedAt][gte]`. 429 and 5xx answers are retried with jittered exponential backoff,
honouring `Retry-After`, a bounded number of times.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

RETRY_STATUSES = {429, 500, 502, 503, 504}


class CenterPointError(RuntimeError):
    """The API could not be read; the message says what to check."""


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
        max_retries: int = 6,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        auth = f"{auth_scheme} {api_key}" if auth_scheme else api_key
        self.page_size = page_size
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.requests_made = 0
        self.retries_made = 0
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

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        if response is not None and (retry_after := response.headers.get("Retry-After")):
            try:
                return min(float(retry_after), self.backoff_cap)
            except ValueError:
                pass  # an HTTP date: fall back to backoff
        # Full jitter keeps a fleet of retrying workers from hitting the API in lockstep.
        return random.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        last_problem = ""
        for attempt in range(self.max_retries + 1):
            response: httpx.Response | None = None
            try:
                self.requests_made += 1
                response = self._http.get(path, params=params)
            except httpx.TransportError as exc:
                last_problem = f"could not connect ({exc.__class__.__name__}: {exc})"
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
                last_problem = f"HTTP {response.status_code}"
            if attempt < self.max_retries:
                self.retries_made += 1
                time.sleep(self._delay(attempt, response))
        raise CenterPointError(
            f"CenterPoint at {self._http.base_url} is unavailable after {self.max_retries + 1} attempts "
            f"({last_problem}) for {path}. Earlier data is untouched; re-run the sync when the API is back."
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
