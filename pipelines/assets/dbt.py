"""dbt models as assets (group `analytics`); dbt tests surface as asset checks."""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from pipelines.resources.dbt import dbt_project, export_dbt_env
from pipelines.resources.warehouse import WarehouseResource


class BrainOpsTranslator(DagsterDbtTranslator):
    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] == "source":
            # Sources are the raw tables our ingest assets write: raw/<table>.
            return spec.replace_attributes(key=dg.AssetKey(["raw", props["name"]]))
        return spec.replace_attributes(
            key=dg.AssetKey(["analytics", props["name"]]),
            group_name="analytics",
        )


translator = BrainOpsTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=dbt_project().manifest_path, dagster_dbt_translator=translator, project=dbt_project())
def analytics_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    export_dbt_env(warehouse.url())
    # Cautious: a targeted run (e.g. from a webhook) runs only tests whose every parent it builds,
    # not tests that also read sibling models outside the selection. Set through the environment so
    # dagster-dbt can still override it when it selects individual asset checks.
    os.environ["DBT_INDIRECT_SELECTION"] = "cautious"
    yield from dbt.cli(["build"], context=context).stream()
