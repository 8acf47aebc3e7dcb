"""Text embedders: the local all-MiniLM-L6-v2 (int8 ONNX, offline, the default) and OpenAI's text-embedding-3-small.

Both give 384-dimensional, L2-normalized float32 vectors, so rag.chunks has one vector column and
cosine distance equals 1 - dot product. Each embedder names its model; chunks record that name and
search compares only vectors of the same model.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

DIMENSIONS = 384
# The int8 export is named apart from the float model: chunks embedded by the float model (before torch left)
# are re-embedded by the next index run instead of being compared with vectors of another precision.
LOCAL_MODEL = "sentence-transformers/all-MiniLM-L6-v2@onnx-int8"
OPENAI_MODEL = "text-embedding-3-small"

# (texts done, texts total): called after every batch, so long runs can show progress.
Progress = Callable[[int, int], None]


@runtime_checkable
class Embedder(Protocol):
    @property
    def model_name(self) -> str:
        """Stored with every chunk; vectors of different names are never compared."""
        ...

    def embed_documents(
        self, texts: Sequence[str], *, progress: Progress | None = None
    ) -> np.ndarray: ...  # (len(texts), 384) float32, rows of norm 1

    def embed_query(self, text: str) -> np.ndarray: ...  # (384,) float32, norm 1


def normalized(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


class LocalEmbedder:
    """all-MiniLM-L6-v2 as int8 ONNX on ONNX Runtime (pipelines/rag/minilm_onnx.py): CPU, offline, no torch.
    The model loads on first use (~0.2 s) and once per instance; one instance is safe to share between threads.
    Its vectors agree with the float model's (sentence-transformers) to a cosine of ≥ 0.99 on the sample
    knowledge base (tests/rag/test_embedder.py)."""

    model_name = LOCAL_MODEL

    # Small batches: ONNX Runtime ran 689 knowledge-base chunks at 58 texts/s in batches of 4, 46 in batches of 32.
    def __init__(self, *, batch_size: int = 4, progress_every: int = 256, threads: int | None = None) -> None:
        self.batch_size = batch_size
        self.progress_every = progress_every
        self.threads = threads
        self.load_seconds = 0.0
        self._model: Any = None
        self._lock = threading.Lock()

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                from pipelines.rag.minilm_onnx import MiniLmOnnx

                started = time.perf_counter()
                # Graph optimisation pays here: an indexer or the API embeds far more than it loads.
                model = MiniLmOnnx(batch_size=self.batch_size, threads=self.threads, optimize=True)
                model(["load"])  # the session and tokenizer now, not inside the first caller's request
                self.load_seconds = time.perf_counter() - started
                self._model = model
        return self._model

    def embed_documents(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        model = self.load()
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        # Similar lengths side by side waste less padding; results go back to the callers' order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), self.progress_every):
            ids = order[start : start + self.progress_every]
            out[ids] = model([texts[i] for i in ids])
            if progress:
                progress(min(start + self.progress_every, len(texts)), len(texts))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.load()([text])[0]


class OpenAIEmbedder:
    """text-embedding-3-small through the official `openai` SDK, shortened to 384 dimensions by the API
    (`dimensions=384`), so its vectors fit the same column as the local model's."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        model: str = OPENAI_MODEL,
        batch_size: int = 256,
        client: Any = None,
    ) -> None:
        self.model = model
        self.batch_size = batch_size
        self._client = client or self._make_client(api_key)

    @property
    def model_name(self) -> str:
        return f"openai/{self.model}@{DIMENSIONS}"

    @staticmethod
    def _make_client(api_key: str | None) -> Any:
        key = api_key or os.environ.get("OPENAI_API_KEY")
        if not key:
            raise RuntimeError("EMBEDDINGS_PROVIDER=openai needs OPENAI_API_KEY; set it or use the local model.")
        try:
            from openai import OpenAI
        except ImportError as exc:
            raise RuntimeError(
                "The `openai` package is not installed; add it to the project's dependencies "
                "or set EMBEDDINGS_PROVIDER=local."
            ) from exc
        return OpenAI(api_key=key, max_retries=5)  # the SDK retries 429 and 5xx with backoff

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        response = self._client.embeddings.create(model=self.model, input=list(texts), dimensions=DIMENSIONS)
        rows = sorted(response.data, key=lambda d: d.index)
        return normalized(np.array([row.embedding for row in rows], dtype=np.float32))

    def embed_documents(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        parts = []
        for start in range(0, len(texts), self.batch_size):
            parts.append(self._embed(texts[start : start + self.batch_size]))
            if progress:
                progress(min(start + self.batch_size, len(texts)), len(texts))
        return np.concatenate(parts) if parts else np.zeros((0, DIMENSIONS), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text])[0]


def make_embedder(
    provider: str | None = None, *, openai_api_key: str | None = None, threads: int | None = None
) -> Embedder:
    """The embedder EMBEDDINGS_PROVIDER names: `local` (default) or `openai`."""
    name = (provider or os.environ.get("EMBEDDINGS_PROVIDER") or "local").strip().lower()
    if name == "local":
        return LocalEmbedder(threads=threads)
    if name == "openai":
        return OpenAIEmbedder(api_key=openai_api_key)
    raise ValueError(f"Unknown embeddings provider {name!r}: set EMBEDDINGS_PROVIDER to `local` or `openai`.")
