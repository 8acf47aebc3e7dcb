"""Per-document limits, so one upload cannot hold a worker: a time limit checked between pages and
stages (IES_DOCUMENT_TIMEOUT_SECONDS), a page limit checked before any page is read (IES_MAX_PAGES),
and size limits checked before anything is unpacked, decoded or rendered (SizeLimits: a small file
must not become a huge one in memory). A document over any ends `failed` with a reason naming the
limit and its variable."""

from __future__ import annotations

import time
from dataclasses import dataclass

from brainops.env_file import setting

DEFAULT_TIMEOUT_SECONDS = 120.0
DEFAULT_MAX_PAGES = 100
# A statement's workbook unpacks to a few hundred KB and holds a few thousand cells: the limits leave
# room for far larger. Pixels: a letter page scanned at 600 dpi embeds a 34-million-pixel image (decoded:
# 1-4 bytes a pixel); OCR renders pages at 300 dpi, 8.4 million pixels for letter, 17 for tabloid, and
# then needs ~40 bytes a pixel (bench/ies_memory.py), hence the smaller page limit.
DEFAULT_MAX_UNCOMPRESSED_MB = 50.0
DEFAULT_MAX_COMPRESSION_RATIO = 100.0  # Apache POI's zip-bomb threshold too
DEFAULT_MAX_ZIP_MEMBERS = 1_000
DEFAULT_MAX_CELLS = 1_000_000
DEFAULT_MAX_IMAGE_PIXELS = 50_000_000
DEFAULT_MAX_PAGE_PIXELS = 20_000_000


class DocumentLimitExceeded(Exception):
    """The document is over a per-document limit; the message says which and what to do."""


def _setting(env: str, attribute: str, default: float, unit: str) -> float:
    # The environment first (tests and the daemon set it), then .env (as Settings reads it; `attribute` names
    # the field documented there).
    raw = setting(env)
    try:
        value = float(raw) if raw not in (None, "") else default
    except ValueError as exc:
        raise ValueError(f"{env}={raw!r} is not a number; set it to a number of {unit}, or unset it.") from exc
    return value if value > 0 else default


def timeout_seconds() -> float:
    return _setting("IES_DOCUMENT_TIMEOUT_SECONDS", "ies_document_timeout_seconds", DEFAULT_TIMEOUT_SECONDS,
                    "seconds")


def max_pages() -> int:
    return int(_setting("IES_MAX_PAGES", "ies_max_pages", DEFAULT_MAX_PAGES, "pages"))


@dataclass
class Deadline:
    """When the extraction of one document must stop, and its page limit."""

    seconds: float
    pages: int
    started: float = 0.0

    def __post_init__(self) -> None:
        self.started = self.started or time.monotonic()

    @classmethod
    def from_env(cls) -> Deadline:
        return cls(timeout_seconds(), max_pages())

    def check(self, where: str) -> None:
        """Raise DocumentLimitExceeded once the time is up; `where` says what was being done."""
        if time.monotonic() - self.started > self.seconds:
            raise DocumentLimitExceeded(
                f"Extraction stopped {where}: the document took longer than the {self.seconds:g} s per-document "
                "limit (IES_DOCUMENT_TIMEOUT_SECONDS). Upload the statement alone (not a whole bundle of "
                "documents), or raise the limit and re-run the document.")

    def check_pages(self, count: int) -> None:
        if count > self.pages:
            raise DocumentLimitExceeded(
                f"The PDF has {count} pages, more than the {self.pages}-page limit for one statement "
                "(IES_MAX_PAGES). Upload the income & expense statement pages alone, or raise the limit and "
                "re-run the document.")


@dataclass(frozen=True)
class SizeLimits:
    """How large one document may become in memory, checked before it is unpacked, decoded or rendered."""

    uncompressed_bytes: int  # an XLSX's parts, or a PDF's streams but images, unpacked, together
    compression_ratio: float  # unpacked / packed size of any part over RATIO_GRACE_BYTES
    zip_members: int  # parts in an XLSX
    cells: int  # cells of a workbook's sheets (padded as a grid) or of a CSV; shared strings too
    image_pixels: int  # an image embedded in a PDF
    page_pixels: int  # a PDF page rendered for OCR

    @classmethod
    def from_env(cls) -> SizeLimits:
        return cls(
            uncompressed_bytes=int(_setting("IES_MAX_UNCOMPRESSED_MB", "ies_max_uncompressed_mb",
                                            DEFAULT_MAX_UNCOMPRESSED_MB, "megabytes") * 1024 * 1024),
            compression_ratio=_setting("IES_MAX_COMPRESSION_RATIO", "ies_max_compression_ratio",
                                       DEFAULT_MAX_COMPRESSION_RATIO, "times the packed size"),
            zip_members=int(_setting("IES_MAX_ZIP_MEMBERS", "ies_max_zip_members", DEFAULT_MAX_ZIP_MEMBERS,
                                     "parts")),
            cells=int(_setting("IES_MAX_CELLS", "ies_max_cells", DEFAULT_MAX_CELLS, "cells")),
            image_pixels=int(_setting("IES_MAX_IMAGE_PIXELS", "ies_max_image_pixels", DEFAULT_MAX_IMAGE_PIXELS,
                                      "pixels")),
            page_pixels=int(_setting("IES_MAX_PAGE_PIXELS", "ies_max_page_pixels", DEFAULT_MAX_PAGE_PIXELS,
                                     "pixels")),
        )


def megabytes(n: float) -> str:
    return f"{n / (1024 * 1024):,.1f} MB"
