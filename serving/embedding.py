"""The query embedder the API searches with: one per process, created at start-up, loaded lazily.

Loading the local model takes ~0.3 s (ONNX Runtime building its session), so start-up does not wait for it: the
lifespan starts the load in a background thread and the first search waits for it if it is not done.
A provider that cannot start (OpenAI without its package or key) fails searches with a 503 that says
why, not the whole API.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from functools import cache
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from brainops.settings import Settings
from pipelines.rag.embedder import Embedder, make_embedder
from serving.logging_json import adopt_transformers_logging

log = logging.getLogger(__name__)


class LazyEmbedder:
    """Makes (and, for the local model, loads) the configured embedder on first use."""

    def __init__(self, provider: str, *, openai_api_key: str | None, threads: int | None) -> None:
        self.provider = provider
        self._openai_api_key = openai_api_key
        self._threads = threads
        self._embedder: Embedder | None = None
        self._error: str | None = None
        self._lock = threading.Lock()

    def get(self) -> Embedder:
        with self._lock:
            if self._embedder is None and self._error is None:
                try:
                    if self.provider.strip().lower() == "local":
                        adopt_transformers_logging()  # its warnings as JSON lines like every other log line
                    embedder = make_embedder(self.provider, openai_api_key=self._openai_api_key, threads=self._threads)
                    load = getattr(embedder, "load", None)
                    if load is not None:
                        load()
                    self._embedder = embedder
                except (RuntimeError, ValueError, ImportError) as exc:
                    self._error = str(exc)
                    log.error("search is unavailable: %s", exc)
        if self._embedder is None:
            raise RuntimeError(self._error or "The embedding model is not available.")
        return self._embedder

    def warm_up(self) -> None:
        """Load in the background, so the first search does not pay for it."""
        threading.Thread(target=self._quietly_get, name="embedder-warm-up", daemon=True).start()

    def _quietly_get(self) -> None:
        with contextlib.suppress(RuntimeError):  # logged in get(); searches answer 503 with the reason
            self.get()


@cache
def shared_embedder(provider: str, openai_api_key: str | None, threads: int | None) -> LazyEmbedder:
    # One per process and configuration: every app instance (tests make several) shares the loaded model.
    return LazyEmbedder(provider, openai_api_key=openai_api_key, threads=threads)


def embedder_for(settings: Settings) -> LazyEmbedder:
    return shared_embedder(settings.embeddings_provider, settings.openai_api_key, settings.embeddings_threads or None)


def get_embedder(request: Request) -> Embedder:
    try:
        return request.app.state.embedder.get()
    except RuntimeError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, f"Search is unavailable: {exc}") from exc


EmbedderDep = Annotated[Embedder, Depends(get_embedder)]
