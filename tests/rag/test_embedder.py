"""Embedders: the local model's vectors, OpenAI's request shape (with a stand-in client), provider choice."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from pipelines.rag.embedder import DIMENSIONS, LocalEmbedder, OpenAIEmbedder, make_embedder


def test_local_vectors_are_normalized_in_input_order_with_progress(local_embedder: LocalEmbedder) -> None:
    texts = ["a much longer sentence about replacing roof decking after hail", "gutter", "roof decking replacement"]
    seen: list[tuple[int, int]] = []
    vectors = local_embedder.embed_documents(texts, progress=lambda done, total: seen.append((done, total)))
    assert vectors.shape == (3, DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert seen[-1] == (3, 3)
    # Order is the caller's, though the embedder sorts by length internally.
    assert np.allclose(vectors[1], local_embedder.embed_query("gutter"), atol=1e-5)
    assert vectors[0] @ vectors[2] > vectors[0] @ vectors[1]
    assert local_embedder.embed_documents([]).shape == (0, DIMENSIONS)


class FakeEmbeddings:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def create(self, **kwargs):
        self.calls.append(kwargs)
        # Answer out of order, unnormalized: the embedder must sort by index and normalize.
        data = [SimpleNamespace(index=i, embedding=[float(i + 1)] * DIMENSIONS) for i in range(len(kwargs["input"]))]
        return SimpleNamespace(data=list(reversed(data)))


def test_openai_asks_for_384_dimensions_in_batches() -> None:
    embeddings = FakeEmbeddings()
    embedder = OpenAIEmbedder(client=SimpleNamespace(embeddings=embeddings), batch_size=2)
    vectors = embedder.embed_documents(["a", "b", "c"])
    assert [len(c["input"]) for c in embeddings.calls] == [2, 1]
    assert all(c["model"] == "text-embedding-3-small" and c["dimensions"] == 384 for c in embeddings.calls)
    assert vectors.shape == (3, DIMENSIONS) and np.allclose(np.linalg.norm(vectors, axis=1), 1)
    assert embedder.model_name == "openai/text-embedding-3-small@384"
    assert embedder.embed_query("q").shape == (DIMENSIONS,)


def test_provider_choice_and_its_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EMBEDDINGS_PROVIDER", raising=False)
    assert isinstance(make_embedder(), LocalEmbedder)
    with pytest.raises(ValueError, match="`local` or `openai`"):
        make_embedder("cohere")
    with pytest.raises(RuntimeError, match="needs OPENAI_API_KEY"):
        make_embedder("openai")
    try:
        import openai  # noqa: F401
    except ImportError:
        with pytest.raises(RuntimeError, match="`openai` package is not installed"):
            make_embedder("openai", openai_api_key="sk-test")


def test_local_vectors_agree_with_the_float_model(local_embedder: LocalEmbedder) -> None:
    """The int8 ONNX model stands in for sentence-transformers' float all-MiniLM-L6-v2: on chunks of the sample
    knowledge base, IES labels and questions (tests/fixtures/minilm, embedded by the float model before torch
    left the project) every vector points the same way (cosine ≥ 0.99)."""
    reference = np.load(Path(__file__).parents[1] / "fixtures" / "minilm" / "float_reference.npz")
    texts, expected = [str(t) for t in reference["texts"]], reference["vectors"]
    got = local_embedder.embed_documents(texts)
    cosines = (got * expected).sum(axis=1)
    assert len(texts) == 66 and cosines.min() >= 0.99, (cosines.min(), texts[int(cosines.argmin())])
    # and the ranking a search relies on holds: each text is nearest its own reference vector
    assert ((got @ expected.T).argmax(axis=1) == np.arange(len(texts))).all()
