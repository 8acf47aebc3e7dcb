"""Text embeddings as a Dagster resource: the local all-MiniLM-L6-v2 (default) or OpenAI's
text-embedding-3-small (`provider="openai"` with an API key). The model loads once per process."""

from __future__ import annotations

from functools import cache

import dagster as dg

from pipelines.rag.embedder import Embedder, make_embedder


@cache
def _embedder(provider: str, openai_api_key: str, threads: int) -> Embedder:
    # Cached per process: a Dagster run (or a test session) loads the ~23 MB model once, not per asset.
    return make_embedder(provider or "local", openai_api_key=openai_api_key or None, threads=threads or None)


class EmbedderResource(dg.ConfigurableResource):
    provider: str = "local"  # EMBEDDINGS_PROVIDER
    openai_api_key: str = ""  # OPENAI_API_KEY, only for provider "openai"
    threads: int = 0  # ONNX Runtime threads for the local model; 0 means its default (one per core)

    def get_embedder(self) -> Embedder:
        return _embedder(self.provider, self.openai_api_key, self.threads)
