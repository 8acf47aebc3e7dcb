"""The list envelope every list endpoint answers with: {"items", "total", "next"}."""

from __future__ import annotations

from typing import Generic, TypeVar

from fastapi import Request
from pydantic import BaseModel

from serving.urls import this_url

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    next: str | None


def next_url(request: Request, *, offset: int, limit: int, total: int) -> str | None:
    if offset + limit >= total:
        return None
    return this_url(request, offset=offset + limit, limit=limit)
