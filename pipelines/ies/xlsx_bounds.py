"""An XLSX's size, checked before openpyxl opens it: an XLSX is a zip archive, and a 190 KB one can
unpack to 49 MB of sheet XML that openpyxl turns into gigabytes of cells.

1. The zip directory (nothing inflated): the number of parts, their unpacked size together, and the
   compression ratio of every part large enough to matter, against SizeLimits.
2. Every part inflated a megabyte at a time (never whole): a part that inflates to more than its
   directory entry declares is refused (zipfile would silently cut it short). Sheets are scanned as they
   inflate, with expat: the grid the reader will build (last row x last column, as rows are padded), the
   range a <dimension> element declares, and the shared strings, against IES_MAX_CELLS. The scan stops
   at the first limit passed, so a bomb costs milliseconds and a megabyte."""

from __future__ import annotations

import copy
import io
import re
import zipfile
import zlib
from pyexpat import ExpatError, ParserCreate

from pipelines.ies.limits import DocumentLimitExceeded, SizeLimits, megabytes
from pipelines.ies.table import UnreadableFile

CHUNK = 1 << 20
# Small parts compress far better than data (styles, an empty sheet: 200x and more); only large parts
# can hurt, so only they are held to the ratio (Apache POI does the same below 100 KB).
RATIO_GRACE_BYTES = 1 << 20
_SPREADSHEETML = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                  "http://purl.oclc.org/ooxml/spreadsheetml/main")
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
WHAT_TO_DO = ("Copy the statement's rows into a new workbook (or export the sheet as CSV) and upload that, "
              "or raise the limit and re-run the document.")


