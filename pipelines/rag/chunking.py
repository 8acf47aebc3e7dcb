"""Split documents into chunks small enough for the embedding model to read whole.

all-MiniLM-L6-v2 silently truncates past 256 tokens (~190 words, STACK.md), so a chunk holds at most
`max_words` words of content (180 by default) and its title and heading path are prepended when it is
embedded. Markdown-ish text (Notion's rendered pages) is split by heading sections first, so an edit
re-chunks only its own section and every chunk knows where it sits ("Coverage > Wind"); inside a
section, paragraphs, lists and tables are packed whole while they fit, and a chunk that continues a
section repeats the last few words of the previous one (`overlap_words`) so a sentence cut at the
boundary is still findable. Plain text (IES pages, job notes) goes through the same packer without
the section split.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

MAX_WORDS = 180
OVERLAP_WORDS = 30
HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")  # unindented only: indented ones are nested in lists
FENCE = re.compile(r"^\s*```")
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
DIVIDER = re.compile(r"^\s*([-*_])\1{2,}\s*$")  # a horizontal rule carries no text
PATH_SEPARATOR = " > "


@dataclass(frozen=True)
class Chunk:
    chunk_index: int
    heading_path: tuple[str, ...]
    content: str

    @property
    def heading(self) -> str:
        return PATH_SEPARATOR.join(self.heading_path)

    @property
    def words(self) -> int:
        return count_words(self.content)


def count_words(text: str) -> int:
    return len(text.split())


def embedding_text(title: str | None, heading_path: Sequence[str], content: str) -> str:
    """What gets embedded (and hashed): the chunk read in context, since a section alone ("Wind: 130 mph")
    does not say which page it belongs to."""
    parts = [title or "", PATH_SEPARATOR.join(heading_path), content]
    return "\n".join(p for p in parts if p)


def chunk_markdown(text: str, *, max_words: int = MAX_WORDS, overlap_words: int = OVERLAP_WORDS) -> list[Chunk]:
    """Chunks of markdown-ish text, one or more per heading section, in reading order."""
    _check_limits(max_words, overlap_words)
    chunks: list[Chunk] = []
    for path, body in _sections(text):
        for content in _pack(_units(body), max_words, overlap_words):
            chunks.append(Chunk(len(chunks), path, content))
    return chunks


def chunk_plain(
    text: str,
    *,
    heading_path: Sequence[str] = (),
    max_words: int = MAX_WORDS,
    overlap_words: int = OVERLAP_WORDS,
    first_index: int = 0,
) -> list[Chunk]:
    """Chunks of plain text (paragraphs separated by blank lines), e.g. an IES page or a job's notes."""
    _check_limits(max_words, overlap_words)
    path = tuple(heading_path)
    return [
        Chunk(first_index + i, path, content)
        for i, content in enumerate(_pack(_units(text.splitlines()), max_words, overlap_words))
    ]


def _check_limits(max_words: int, overlap_words: int) -> None:
    if max_words < 20:
        raise ValueError(f"A chunk must allow at least 20 words (got max_words={max_words}).")
    if not 0 <= overlap_words < max_words // 2:
        raise ValueError(f"The overlap must be between 0 and half a chunk (got {overlap_words} of {max_words}).")


def _sections(text: str) -> Iterator[tuple[tuple[str, ...], list[str]]]:
    """(heading path, body lines) per section; text before the first heading has an empty path."""
    stack: list[tuple[int, str]] = []
    body: list[str] = []
    in_fence = False
    for line in text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else HEADING.match(line)
        if match is None:
            body.append(line)
            continue
        yield tuple(title for _, title in stack), body
        level = len(match.group(1))
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, match.group(2)))
        body = []
    yield tuple(title for _, title in stack), body


def _units(lines: Sequence[str]) -> list[str]:
    """Blocks separated by blank lines (a paragraph, a whole list, a whole table); fenced code stays whole."""
    units: list[str] = []
    current: list[str] = []
    in_fence = False
    for line in lines:
        if FENCE.match(line):
            in_fence = not in_fence
        if not line.strip() and not in_fence:
            if current:
                units.append("\n".join(current))
            current = []
        else:
            current.append(line.rstrip())
    if current:
        units.append("\n".join(current))
    return [u for u in units if not DIVIDER.match(u)]


def _pieces(unit: str, max_words: int) -> list[str]:
    """A unit no longer than max_words, or the unit cut at lines, then sentences, then words."""
    if count_words(unit) <= max_words:
        return [unit]
    for parts, joiner in ((unit.split("\n"), "\n"), (SENTENCE_END.split(unit), " ")):
        if len(parts) > 1:
            pieces: list[str] = []
            current: list[str] = []
            for part in parts:
                if current and count_words(joiner.join([*current, part])) > max_words:
                    pieces.append(joiner.join(current))
                    current = []
                current.append(part)
            pieces.append(joiner.join(current))
            return [small for piece in pieces for small in _pieces(piece, max_words)]
    words = unit.split()
    return [" ".join(words[i : i + max_words]) for i in range(0, len(words), max_words)]


def _tail(text: str, words: int) -> str:
    """The last `words` words of a chunk (line breaks folded: it is context, not structure)."""
    return " ".join(text.split()[-words:]) if words > 0 else ""


def _pack(units: Sequence[str], max_words: int, overlap_words: int) -> list[str]:
    """Greedy packing of whole units into chunks of at most max_words, with overlap between chunks."""
    pieces = [piece for unit in units for piece in _pieces(unit, max_words)]
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for piece in pieces:
        n = count_words(piece)
        if current and size + n > max_words:
            chunks.append("\n\n".join(current))
            # The overlap never pushes the next chunk past the limit: it shrinks to what fits.
            carried = _tail(chunks[-1], min(overlap_words, max_words - n))
            current, size = ([carried], count_words(carried)) if carried else ([], 0)
        current.append(piece)
        size += n
    if current and any(p.strip() for p in current):
        chunks.append("\n\n".join(current))
    return [c for c in chunks if c.strip()]
