"""pgvector's `vector` type for psycopg 3: numpy arrays in (binary, for COPY) and out (text or binary).

A few lines instead of the `pgvector` package: binary COPY of float32 rows is the fast load path
(STACK.md), and the format is simple: int16 dimensions, int16 unused, then big-endian float4 values.
"""

from __future__ import annotations

import struct

import numpy as np
import psycopg
from psycopg.adapt import Dumper, Loader
from psycopg.pq import Format
from psycopg.types import TypeInfo

_HEADER = struct.Struct(">HH")


def to_text(vector: np.ndarray) -> str:
    """The text form ('[0.1,0.2,...]'), for a query parameter cast with ::vector."""
    return "[" + ",".join(repr(float(x)) for x in np.asarray(vector, dtype=np.float32)) + "]"


def _dump_binary(vector: np.ndarray) -> bytes:
    values = np.asarray(vector, dtype=">f4")
    if values.ndim != 1:
        raise ValueError(f"A vector must be one-dimensional (got shape {values.shape}).")
    return _HEADER.pack(values.shape[0], 0) + values.tobytes()


def _load_binary(data: bytes | memoryview) -> np.ndarray:
    dims, _ = _HEADER.unpack_from(data)
    return np.frombuffer(bytes(data), dtype=">f4", count=dims, offset=_HEADER.size).astype(np.float32)


def _load_text(data: bytes | memoryview) -> np.ndarray:
    return np.array(bytes(data).decode()[1:-1].split(","), dtype=np.float32)


def register_vector(conn: psycopg.Connection) -> None:
    """Teach this connection to send numpy arrays as `vector` and to read `vector` as numpy arrays."""
    info = TypeInfo.fetch(conn, "vector")
    if info is None:
        raise RuntimeError("The pgvector extension is missing: run `brainops migrate` on this database.")
    info.register(conn)

    class VectorBinaryDumper(Dumper):
        format = Format.BINARY
        oid = info.oid

        def dump(self, obj: np.ndarray) -> bytes:
            return _dump_binary(obj)

    class VectorTextLoader(Loader):
        def load(self, data: bytes | memoryview) -> np.ndarray:
            return _load_text(data)

    class VectorBinaryLoader(Loader):
        format = Format.BINARY

        def load(self, data: bytes | memoryview) -> np.ndarray:
            return _load_binary(data)

    conn.adapters.register_dumper(np.ndarray, VectorBinaryDumper)
    conn.adapters.register_loader(info.oid, VectorTextLoader)
    conn.adapters.register_loader(info.oid, VectorBinaryLoader)