def check_workbook(data: bytes, limits: SizeLimits) -> None:
    """Raise DocumentLimitExceeded (the reason says which limit, by how much, and what to do) or
    UnreadableFile (not a zip archive); return when the workbook is safe to open."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFile(f"The workbook cannot be opened ({exc}); save it again as .xlsx and upload it.") from exc
    with archive:
        infos = archive.infolist()
        check_directory(infos, limits, archive)
        cells = _Cells(limits.cells, archive)
        for info in infos:
            _inflate(archive, info, cells)


def check_directory(infos: list[zipfile.ZipInfo], limits: SizeLimits, archive: zipfile.ZipFile) -> None:
    if len(infos) > limits.zip_members:
        raise DocumentLimitExceeded(
            f"The workbook holds {len(infos):,} parts, more than the {limits.zip_members:,} a workbook may have "
            f"(IES_MAX_ZIP_MEMBERS). {WHAT_TO_DO}")
    total = sum(info.file_size for info in infos)
    if total > limits.uncompressed_bytes:
        biggest = max(infos, key=lambda info: info.file_size)
        raise DocumentLimitExceeded(
            f"The workbook unpacks to {megabytes(total)} ({_part(biggest.filename, archive)} alone "
            f"{megabytes(biggest.file_size)}), more than the {megabytes(limits.uncompressed_bytes)} limit "
            f"(IES_MAX_UNCOMPRESSED_MB). {WHAT_TO_DO}")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_GRACE_BYTES and ratio > limits.compression_ratio:
            raise DocumentLimitExceeded(
                f"The workbook's {_part(info.filename, archive)} unpacks from {megabytes(info.compress_size)} to "
                f"{megabytes(info.file_size)}, {ratio:,.0f} times its packed size, more than the "
                f"{limits.compression_ratio:g}x limit (IES_MAX_COMPRESSION_RATIO): a file built to exhaust memory, "
                f"or a sheet padded with masses of empty or repeated cells. {WHAT_TO_DO}")


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cells: _Cells) -> None:
    """Inflate one part a chunk at a time, scanning it if it is SpreadsheetML; refuse it when it holds
    more than its directory entry declares."""
    probe = copy.copy(info)
    probe.file_size = info.file_size + 1  # zipfile stops at the declared size: ask for one byte more
    probe.CRC = None  # zipfile would check it at that byte, before the overrun shows: checked below instead
    scan = _SheetScan(info.filename, cells)
    real = crc = 0
    try:
        with archive.open(probe) as part:
            while chunk := part.read(CHUNK):
                real += len(chunk)
                if real > info.file_size:
                    raise DocumentLimitExceeded(
                        f"The workbook's {_part(info.filename, archive)} declares {info.file_size:,} bytes in the "
                        "archive's directory but unpacks to more: the file is damaged or built to exhaust memory. "
                        "Save the statement again as a new .xlsx (or CSV) and upload that.")
                crc = zlib.crc32(chunk, crc)
                scan.feed(chunk)
        scan.close()
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error) as exc:
        raise UnreadableFile(f"The workbook cannot be opened ({exc}); save it again as .xlsx and upload it.") from exc
    if real != info.file_size or crc != info.CRC:
        raise UnreadableFile(f"The workbook's {_part(info.filename, archive)} is damaged (its size or checksum does "
                             "not match the archive's directory); save the statement again as .xlsx and upload it.")


class _Cells:
    """The cell budget shared by all the sheets of a workbook (the reader keeps every sheet's grid)."""

    def __init__(self, limit: int, archive: zipfile.ZipFile) -> None:
        self.limit, self.archive, self.spent = limit, archive, 0

    def check(self, name: str, cells: int, what: str) -> None:
        if self.spent + cells > self.limit:
            raise DocumentLimitExceeded(
                f"The workbook's {_part(name, self.archive)} {what}, more than the {self.limit:,}-cell limit "
                f"(IES_MAX_CELLS). {WHAT_TO_DO}")


class _SheetScan:
    """Expat over one part as it inflates: rows, cells, <dimension> and shared strings counted with O(1)
    memory. A part that is no XML (an image) or is malformed is left alone: openpyxl judges it."""

    def __init__(self, name: str, cells: _Cells) -> None:
        self.name, self.cells = name, cells
        self.rows = self.row = self.column = self.columns = self.strings = 0
        self.parser = ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self._start
        self.parser.EntityDeclHandler = self._entity
        self.broken = False

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if self.broken:
            return
        try:
            self.parser.Parse(chunk, final)
        except ExpatError:
            self.broken = True

    def close(self) -> None:
        self.feed(b"", final=True)
        self.cells.spent += self.rows * max(self.columns, 1) if self.rows else 0

    def _entity(self, *_args: object) -> None:
        raise UnreadableFile("The workbook declares XML entities, which no spreadsheet program writes (they can "
                             "expand a small file into a huge one); save the statement again as .xlsx and upload it.")

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if namespace not in _SPREADSHEETML:
            return
        if local == "c":
            at = _REF.match(attrs.get("r", ""))
            self.column = _column_number(at[1]) if at else self.column + 1
            if self.column > self.columns:
                self.columns = self.column
                self._check_grid()
        elif local == "row":
            self.row = int(attrs["r"]) if attrs.get("r", "").isdigit() else self.row + 1
            self.column = 0
            if self.row > self.rows:
                self.rows = self.row
                self._check_grid()
        elif local == "dimension":
            self._check_dimension(attrs.get("ref", ""))
        elif local == "si":
            self.strings += 1
            if self.strings > self.cells.limit:
                self.cells.check(self.name, self.strings, f"holds more than {self.cells.limit:,} shared strings")

    def _check_grid(self) -> None:
        grid = self.rows * max(self.columns, 1)
        if self.cells.spent + grid > self.cells.limit:
            self.cells.check(self.name, grid, f"reaches row {self.rows:,} and column {_column_letters(self.columns)}: "
                                              f"a grid of {grid:,} cells or more")

    def _check_dimension(self, ref: str) -> None:
        last = _REF.match(ref.rpartition(":")[2])
        if last:
            declared = int(last[2]) * _column_number(last[1])
            self.cells.check(self.name, declared, f"declares the range {ref} ({declared:,} cells)")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


def _part(name: str, archive: zipfile.ZipFile) -> str:
    """"sheet 'P&L'" for a worksheet part, else "part xl/...": what a user recognises, when it can be told."""
    title = _sheet_titles(archive).get(name)
    return f"sheet '{title}'" if title is not None else f"part {name}"


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> sheet title, from the workbook's own index (only read to word a refusal)."""
    from openpyxl.reader.workbook import WorkbookParser

    try:
        parser = WorkbookParser(archive, "xl/workbook.xml")
        parser.parse()
        return {rel.target.lstrip("/"): sheet.name for sheet, rel in parser.find_sheets()}
    except Exception:  # a damaged index: the part's name will do
        return {}
