"""Chunking: heading paths, the word limit, overlap inside a section, and ids that only change with the text."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from pipelines.rag.chunking import chunk_markdown, chunk_plain, embedding_text
from pipelines.rag.documents import NOTION, Document
from pipelines.rag.index import plan_chunks
from tests.rag.conftest import sample_notion_pages

PAGE = """Intro paragraph about the warranty.

# Warranty

## Coverage

| Item | Term |
| --- | --- |
| Wind | 130 mph |

> Register within 90 days of completion.

## Transfer

One transfer is allowed when the home sells.

### Fees

There is no transfer fee.

---

```
# not a heading inside code
```
"""


def words(n: int, prefix: str = "w") -> str:
    return " ".join(f"{prefix}{i}" for i in range(n))


def test_sections_keep_their_heading_path() -> None:
    chunks = chunk_markdown(PAGE)
    paths = [c.heading_path for c in chunks]
    assert paths == [
        (),
        ("Warranty", "Coverage"),
        ("Warranty", "Transfer"),
        ("Warranty", "Transfer", "Fees"),
    ]
    assert chunks[1].heading == "Warranty > Coverage"
    assert "Register within 90 days" in chunks[1].content
    # A heading line inside a code fence is text; a horizontal rule carries nothing.
    assert "# not a heading inside code" in chunks[3].content
    assert "---\n" not in chunks[3].content.split("```")[0]
    assert [c.chunk_index for c in chunks] == [0, 1, 2, 3]


def test_long_sections_are_split_under_the_limit_with_overlap() -> None:
    paragraphs = "\n\n".join(words(70, f"p{n}_") for n in range(6))  # 420 words in one section
    chunks = chunk_markdown(f"## Long\n\n{paragraphs}", max_words=180, overlap_words=30)
    assert len(chunks) >= 3
    assert all(c.words <= 180 for c in chunks)
    assert all(c.heading_path == ("Long",) for c in chunks)
    for before, after in itertools.pairwise(chunks):
        tail = before.content.split()[-30:]
        assert after.content.split()[:30] == tail, "the next chunk starts with the end of the previous one"


def test_a_single_huge_paragraph_is_cut_by_sentences_then_words() -> None:
    sentence = words(25) + "."
    text = " ".join([sentence] * 20) + " " + words(400, "x")  # one paragraph, 900 words
    chunks = chunk_plain(text, max_words=180, overlap_words=20)
    assert all(c.words <= 180 for c in chunks)
    joined = " ".join(c.content for c in chunks)
    assert "x399" in joined and "w24." in joined


def test_plain_text_keeps_the_given_heading_path() -> None:
    chunks = chunk_plain("Page text.\n\nMore text.", heading_path=("Page 3",), first_index=5)
    assert [(c.chunk_index, c.heading_path, c.content) for c in chunks] == [
        (5, ("Page 3",), "Page text.\n\nMore text.")
    ]
    assert chunk_plain("   \n\n ") == []


def test_limits_are_checked() -> None:
    with pytest.raises(ValueError, match="at least 20 words"):
        chunk_markdown("text", max_words=5)
    with pytest.raises(ValueError, match="overlap"):
        chunk_markdown("text", max_words=100, overlap_words=60)


def test_embedding_text_reads_the_chunk_in_context() -> None:
    assert embedding_text("Title", ("A", "B"), "body") == "Title\nA > B\nbody"
    assert embedding_text(None, (), "body") == "body"


def test_ids_are_stable_and_change_only_with_the_text() -> None:
    doc = Document(NOTION, "page-1", "Warranty", PAGE, markdown=True)
    first = list(plan_chunks([doc], "model-a"))
    again = list(plan_chunks([doc], "model-a"))
    assert [r.chunk_id for r in first] == [r.chunk_id for r in again]
    assert len({r.chunk_id for r in first}) == len(first)

    edited = Document(
        NOTION, "page-1", "Warranty", PAGE.replace("no transfer fee", "a $50 transfer fee"), markdown=True
    )
    changed = {r.chunk_id for r in plan_chunks([edited], "model-a")} ^ {r.chunk_id for r in first}
    assert len(changed) == 2, "only the edited section's chunk is replaced"

    other_model = {r.chunk_id for r in plan_chunks([doc], "model-b")}
    assert other_model.isdisjoint(r.chunk_id for r in first)


def test_a_repeated_text_in_one_document_gets_distinct_ids() -> None:
    doc = Document(NOTION, "page-2", "T", "## A\n\nSame.\n\n## A\n\nSame.", markdown=True)
    rows = list(plan_chunks([doc], "m"))
    assert len(rows) == 2 and rows[0].content_hash == rows[1].content_hash
    assert rows[0].chunk_id != rows[1].chunk_id


def test_sample_pages_fit_the_model_window(sample_dir: Path) -> None:
    """Every chunk of the sample knowledge base, with its title and path, stays under MiniLM's 256 tokens."""
    from tokenizers import Tokenizer

    from pipelines.rag.minilm_onnx import TOKENIZER

    tokenizer = Tokenizer.from_file(str(TOKENIZER))  # no truncation: the full length is what is checked
    docs = [Document(NOTION, p["id"], p["title"], p["text"], markdown=True) for p in sample_notion_pages(sample_dir)]
    rows = list(plan_chunks(docs, "m"))
    assert rows
    assert max(len(r.content.split()) for r in rows) <= 180
    assert max(len(tokenizer.encode(r.text).ids) for r in rows) <= 256
