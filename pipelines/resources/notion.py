"""Notion as a Dagster resource: the live API with a token, the local stand-in without one.

Both paths use the same NotionClient over the official notion-client; only the base URL differs, so
sample mode exercises the code that talks to the real API. The client-side limiter (~3 requests/s,
Notion's average) applies whenever a real or separately run server is used; the in-thread sample
stand-in has no rate limit, so sample mode runs at full speed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from brainops.paths import sample_dir
from pipelines.notion.client import NOTION_RATE, NotionClient
from pipelines.resources.credentials import refuse_sample_outside_development

SAMPLE_TOKEN = "sample"


class NotionResource(dg.ConfigurableResource):
    token: str = ""
    base_url: str = ""
    page_size: int = 100
    retry_seconds: float = 300.0  # how long one request keeps retrying an unavailable API (SOURCE_RETRY_SECONDS)
    max_retries: int | None = None  # per request; None: as many as retry_seconds allows
    requests_per_second: float = NOTION_RATE

    @property
    def sample_mode(self) -> bool:
        return not self.token and not self.base_url

    @contextmanager
    def open_client(self) -> Iterator[NotionClient]:
        if not self.sample_mode:
            with self._client(self.base_url or None, self.token or SAMPLE_TOKEN, self.requests_per_second) as client:
                yield client
            return
        refuse_sample_outside_development("notion")
        # Sample mode: serve the generated knowledge base locally for the length of this run.
        from brainops.standins import notion
        from brainops.standins.runner import serve_in_thread

        app = notion.create_app(notion.open_store(sample_dir()), token=SAMPLE_TOKEN)
        with serve_in_thread(app) as url, self._client(url, SAMPLE_TOKEN, None) as client:
            yield client

    def _client(self, base_url: str | None, token: str, requests_per_second: float | None) -> NotionClient:
        return NotionClient(
            token,
            base_url=base_url,
            page_size=self.page_size,
            max_retries=self.max_retries,
            retry_seconds=self.retry_seconds,
            requests_per_second=requests_per_second or None,
        )
