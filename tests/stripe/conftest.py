"""A Stripe stand-in over the session's sample, on a private copy of its index (tests change objects)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from brainops.standins import stripe as standin
from brainops.standins.runner import serve_in_thread
from pipelines.stripe.client import StripeApi

TEST_KEY = "sk_test_brainops_tests"


@pytest.fixture
def stripe_app(sample_dir: Path, tmp_path: Path) -> FastAPI:
    return standin.create_app(standin.open_store(sample_dir, index=tmp_path / "stripe.sqlite"))


@pytest.fixture
def stripe_url(stripe_app: FastAPI) -> Iterator[str]:
    with serve_in_thread(stripe_app) as url:
        yield url


@pytest.fixture
def api(stripe_url: str) -> StripeApi:
    return StripeApi(TEST_KEY, api_base=stripe_url, max_network_retries=1)


def jsonl(sample_dir: Path, name: str) -> list[dict[str, Any]]:
    with (sample_dir / "stripe" / f"{name}.jsonl").open() as f:
        return [json.loads(line) for line in f]


def change(url: str, objects: str, object_id: str, **body: Any) -> dict[str, Any]:
    """Change an object at the stand-in as Stripe would; returns {"object", "event"}."""
    response = httpx.post(f"{url}/_admin/v1/{objects}/{object_id}", json=body)
    response.raise_for_status()
    return response.json()
