"""The warehouse Postgres as a Dagster resource."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import psycopg

from brainops.warehouse.connection import warehouse_url


class WarehouseResource(dg.ConfigurableResource):
    """Connections to the warehouse. `database_url` empty means DATABASE_URL, else the embedded server."""

    database_url: str = ""

    def url(self) -> str:
        return self.database_url or warehouse_url()

    @contextmanager
    def connect(self) -> Iterator[psycopg.Connection]:
        with psycopg.connect(self.url(), application_name="brainops-dagster") as conn:
            yield conn
