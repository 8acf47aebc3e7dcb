"""Label → canonical key by nearest neighbour: a label the curated dictionary has never seen is compared,
as a sentence embedding (all-MiniLM-L6-v2, local, offline), with every wording the dictionary knows in the
label's section; the closest wording's key wins when it is close enough and clearly closer than any other
key's. Confidence is the cosine similarity.

Why these rules (measured on held-out dictionary wording and on paraphrases, see tests/ies_llm):
- Section-aware: "Rent" is income under INCOME and rent expense under EXPENSES; a label is compared with
  its section's wording, the summary lines (NOI, net income) and the wording that names its own section
  anywhere (cost of sales, the section totals), as the dictionary does.
- "Total" is structure, not meaning: a label that says total is compared with totals only, one that
  does not with non-totals only ("Other Operating Expenses" is not "Total Operating Expenses").
- A margin between the best key and the runner-up key: one-word labels ("Insurance") sit almost as
  close to "health insurance" (payroll) as to "property insurance"; too close to call is no answer, and
  the next stage (an LLM with a key, else keywords) decides.

The model (int8 ONNX, no torch) loads once per process, on the first label the dictionary does not know
(under a second; the vocabulary's vectors are cached under the data directory); a document's unknown labels
are embedded in one batch (`prepare`). Without onnxruntime the stage answers nothing and says so once in the
log.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from brainops.paths import data_dir
from pipelines.ies.chart import SECTION_OF, TOTAL_KEYS, VOCABULARY
from pipelines.ies.labels import (
    _SELF_NAMING,
    DictionaryMapper,
    LabelContext,
    LabelMatch,
    _is_subtotal,
    _match,
    is_heading_wording,
    normalize,
)
from pipelines.rag.minilm_onnx import DIMENSIONS

log = logging.getLogger(__name__)

# Chosen on 99 generator labels held out of the dictionary one at a time and 46 paraphrases: 0.6 / 0.04
# answered 92 + 38 of them with 1 + 1 wrong; nonsense ("Zorblax", "Purple Monkey Dishwasher") peaked at 0.47.
THRESHOLD = 0.6  # least cosine similarity to answer at all
MARGIN = 0.04  # least lead of the best key over the runner-up key

Encoder = Callable[[Sequence[str]], np.ndarray]  # texts -> (n, d) float32 rows of norm 1


@dataclass(frozen=True)
class Entry:
    text: str  # normalised wording, as normalize() gives it
    key: str
    section: str  # the section the wording is listed under in the dictionary
    total: bool  # the wording says total ("Total Income"; not "Net Operating Income")
    anywhere: bool  # wording that names its own section wherever it is printed ("Cost of Sales", totals)


def vocabulary_entries(exclude: Iterable[str] = ()) -> list[Entry]:
    """Every wording the dictionary knows, normalised, minus `exclude` (normalised labels held out,
    for measuring how the stage does on wording it has never seen)."""
    held_out = {normalize(text) for text in exclude}
    entries: dict[tuple[str, str], Entry] = {}
    for section, words in VOCABULARY.items():
        for wording, key in words.items():
            text = normalize(wording)
            if text and text not in held_out:
                entries.setdefault((text, section), Entry(text, key, section, _is_subtotal(text), text in _SELF_NAMING))
    return list(entries.values())


class LocalModel:
    """all-MiniLM-L6-v2 on ONNX Runtime (pipelines/rag/minilm_onnx.py): loaded on first use, once per process."""

    def __init__(self) -> None:
        from pipelines.rag.minilm_onnx import MiniLmOnnx

        self.model = MiniLmOnnx()
        self.name = "all-MiniLM-L6-v2-onnx-int8"

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        return self.model(texts)

    def warm(self) -> None:
        self.model.warm()


@cache
def local_model() -> LocalModel:
    return LocalModel()


class _Index:
    """The vocabulary's vectors, built on first use, and the labels' vectors as they are embedded."""

    def __init__(self, entries: list[Entry], encode: Encoder) -> None:
        self.entries = entries
        self.encode = encode
        self.vectors = _vocabulary_vectors([e.text for e in entries], encode)
        self.labels: dict[str, np.ndarray] = {}  # normalised label -> vector, shared by every document
        self.groups: dict[tuple[str | None, bool], np.ndarray] = {}  # (section, says total) -> candidate rows

    def embed(self, texts: list[str]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t and t not in self.labels]
        if not todo:
            return
        if len(self.labels) > 20_000:  # a long-running process: keep the cache bounded
            self.labels.clear()
        self.labels.update(zip(todo, self.encode(todo), strict=True))


def _vocabulary_vectors(texts: list[str], encode: Encoder) -> np.ndarray:
    """The dictionary's wording as vectors: from a cache file under the data directory when this model has
    embedded this exact wording before (a CLI run then starts in well under a second), else computed and
    cached. Only the process-wide local model is cached; other encoders (tests, measuring) always compute."""
    name = getattr(encode, "name", None)
    if not name:
        return encode(texts)
    digest = hashlib.sha256("\n".join([name, *texts]).encode()).hexdigest()[:16]
    path = data_dir() / "cache" / f"label_vectors-{digest}.npy"
    try:
        vectors = np.load(path)
        if vectors.shape == (len(texts), DIMENSIONS):
            return vectors
    except (OSError, ValueError):
        pass
    vectors = encode(texts)
    try:  # written whole, then renamed: a reader never sees half a file
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            np.save(handle, vectors)
        os.replace(handle.name, path)
    except OSError as exc:
        log.info("The label vectors could not be cached (%s); they are computed again next time.", exc)
    return vectors


@cache
def _shared_index() -> _Index:
    return _Index(vocabulary_entries(), local_model())


class EmbeddingMapper:
    """The nearest-neighbour stage of the mapper chain (after the dictionary)."""

    name = "embeddings"

    def __init__(self, *, threshold: float = THRESHOLD, margin: float = MARGIN, exclude: Iterable[str] = (),
                 encode: Encoder | None = None) -> None:
        """`exclude` and `encode` are for measuring and tests: a dictionary with wording held out, another
        encoder. The default shares one model and one index per process."""
        self.threshold, self.margin = threshold, margin
        self._exclude = tuple(exclude)
        self._encode = encode
        self._index: _Index | None = None
        self._dictionary = DictionaryMapper()
        self._off = False

    def index(self) -> _Index:
        if self._index is None:
            if self._exclude or self._encode:
                self._index = _Index(vocabulary_entries(self._exclude), self._encode or local_model())
            else:
                self._index = _shared_index()
        return self._index

    def _embed(self, texts: list[str]) -> _Index | None:
        """The index with these labels' vectors in it; None when the model cannot be loaded."""
        if self._off:
            return None
        try:
            index = self.index()
            index.embed(texts)
        except (ImportError, OSError, RuntimeError) as exc:
            self._off = True
            log.warning("The embedding stage of label mapping is off: the local model could not be loaded (%s).",
                        exc)
            return None
        return index

    def warm(self) -> None:
        """Load the shared model in the background while the document is read (a custom encoder: nothing)."""
        if not (self._off or self._exclude or self._encode):
            local_model().warm()

    def prepare(self, labels: Sequence[str]) -> None:
        """Embed, in one batch, a document's labels that the dictionary does not know in any section (and
        that are no section heading)."""
        unknown = [normalize(label) for label in labels if label and not is_heading_wording(label)
                   and self._dictionary.map(label, LabelContext(None)) is None and self._subtotal_of(label) is None]
        if unknown:
            self._embed(unknown)

    # -- the stage ----------------------------------------------------------------------------------
    def candidates(self, section: str | None, total: bool) -> np.ndarray:
        """Rows of the index a label in `section` is compared with."""
        index = self.index()
        if (section, total) not in index.groups:
            index.groups[section, total] = np.array(
                [i for i, e in enumerate(index.entries) if e.total == total and (
                    section is None or e.section in (section, "summary") or e.anywhere)], dtype=np.int64)
        return index.groups[section, total]

    def nearest(self, label: str, context: LabelContext) -> list[tuple[float, Entry]]:
        """The best wording of each key, closest first (for this stage and for measuring it)."""
        text = normalize(label)
        index = self._embed([text]) if text else None
        vector = index.labels.get(text) if index else None
        if vector is None:
            return []
        ids = self.candidates(context.section, _is_subtotal(text))
        if not len(ids):
            return []
        scores = index.vectors[ids] @ vector
        best: dict[str, tuple[float, Entry]] = {}
        for score, i in sorted(zip(scores.tolist(), ids.tolist(), strict=True), reverse=True):
            entry = index.entries[i]
            best.setdefault(entry.key, (score, entry))
        return sorted(best.values(), key=lambda pair: -pair[0])

    def _subtotal_of(self, label: str, context: LabelContext | None = None) -> LabelMatch | None:
        """"Total Utilities" subtotals a line the dictionary knows: that line's match (its key, not the nearest
        total's), found without the model."""
        norm = normalize(label)
        if not _is_subtotal(norm):
            return None
        rest = re.sub(r"^total |\btotal$", "", norm).strip()
        inner = self._dictionary.map(rest, context or LabelContext(None)) if rest else None
        return inner if inner and inner.canonical and inner.canonical not in TOTAL_KEYS else None

    def map(self, label: str, context: LabelContext) -> LabelMatch | None:
        if inner := self._subtotal_of(label, context):
            return LabelMatch(inner.canonical, inner.section, True, 0.8, self.name)
        ranked = self.nearest(label, context)
        if not ranked:
            return None
        score, entry = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else -1.0
        if score < self.threshold or score - runner_up < self.margin:
            return None
        return _match(entry.key, normalize(label), context.section or SECTION_OF[entry.key], round(score, 3), self.name)
