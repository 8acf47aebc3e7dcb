"""The official Stripe SDK, used for list pages as plain JSON.

`StripeClient.raw_request` gives the response's JSON without building typed objects (~3x cheaper,
STACK.md). The SDK retries connection errors and 5xx itself (`max_network_retries`, a few quick tries),
but not rate limits: stripe-python 16 raises RateLimitError on 429 and ignores Retry-After. So `get`
catches what is worth waiting for (429, 5xx, connection failures once the SDK gave up), waits with
jittered exponential backoff or as long as Retry-After says (pipelines/backoff.py), and repeats the same
request — a page walk therefore resumes from the last id it had — for up to `retry_seconds`; then
StripeUnavailable says so. A wrong key or a bad request raises StripeSyncError at once.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

import stripe

from pipelines.accounts import key_account
from pipelines.backoff import Backoff, retry_after_seconds

LIVE_API_BASE = "https://api.stripe.com"


class StripeSyncError(RuntimeError):
    """Stripe could not be read; the message says what to check."""


class StripeUnavailable(StripeSyncError):
    """Stripe did not answer usefully within the retry budget: an outage, worth trying again later."""


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    if (value := headers.get(name)) is not None:
        return value
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


def _network_cause(text: str | None) -> str:
    """The SDK's connection messages are advice for Stripe support around the cause; keep just the cause
    ("Connection refused", "ReadTimeout"), so one outage reads the same for every object synced."""
    text = text or ""
    if found := re.search(r"\[Errno -?\d+\] ([^\"')\]]+)", text):
        return found.group(1).strip()
    if found := re.search(r"Network error: (\w+)", text):
        return found.group(1)
    return " ".join(text.split())[:160]


class StripeApi:
    def __init__(
        self,
        api_key: str,
        *,
        api_base: str | None = None,
        page_size: int = 100,
        timeout: float = 30.0,
        max_network_retries: int = 2,
        max_retries: int | None = 8,
        retry_seconds: float = 300.0,
        max_wait: float = 60.0,
        backoff_base: float = 0.5,
    ) -> None:
        """`max_network_retries`: the SDK's own quick retries; `max_retries`: ours after those, per request (None:
        as many as `retry_seconds` allows); `retry_seconds`: the longest one request keeps retrying."""
        if not 1 <= page_size <= 100:
            raise ValueError("Stripe pages hold 1 to 100 objects.")
        self.api_base = (api_base or LIVE_API_BASE).rstrip("/")
        self.page_size = page_size
        self.backoff = Backoff(base=backoff_base, cap=max_wait, budget=retry_seconds,
                               max_attempts=None if max_retries is None else max_retries + 1)
        self.max_network_retries = max_network_retries
        # Counters for run metadata; one client serves several sync threads.
        self.requests_made = 0
        self.rate_limited = 0
        self.seconds_waited = 0.0
        self._counter_lock = threading.Lock()
        self._key_account = key_account(self.api_base, api_key)
        self._account: str | None = None
        # A client object, never the SDK's global `stripe.api_key`: several accounts can sync side by side.
        self._client = stripe.StripeClient(
            api_key,
            base_addresses={"api": self.api_base},
            max_network_retries=max_network_retries,
            http_client=stripe.RequestsClient(timeout=(10.0, timeout)),
        )

    @property
    def account(self) -> str:
        """The Stripe account behind the key (GET /v1/account), asked once; a restricted key that may not read
        it is known by the address and a fingerprint of the key instead (never the key)."""
        if self._account is None:
            try:
                self._account = str(self.get("/v1/account")["id"])
            except StripeUnavailable:
                raise  # an outage says nothing about the key: the sync fails as it would on its first page
            except StripeSyncError:  # a restricted key without read access to the account
                self._account = self._key_account
        return self._account

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """GET a /v1 path; the parsed JSON body. Raises StripeSyncError with a readable message."""
        attempts = self.backoff.start()
        while True:
            told: float | None = None
            limited = False
            try:
                with self._counter_lock:
                    self.requests_made += 1
                return self._client.raw_request("get", path, **(params or {})).data
            except stripe.RateLimitError as exc:
                limited, problem = True, "HTTP 429, rate-limited"
                told = retry_after_seconds(_header(exc.headers, "Retry-After"))
            except (stripe.AuthenticationError, stripe.PermissionError) as exc:
                raise StripeSyncError(
                    f"Stripe refused the API key for {path} ({exc.http_status}: {exc.user_message}). "
                    "Check STRIPE_API_KEY: a secret key (sk_...) or a restricted key (rk_...) with read access."
                ) from exc
            except stripe.APIConnectionError as exc:
                problem = f"could not connect: {_network_cause(exc.user_message)}"
            except stripe.InvalidRequestError as exc:
                raise StripeSyncError(f"Stripe rejected GET {path} {dict(params or {})}: {exc.user_message}") from exc
            except stripe.StripeError as exc:
                if (exc.http_status or 0) < 500:
                    raise StripeSyncError(
                        f"Stripe answered {exc.http_status} for {path} ({exc.user_message}); this is no outage: "
                        "check STRIPE_API_BASE and the stripe package version."
                    ) from exc
                problem = f"HTTP {exc.http_status}: {exc.user_message}"
                told = retry_after_seconds(_header(exc.headers, "Retry-After"))
            delay = attempts.next_delay(told)
            if delay is None:
                break
            with self._counter_lock:
                self.rate_limited += limited
                self.seconds_waited += delay
            time.sleep(delay)
        tries = f"{attempts.made} attempt{'s' if attempts.made != 1 else ''}"
        if limited:
            raise StripeUnavailable(
                f"Stripe kept rate-limiting {path} after {tries} in {attempts.elapsed:.0f} s. Earlier data is "
                "saved; re-run the sync later, or lower the sync's concurrency."
            )
        raise StripeUnavailable(
            f"Stripe at {self.api_base} is unavailable after {tries} ({problem}) in {attempts.elapsed:.0f} s "
            f"for {path}. Earlier data is untouched; re-run the sync when Stripe is back: it resumes from the saved "
            "cursor (if this lasts, check Stripe's status page and STRIPE_API_BASE)."
        )

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
