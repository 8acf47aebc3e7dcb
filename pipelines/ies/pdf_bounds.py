"""A PDF's compressed streams, inflated a megabyte at a time and counted before pdfminer or pdfium
decodes any whole: together (images aside) they may unpack to IES_MAX_UNCOMPRESSED_MB. A 200 KB PDF
can hold a page whose content stream inflates to 200 MB, which pdfminer inflates in one piece and
then tokenizes.

The file is scanned for its `stream` keywords rather than parsed, so object streams and cross-reference
streams (which pdfminer decodes as it opens the file) count too, and a damaged stream counts as far as
it inflates, as pdfminer reads it. Images are left to IES_MAX_IMAGE_PIXELS: pdfminer never decodes them,
and pdfium decodes only the width x height they declare. Not counted: flate behind another filter
(ASCIIHex, ASCII85) and LZW, rare in statements; the page and time limits still apply to them."""

from __future__ import annotations

import re
import zlib

from pipelines.ies.limits import DocumentLimitExceeded, SizeLimits, megabytes

CHUNK = 1 << 20
_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_DICTIONARY_REACH = 65_536  # how far back from `stream` its object's dictionary may start


def check_streams(data: bytes, limits: SizeLimits) -> None:
    """Raise DocumentLimitExceeded once the PDF's streams, images aside, inflate past the limit."""
    left = limits.uncompressed_bytes
    for match in _STREAM.finditer(data):
        if _is_image(data, match.start()):
            continue
        left -= inflated_size(data, match.end(), left + 1)
        if left < 0:
            raise DocumentLimitExceeded(
                f"The PDF's compressed contents unpack to more than {megabytes(limits.uncompressed_bytes)} "
                "(IES_MAX_UNCOMPRESSED_MB; images aside), where a statement's pages hold a few hundred KB: the file "
                "is damaged or built to exhaust memory. Print or export the statement to a new PDF and upload "
                "that, or raise the limit and re-run the document.")


def _is_image(data: bytes, at: int) -> bool:
    """The dictionary before `stream` (from its object's `obj`) says /Subtype /Image."""
    start = data.rfind(b"obj", max(0, at - _DICTIONARY_REACH), at)
    return _IMAGE.search(data, max(start, 0, at - _DICTIONARY_REACH), at) is not None


def inflated_size(data: bytes, start: int, cap: int) -> int:
    """Bytes the zlib stream at `start` inflates to, counted up to `cap` (0 when it is no zlib stream)."""
    inflater = zlib.decompressobj()
    size, position = 0, start
    try:
        while size < cap and not inflater.eof:
            chunk = inflater.unconsumed_tail
            if not chunk:
                chunk = data[position:position + CHUNK]
                position += len(chunk)
                if not chunk:
                    break
            size += len(inflater.decompress(chunk, min(CHUNK, cap - size)))
    except zlib.error:  # no zlib stream (another filter, or none), or damaged from here on
        pass
    return size
