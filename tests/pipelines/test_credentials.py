"""Outside development a source without credentials refuses to start, naming the variable to set."""

from __future__ import annotations

import pytest

from pipelines.resources.centerpoint import CenterPointResource
from pipelines.resources.credentials import MissingCredentials
from pipelines.resources.notion import NotionResource
from pipelines.resources.stripe import StripeResource

SOURCES = [
    (StripeResource, "open_api", "STRIPE_API_KEY"),
    (CenterPointResource, "open_client", "CENTERPOINT_API_KEY"),
    (NotionResource, "open_client", "NOTION_TOKEN"),
]


@pytest.mark.parametrize(("resource", "opener", "variable"), SOURCES)
@pytest.mark.parametrize("env", ["production", "staging"])
def test_no_key_outside_development_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, resource: type, opener: str, variable: str, env: str
) -> None:
    monkeypatch.setenv("APP_ENV", env)
    with pytest.raises(MissingCredentials, match=variable) as refused:
        with getattr(resource(), opener)():
            pass
    assert env in str(refused.value)


@pytest.mark.parametrize(("resource", "opener", "variable"), SOURCES)
def test_the_variable_named_by_environment_counts_too(
    monkeypatch: pytest.MonkeyPatch, resource: type, opener: str, variable: str
) -> None:
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.setenv("ENVIRONMENT", "production")  # the alias brainops.settings accepts
    with pytest.raises(MissingCredentials, match=variable):
        with getattr(resource(), opener)():
            pass
