"""Who may read what: the platform's read rules, in one place.

Every path that hands data to a caller goes through these rules: the IES routes and their exports, the
upload list, search, both chat endpoints (what retrieval finds, and so what a language model is sent),
and the analytics routes. A path never re-states a rule; it asks this module.

- Staff (roles `admin` and `analyst`) read everything: every applicant's documents, the analytics marts,
  and the internal knowledge (Notion pages, CenterPoint job notes).
- An `applicant` reads only what it owns: its own IES documents, and the search chunks made from them.
  Internal knowledge is staff content; an applicant never retrieves it.

Ownership is by *principal*: a user's principal key row (app.api_keys kind 'user') whichever of their
keys or tokens they came with, else the API key itself. Documents nobody uploaded through the API (the
landing dir, the sample business) have no owner: staff only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import sql

STAFF_ROLES = ("admin", "analyst")
ROLES = ("admin", "analyst", "applicant")

# rag.chunks.visibility: who besides staff may retrieve a chunk.
STAFF_ONLY = "staff"  # internal knowledge: Notion pages, CenterPoint notes
OWNER = "owner"  # an applicant's own material (IES documents): its owner and staff
VISIBILITIES = (STAFF_ONLY, OWNER)


@dataclass(frozen=True)
class Reader:
    """The caller as the read rules see it."""

    principal_id: int | None
    role: str

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


# Internal tools that search as the platform's staff would (benchmarks, scripts run by operators).
STAFF_TOOL = Reader(principal_id=None, role="analyst")


def may_read_owned(reader: Reader, owner_id: int | None) -> bool:
    """A document (or anything else with an owner): staff, or its owner."""
    return reader.is_staff or (owner_id is not None and owner_id == reader.principal_id)


def may_read_analytics(reader: Reader) -> bool:
    """The marts, customers and internal knowledge are staff content."""
    return reader.is_staff


def uploads_filter(reader: Reader, alias: str = "u") -> tuple[sql.Composable, dict[str, Any]]:
    """A WHERE condition on app.uploads (as `alias`) that keeps the documents the reader may read."""
    if reader.is_staff:
        return sql.SQL("true"), {}
    return (sql.SQL("{} = %(reader_principal_id)s").format(sql.Identifier(alias, "owner_id")),
            {"reader_principal_id": reader.principal_id})


def chunks_condition(*, staff: bool) -> sql.Composable:
    """An AND-condition on rag.chunks (unqualified columns) that keeps what a reader may retrieve, with the
    parameters of chunks_params. Empty for staff. For anyone else, only chunks of their own material: applied
    inside each retrieval branch before ranking, so nothing they may not read is ever a candidate. Composed
    per kind of reader (not per reader), so statements can be cached."""
    if staff:
        return sql.SQL("")
    return sql.SQL(" AND visibility = {} AND owner_id = %(reader_principal_id)s").format(sql.Literal(OWNER))


def chunks_params(reader: Reader) -> dict[str, Any]:
    return {} if reader.is_staff else {"reader_principal_id": reader.principal_id}


def chunks_filter(reader: Reader) -> tuple[sql.Composable, dict[str, Any]]:
    """chunks_condition and chunks_params for one reader."""
    return chunks_condition(staff=reader.is_staff), chunks_params(reader)
