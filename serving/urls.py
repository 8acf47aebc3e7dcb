"""Absolute URLs the API sends back (Location, status_url, *_url fields, `next` links), built on PUBLIC_URL.

Never on the request's Host header: a client (or anyone who can put a link in front of a user) choosing the
host would choose where our links point.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from brainops.settings import Settings, get_settings


def public_base(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return (settings.public_url or f"http://127.0.0.1:{settings.api_port}").rstrip("/")


def url_for(request: Request, name: str, /, **path_params: Any) -> str:
    """The public URL of the route `name` (request.url_for, minus the Host header)."""
    return public_base() + str(request.app.url_path_for(name, **path_params))


def this_url(request: Request, **query: Any) -> str:
    """The public URL of this request's path and query, with the `query` parameters replaced."""
    url = request.url.include_query_params(**query)
    return public_base() + url.path + (f"?{url.query}" if url.query else "")
