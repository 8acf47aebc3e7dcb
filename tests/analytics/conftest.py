"""One analytics warehouse for the package: the scale-0.05 sample synced from the local CenterPoint and
Stripe stand-ins, every dbt model built (unpartitioned, as `brainops materialize` does), and the Great
Expectations checks run, through real Dagster, dbt and Postgres."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from pipelines.assets.centerpoint import centerpoint_raw
from pipelines.assets.dbt import analytics_dbt, analytics_stripe_incremental
from pipelines.assets.stripe import stripe_raw
from pipelines.checks.gx import GX_CHECKS
from pipelines.resources.centerpoint import CenterPointResource
from pipelines.resources.dbt import dbt_resource
from pipelines.resources.stripe import StripeResource
from pipelines.resources.warehouse import WarehouseResource

ASSETS = [centerpoint_raw, stripe_raw, analytics_dbt, analytics_stripe_incremental, *GX_CHECKS]


def resources(url: str) -> dict[str, Any]:
    return {
        "warehouse": WarehouseResource(database_url=url),
        "centerpoint": CenterPointResource(),  # no key: sample mode, local stand-in
        "stripe": StripeResource(),
        "dbt": dbt_resource(),
    }


def materialize(url: str, instance: dg.DagsterInstance, **kwargs: Any) -> dg.ExecuteInProcessResult:
    return dg.materialize(ASSETS, resources=resources(url), instance=instance, raise_on_error=False, **kwargs)


@dataclass
class Built:
    url: str
    instance: dg.DagsterInstance
    result: dg.ExecuteInProcessResult
    sample: Path

    def truth_lines(self, name: str) -> list[dict[str, Any]]:
        with (self.sample / "truth" / f"{name}.jsonl").open() as f:
            return [json.loads(line) for line in f]

    def sample_lines(self, path: str) -> list[dict[str, Any]]:
        with (self.sample / f"{path}.jsonl").open() as f:
            return [json.loads(line) for line in f]


@pytest.fixture(scope="session")
def analytics(sample_dir: Path, pg_server: str) -> Iterator[Built]:
    from tests.conftest import _create_database, _drop_database

    url = _create_database(pg_server, "brainops_test_analytics")
    with dg.DagsterInstance.ephemeral() as instance:
        result = materialize(url, instance)
        yield Built(url, instance, result, sample_dir)
    _drop_database(pg_server, "brainops_test_analytics")
