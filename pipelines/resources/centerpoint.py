"""CenterPoint Connect as a Dagster resource: the live API with a key, the local stand-in without one.

Both paths use the same CenterPointClient; only the base URL differs, so sample mode exercises the
code that talks to the real API.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from brainops.paths import sample_dir
from pipelines.centerpoint.client import CenterPointClient
from pipelines.resources.credentials import refuse_sample_outside_development

LIVE_BASE_URL = "https://api.centerpointconnect.io/centerpoint/"
SAMPLE_API_KEY = "sample"


class CenterPointResource(dg.ConfigurableResource):
    api_key: str = ""
    base_url: str = ""
    auth_scheme: str = "Bearer"
    page_size: int = 100
    retry_seconds: float = 300.0  # how long one request keeps retrying an unavailable API (SOURCE_RETRY_SECONDS)
    max_retries: int | None = None  # per request; None: as many as retry_seconds allows

    @property
    def sample_mode(self) -> bool:
        return not self.api_key

    @contextmanager
    def open_client(self) -> Iterator[CenterPointClient]:
        if self.api_key or self.base_url:
            base = self.base_url or LIVE_BASE_URL
            with self._client(base, self.api_key or SAMPLE_API_KEY) as client:
                yield client
            return
        refuse_sample_outside_development("centerpoint")
        # Sample mode: serve the generated sample business locally for the length of this run.
        from brainops.standins import centerpoint
        from brainops.standins.runner import serve_in_thread

        app = centerpoint.create_app(centerpoint.open_store(sample_dir()), api_key=SAMPLE_API_KEY)
        with serve_in_thread(app) as url, self._client(f"{url}/centerpoint/", SAMPLE_API_KEY) as client:
            yield client

    def _client(self, base_url: str, api_key: str) -> CenterPointClient:
        return CenterPointClient(
            base_url,
            api_key,
            auth_scheme=self.auth_scheme,
            page_size=self.page_size,
            max_retries=self.max_retries,
            retry_seconds=self.retry_seconds,
        )
