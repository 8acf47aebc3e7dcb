"""Hostile uploads for the IES extractor's resource bounds: small files that unpack, decode or render
to something huge. Generated in memory a chunk at a time, so making a bomb never allocates what it
would unpack to. Used by tests/ies/test_bounds.py and bench/ies_memory.py.

- xlsx_bomb: a workbook whose one sheet is a huge repetitive XML (the issue's finding: ~190 KB that
  unpacks to ~49 MB of sheet XML, 2.3 million cells);
- xlsx_lying_member: a workbook whose sheet part declares a small size in the zip directory but
  inflates to megabytes;
- xlsx_far_cells: two cells, A1 and XFD1048576 (the last cell of a sheet), with or without the
  <dimension> element that declares that range: a reader that pads rows allocates 17 billion cells;
- csv_wide: a CSV that is one line of separators;
- pdf_huge_image: a page holding one embedded image of width x height pixels (flate-compressed, all white);
- pdf_huge_page: a scanned-looking page (an image, no text) on a page of the size PDF allows at most
  (200 x 200 inches): rendered for OCR at 300 dpi it is 3.6 billion pixels;
- pdf_content_bomb: a page whose content stream inflates to hundreds of megabytes of blanks.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _with_sheet(chunks: Iterable[bytes]) -> bytes:
    """A workbook openpyxl wrote (one sheet, 'P&L'), its sheet part replaced by `chunks`."""
    wb = Workbook()
    wb.active.title = "P&L"
    wb.active["A1"] = "Income Statement"
    template = io.BytesIO()
    wb.save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename == SHEET:
                with dst.open(SHEET, "w") as sheet:
                    for chunk in chunks:
                        sheet.write(chunk)
            else:
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


def _repetitive_rows(rows: int, cols: int) -> Iterator[bytes]:
    yield _SHEET_HEAD + b"<sheetData>"
    row = b"<row>" + b'<c t="n"><v>1</v></c>' * cols + b"</row>"
    for _ in range(0, rows, 1000):
        yield row * 1000
    yield b"</sheetData></worksheet>"


def xlsx_bomb(rows: int = 113_000, cols: int = 20) -> bytes:
    """The finding's shape: ~190 KB on disk, ~49 MB of sheet XML, rows x cols cells of the number 1."""
    return _with_sheet(_repetitive_rows(rows, cols))


def xlsx_lying_member(rows: int = 20_000, cols: int = 20, claimed: int = 2_000) -> bytes:
    """A workbook whose sheet part says (in its local header and the central directory) that it
    unpacks to `claimed` bytes while its data inflates to megabytes."""
    data = bytearray(_with_sheet(_repetitive_rows(rows, cols)))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        local = archive.getinfo(SHEET).header_offset
    # the uncompressed size: at offset 22 of the local file header, 24 of the central directory entry
    struct.pack_into("<I", data, local + 22, claimed)
    struct.pack_into("<I", data, _central_entry(data, SHEET.encode()) + 24, claimed)
    return bytes(data)


def _central_entry(data: bytearray, name: bytes) -> int:
    start = 0
    while True:
        at = data.index(b"PK\x01\x02", start)
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + length] == name:
            return at
        start = at + 4


def xlsx_far_cells(*, declare_dimension: bool) -> bytes:
    """A1 holds a title, XFD1048576 a figure: two cells spanning the largest sheet Excel allows."""
    dimension = b'<dimension ref="A1:XFD1048576"/>' if declare_dimension else b""
    return _with_sheet([_SHEET_HEAD, dimension,
                        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Income Statement</t></is></c></row>'
                        b'<row r="1048576"><c r="XFD1048576"><v>2025</v></c></row></sheetData></worksheet>'])


def xlsx_declared_only(ref: str = "A1:XFD1048576") -> bytes:
    """A small, ordinary sheet whose <dimension> claims the whole grid."""
    return _with_sheet([_SHEET_HEAD, f'<dimension ref="{ref}"/>'.encode(),
                        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Income Statement</t></is></c>'
                        b'</row></sheetData></worksheet>'])


def csv_wide(cells: int = 12_000_000) -> bytes:
    """A title line, then one line of `cells` empty cells (what 12 MB of commas is to a CSV reader)."""
    return b"Account,2025\n" + b"," * (cells - 1) + b"\n"


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF file of the numbered objects (1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _deflated(byte: bytes, size: int) -> bytes:
    """`size` times `byte`, deflated a 4 MB block at a time."""
    packer = zlib.compressobj(9)
    block = byte * (1 << 22)
    out, left = [], size
    while left:
        chunk = block[:min(left, len(block))]
        out.append(packer.compress(chunk))
        left -= len(chunk)
    out.append(packer.flush())
    return b"".join(out)


def _image_page(page_w: float, page_h: float, image_w: int, image_h: int) -> bytes:
    image = _stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                    b"/BitsPerComponent 8 /Filter /FlateDecode" % (image_w, image_h),
                    _deflated(b"\xff", image_w * image_h))  # white
    content = b"q %g 0 0 %g 0 0 cm /Im0 Do Q" % (page_w, page_h)
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /XObject << /Im0 5 0 R >> >> "
        b"/Contents 4 0 R >>" % (page_w, page_h),
        _stream(b"", content),
        image,
    ])


def pdf_huge_image(width: int = 20_000, height: int = 20_000) -> bytes:
    """A letter page (no text) showing one embedded width x height gray image: 400 million pixels by
    default, ~400 KB on disk."""
    return _image_page(612, 792, width, height)


def pdf_huge_page(side_points: float = 14_400) -> bytes:
    """A scanned-looking page (a 100 x 100 image, no text) on a side x side page (14,400 pt = 200 in, the
    most PDF allows)."""
    return _image_page(side_points, side_points, 100, 100)


def pdf_content_bomb(unpacked: int = 200 * 1024 * 1024) -> bytes:
    """A letter page whose content stream is `unpacked` bytes of blanks: ~200 KB on disk by default."""
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        _stream(b"/Filter /FlateDecode", _deflated(b" ", unpacked)),
    ])
