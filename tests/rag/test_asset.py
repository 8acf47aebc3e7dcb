"""The rag/chunks asset through Dagster: lineage, metadata, and a second run that changes nothing."""

from __future__ import annotations

import dagster as dg
import psycopg

from pipelines.assets.rag import CHUNKS, UPSTREAM, rag_chunks
from pipelines.definitions import defs
from pipelines.rag.embedder import Embedder
from pipelines.resources.embedder import EmbedderResource
from pipelines.resources.warehouse import WarehouseResource
from tests.rag.conftest import HashingEmbedder, insert_notion_page

EMBEDDER = HashingEmbedder()


class HashingEmbedderResource(EmbedderResource):
    def get_embedder(self) -> Embedder:
        return EMBEDDER


def materialize(url: str) -> dict:
    result = dg.materialize(
        [rag_chunks],
        resources={"warehouse": WarehouseResource(database_url=url), "embedder": HashingEmbedderResource()},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_the_asset_is_registered_downstream_of_its_sources() -> None:
    graph = defs.resolve_asset_graph()
    assert graph.get(CHUNKS).parent_keys == set(UPSTREAM)
    assert graph.get(CHUNKS).group_name == "rag"
    assert isinstance(defs.resources["embedder"], EmbedderResource)


def test_materializing_indexes_notion_pages_and_job_notes(fresh_warehouse: str) -> None:
    with psycopg.connect(fresh_warehouse) as conn:
        insert_notion_page(conn, "page-1", "Ladder Safety", "## Ladders\n\nTie off every ladder.")
        insert_notion_page(conn, "page-2", "Old Page", "Gone.", archived=True)
        conn.execute(
            """INSERT INTO raw.centerpoint_productions (id, billed_company_id, updated_at, attributes)
               VALUES ('5000001', '10001', now(), '{"name": "Clark - Roof Replacement", "notes": "Two layers."}'),
                      ('5000002', '10002', now(), '{"name": "Ortiz - Repair"}')"""
        )
    first = materialize(fresh_warehouse)
    assert first["dagster/row_count"] == 2 and first["documents"] == 2
    assert (first["chunks_new"], first["chunks_unchanged"], first["chunks_deleted"]) == (2, 0, 0)
    assert first["index_built"] is True and first["embedding_model"] == EMBEDDER.model_name
    assert {"chunks_per_second_embedded", "index_build_seconds", "embed_seconds"} <= first.keys()

    second = materialize(fresh_warehouse)
    assert (second["chunks_new"], second["chunks_unchanged"], second["texts_embedded"]) == (0, 2, 0)
    assert second["index_built"] is False
    with psycopg.connect(fresh_warehouse) as conn:
        rows = conn.execute("SELECT source, metadata ->> 'customer_id' FROM rag.chunks ORDER BY source").fetchall()
    assert rows == [("centerpoint_production", "10001"), ("notion", None)]
