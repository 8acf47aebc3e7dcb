"""How the per-document extractions sit in the code location: partitioned by document, upstream of the
unpartitioned IES dbt models, outside "everything" and the webhook sensor, driven by the upload sensor."""

from __future__ import annotations

import dagster as dg

from pipelines.assets.ies import EXTRACTIONS_KEY
from pipelines.definitions import defs
from pipelines.jobs import EVERY_UNPARTITIONED_ASSET

IES_MODELS = ["stg_ies__documents", "stg_ies__periods", "stg_ies__line_items", "stg_ies__checks", "ies_spreads",
              "ies_ratios", "ies_risk_scores"]


def test_extractions_are_partitioned_by_document_and_feed_the_ies_models() -> None:
    graph = defs.resolve_asset_graph()
    node = graph.get(EXTRACTIONS_KEY)
    assert isinstance(node.partitions_def, dg.DynamicPartitionsDefinition)
    assert node.partitions_def.name == "ies_documents" and node.group_name == "ies"
    for name in ("stg_ies__documents", "stg_ies__line_items", "stg_ies__checks"):
        parents = graph.get(dg.AssetKey(["analytics", name])).parent_keys
        assert parents == {EXTRACTIONS_KEY}, (name, parents)  # the dbt sources name the asset that writes them
    downstream = dg.AssetSelection.assets(EXTRACTIONS_KEY).downstream(include_self=False).resolve(graph)
    assert {dg.AssetKey(["analytics", m]) for m in IES_MODELS} <= downstream
    for model in IES_MODELS:
        model_node = graph.get(dg.AssetKey(["analytics", model]))
        assert model_node.partitions_def is None and model_node.group_name == "analytics"


def test_everything_but_the_per_document_asset_is_one_job() -> None:
    graph = defs.resolve_asset_graph()
    everything = EVERY_UNPARTITIONED_ASSET.resolve(graph)
    assert EXTRACTIONS_KEY not in everything
    assert dg.AssetKey(["analytics", "ies_risk_scores"]) in everything  # the marts build (empty) without uploads
    job = defs.resolve_job_def("materialize_all")
    assert EXTRACTIONS_KEY not in job.asset_layer.selected_asset_keys


def test_the_upload_sensor_is_registered_and_running_by_default() -> None:
    sensor = defs.resolve_sensor_def("ies_uploads_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    (target,) = defs.resolve_sensor_def("webhook_events_sensor").targets
    assert EXTRACTIONS_KEY not in target.resolvable_to_job.selection.resolve(defs.resolve_asset_graph())
