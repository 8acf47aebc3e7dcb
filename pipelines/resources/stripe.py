"""Stripe as a Dagster resource: the live API with a key, the local stand-in without one.

Both paths use the same official SDK client (StripeApi); only the base address differs, so sample
mode exercises the code that talks to the real API.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import dagster as dg

from brainops.paths import sample_dir
from pipelines.resources.credentials import refuse_sample_outside_development
from pipelines.stripe.client import StripeApi

SAMPLE_API_KEY = "sk_test_sample"
# Stripe keeps events for 30 days; a cursor older than that is caught up by listing in full.
EVENT_RETENTION = timedelta(days=30)


class StripeResource(dg.ConfigurableResource):
    api_key: str = ""
    api_base: str = ""  # empty: https://api.stripe.com (with a key) or the sample stand-in (without)
    page_size: int = 100
    max_network_retries: int = 2
    retry_seconds: float = 300.0  # how long one request keeps retrying an unavailable API (SOURCE_RETRY_SECONDS)
    max_retries: int | None = None  # ours, per request, after the SDK's; None: as many as retry_seconds allows
    concurrency: int = 4  # objects synced side by side; most of a sync's time is waiting on the API

    @property
    def sample_mode(self) -> bool:
        return not self.api_key and not self.api_base

    @property
    def event_retention(self) -> timedelta | None:
        """How far back events can be read: 30 days at Stripe, forever at a stand-in."""
        live = not self.api_base or "stripe.com" in self.api_base
        return EVENT_RETENTION if self.api_key and live else None

    @contextmanager
    def open_api(self) -> Iterator[StripeApi]:
        if not self.sample_mode:
            yield self._api(self.api_base or None, self.api_key or SAMPLE_API_KEY)
            return
        refuse_sample_outside_development("stripe")
        # Sample mode: serve the generated sample business locally for the length of this run.
        from brainops.standins import stripe
        from brainops.standins.runner import serve_in_thread

        with serve_in_thread(stripe.create_app(stripe.open_store(sample_dir()))) as url:
            yield self._api(url, SAMPLE_API_KEY)

    def _api(self, api_base: str | None, api_key: str) -> StripeApi:
        return StripeApi(
            api_key,
            api_base=api_base,
            page_size=self.page_size,
            max_network_retries=self.max_network_retries,
            max_retries=self.max_retries,
            retry_seconds=self.retry_seconds,
        )
