"""What a file is, judged by its bytes (magic numbers), never by its name: uploads get renamed."""

from __future__ import annotations

import io
import zipfile


def file_kind(data: bytes) -> str:
    """'pdf', 'xlsx', 'csv', or why not: 'xls', 'zip', 'image', 'empty', 'binary'."""
    if not data.strip():
        return "empty"
    if b"%PDF-" in data[:1024]:  # the header may follow a few junk bytes
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "binary"
        return "xlsx" if "xl/workbook.xml" in names else "zip"
    if data.startswith(IMAGE_MAGIC) or (data.startswith(b"RIFF") and data[8:12] == b"WEBP"):
        return "image"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"  # OLE2: legacy Excel (or Word)
    return "csv" if _looks_like_text(data[:65536]) else "binary"


# PNG, JPEG, GIF, TIFF (both byte orders): a photo or scan saved as a picture. (Not BMP's "BM": a CSV
# could start with those two letters.)
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = sample.decode("cp1252", errors="replace")
    if not text:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable / len(text) > 0.97 and any(sep in text for sep in (",", ";", "\t"))


REASONS = {
    "empty": "The file is empty; upload the statement again.",
    "xls": "Legacy .xls workbooks are not supported; open it in Excel, save it as .xlsx (or CSV) and upload that.",
    "zip": "The file is a ZIP archive, not an XLSX workbook; extract the statement and upload it alone.",
    "image": "The file is a picture (an image such as PNG or JPEG), not a statement, whatever its name says; "
             "scan or print the statement to a PDF and upload that.",
    "binary": "The file is not a PDF, XLSX or CSV statement; upload one of those formats.",
}
