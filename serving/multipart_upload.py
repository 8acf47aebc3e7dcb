"""Receive one file from a multipart/form-data request body as it streams in: straight to a temp file
in the upload store, hashed on the way, and cut off (413) the moment it passes the size limit, so a
large or endless body never sits in memory or fills the disk."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header

from pipelines.ies.uploads import TooLarge, UploadRejected, UploadStore, too_large_message

FORM_OVERHEAD_BYTES = 64 * 1024  # boundaries, part headers and small fields around the file


class NotMultipart(UploadRejected):
    pass


class NoFileField(UploadRejected):
    pass


@dataclass(frozen=True)
class ReceivedFile:
    temp_path: Path
    filename: str
    size_bytes: int
    sha256: str


class _FilePart:
    """python-multipart callbacks: the part named `field` goes to `out`, every other part is dropped."""

    def __init__(self, field: str, out, limit: int) -> None:
        self.field, self.out, self.limit = field, out, limit
        self.header_field, self.header_value = bytearray(), bytearray()
        self.headers: dict[bytes, bytes] = {}
        self.in_file = False
        self.found: str | None = None  # the file name, once the file part began
        self.size = 0
        self.digest = hashlib.sha256()

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": lambda data, start, end: self.header_field.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self.header_value.extend(data[start:end]),
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self.headers, self.in_file = {}, False

    def header_end(self) -> None:
        self.headers[bytes(self.header_field).lower()] = bytes(self.header_value)
        self.header_field.clear()
        self.header_value.clear()

    def headers_finished(self) -> None:
        _disposition, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if name == self.field and b"filename" in options and self.found is None:
            self.in_file = True
            self.found = options[b"filename"].decode("utf-8", "replace")

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if not self.in_file:
            return
        chunk = data[start:end]
        self.size += len(chunk)
        if self.size > self.limit:
            raise TooLarge(too_large_message())
        self.digest.update(chunk)
        self.out.write(chunk)

    def part_end(self) -> None:
        self.in_file = False


async def receive_file(request: Request, *, store: UploadStore, limit: int, field: str = "file") -> ReceivedFile:
    """The `field` file of a multipart body, in a temp file of the store (the caller moves or deletes it)."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise NotMultipart(f"Send the statement as multipart/form-data with the file in a field named `{field}` "
                           f"(curl -F '{field}=@statement.pdf').")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + FORM_OVERHEAD_BYTES:
        raise TooLarge(too_large_message(int(declared)))

    fd, temp = store.new_temp()
    try:
        with os.fdopen(fd, "wb") as out:
            part = _FilePart(field, out, limit)
            parser = MultipartParser(boundary, part.callbacks())
            received = 0
            async for chunk in request.stream():
                received += len(chunk)
                if received > limit + FORM_OVERHEAD_BYTES:
                    raise TooLarge(too_large_message())
                parser.write(chunk)
            parser.finalize()
        if part.found is None:
            raise NoFileField(f"No file in the form: send the statement in a multipart field named `{field}` "
                              f"(curl -F '{field}=@statement.pdf').")
        return ReceivedFile(temp, part.found, part.size, part.digest.hexdigest())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
