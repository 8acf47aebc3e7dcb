"""The official Stripe SDK, used for list pages as plain JSON.

`StripeClient.raw_request` gives the response's JSON without building typed objects (~3x cheaper,
STACK.md). The SDK retries connection errors and 5xx itself (`max_network_retries`), but not rate
limits: stripe-python 16 raises RateLimitError on 429 and ignores Retry-After. So `get` catches it,
waits as long as Retry-After says (a little jitter on top, so parallel workers spread out), and
repeats the same request — a page walk therefore resumes from the last id it had.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

import stripe

LIVE_API_BASE = "https://api.stripe.com"


class StripeSyncError(RuntimeError):
    """Stripe could not be read; the message says what to check."""


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    if (value := headers.get(name)) is not None:
        return value
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


class StripeApi:
    def __init__(
        self,
        api_key: str,
        *,
        api_base: str | None = None,
        page_size: int = 100,
        timeout: float = 30.0,
        max_network_retries: int = 2,
        max_rate_limit_retries: int = 8,
        max_wait: float = 60.0,
        backoff_base: float = 0.5,
    ) -> None:
        if not 1 <= page_size <= 100:
            raise ValueError("Stripe pages hold 1 to 100 objects.")
        self.api_base = (api_base or LIVE_API_BASE).rstrip("/")
        self.page_size = page_size
        self.max_rate_limit_retries = max_rate_limit_retries
        self.max_wait = max_wait
        self.backoff_base = backoff_base
        self.max_network_retries = max_network_retries
        # Counters for run metadata; one client serves several sync threads.
        self.requests_made = 0
        self.rate_limited = 0
        self.seconds_waited = 0.0
        self._counter_lock = threading.Lock()
        # A client object, never the SDK's global `stripe.api_key`: several accounts can sync side by side.
        self._client = stripe.StripeClient(
            api_key,
            base_addresses={"api": self.api_base},
            max_network_retries=max_network_retries,
            http_client=stripe.RequestsClient(timeout=(10.0, timeout)),
        )

    def _rate_limit_delay(self, exc: stripe.RateLimitError, attempt: int) -> float:
        retry_after = _header(exc.headers, "Retry-After")
        try:
            told = float(retry_after) if retry_after is not None else None
        except ValueError:
            told = None  # an HTTP date: fall back to backoff
        if told is not None:
            return min(told + random.uniform(0, 0.1 * told + 0.05), self.max_wait)
        return random.uniform(self.backoff_base, min(self.max_wait, self.backoff_base * 2 ** (attempt + 1)))

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """GET a /v1 path; the parsed JSON body. Raises StripeSyncError with a readable message."""
        for attempt in range(self.max_rate_limit_retries + 1):
            try:
                with self._counter_lock:
                    self.requests_made += 1
                return self._client.raw_request("get", path, **(params or {})).data
            except stripe.RateLimitError as exc:
                if attempt == self.max_rate_limit_retries:
                    raise StripeSyncError(
                        f"Stripe kept rate-limiting {path} after {attempt + 1} attempts. Earlier data is saved; "
                        "re-run the sync later, or lower the sync's concurrency."
                    ) from exc
                delay = self._rate_limit_delay(exc, attempt)
                with self._counter_lock:
                    self.rate_limited += 1
                    self.seconds_waited += delay
                time.sleep(delay)
            except (stripe.AuthenticationError, stripe.PermissionError) as exc:
                raise StripeSyncError(
                    f"Stripe refused the API key for {path} ({exc.http_status}: {exc.user_message}). "
                    "Check STRIPE_API_KEY: a secret key (sk_...) or a restricted key (rk_...) with read access."
                ) from exc
            except stripe.APIConnectionError as exc:
                raise StripeSyncError(
                    f"Could not reach Stripe at {self.api_base} for {path} after "
                    f"{self.max_network_retries + 1} attempts ({exc.user_message}). Earlier data is untouched; "
                    "check the network (and STRIPE_API_BASE if set) and re-run the sync."
                ) from exc
            except stripe.InvalidRequestError as exc:
                raise StripeSyncError(f"Stripe rejected GET {path} {dict(params or {})}: {exc.user_message}") from exc
            except stripe.StripeError as exc:
                raise StripeSyncError(
                    f"Stripe answered {exc.http_status} for {path} ({exc.user_message}) after "
                    f"{self.max_network_retries + 1} attempts. Earlier data is untouched; re-run the sync later."
                ) from exc
        raise AssertionError("unreachable")

    def pages(
        self, path: str, params: Mapping[str, Any] | None = None, *, starting_after: str | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Every page of a list, newest `created` first, continuing after `starting_after` if given."""
        after = starting_after
        while True:
            query = {**(params or {}), "limit": self.page_size}
            if after:
                query["starting_after"] = after
            body = self.get(path, query)
            data = body.get("data") or []
            yield data
            if not body.get("has_more") or not data:
                return
            after = data[-1]["id"]

    def newest_created(self, path: str, params: Mapping[str, Any] | None = None) -> int | None:
        """`created` of the newest object of a list (lists are newest first), None when empty."""
        data = self.get(path, {**(params or {}), "limit": 1}).get("data") or []
        return int(data[0]["created"]) if data else None
