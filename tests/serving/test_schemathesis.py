"""Property-based fuzzing of every route in the app's own OpenAPI document (schemathesis), in-process over ASGI,
against a real migrated warehouse with an admin key: no 5xx, and every response matches the documented schema.

Left out of fuzzing: revoking keys and disabling users (random ids would revoke the test's own key; both are
tested directly in test_auth.py). Examples per operation stay few so the run takes well under 90 s.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import psycopg
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.python import asgi

from brainops.apikeys import create_key
from brainops.settings import get_settings
from serving.app import create_app
from serving.routes.results import MARTS

EXAMPLES = 12
# What the issue asks: no 5xx, and status codes, content types, headers and bodies as documented. (The
# "positive data acceptance" heuristics are left out: a schema-valid id that does not exist is rightly a 404.)
NOT_BUILT = ("not been materialized", "Nothing is indexed")


@schemathesis.check
def no_server_error(ctx, response, case) -> bool | None:
    """No 5xx, except the documented 503 that says which asset to materialize: this small warehouse has only
    the customers mart and no search index (the marts and the index are built and served in tests/analytics
    and tests/rag)."""
    if response.status_code == 503 and any(text in response.text for text in NOT_BUILT):
        return None
    if response.status_code >= 500:
        raise AssertionError(f"{response.status_code} from {case.method} {case.path}: {response.text[:300]}")
    return None


CHECKS = [no_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_headers_conformance, checks.response_schema_conformance]


SQL_TYPES = {str: "text", Decimal: "numeric", datetime: "timestamptz", date: "date", int: "integer"}


@pytest.fixture(scope="module")
def fuzz_key(auth_db: str) -> str:
    with psycopg.connect(auth_db) as conn:
        # Every mart the results routes serve, empty, with the columns the API reads (dbt builds the real ones
        # in tests/analytics); so the fuzzer reaches the SQL instead of the 503 "not materialized" answer.
        for spec in MARTS.values():
            columns = ", ".join(f'"{c}" {SQL_TYPES.get(spec.indexed.get(c), "text")}' for c in spec.columns)
            conn.execute(f'CREATE TABLE IF NOT EXISTS analytics."{spec.name}" ({columns})')
        # A few keys first, so that small random ids hit other keys than this one.
        for n in range(3):
            create_key(conn, name=f"decoy {n}", role="applicant")
        return create_key(conn, name="schemathesis", role="admin", tier="enterprise").secret


@pytest.fixture(scope="module")
def fuzz_client(auth_db: str, upload_dir) -> Iterator[asgi.ASGIClient]:
    """schemathesis' own in-process client for the real app (its lifespan opens the real pool)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("UPLOAD_DIR", str(upload_dir))
    mp.setenv("RATE_LIMIT_PER_MINUTE", "1000000")  # fuzzing is a flood by design
    mp.setenv("RATE_LIMIT_BURST", "100000")
    mp.setenv("STRIPE_WEBHOOK_SECRET", "whsec_fuzzing")  # configured, so webhooks answer on their signatures
    mp.setenv("NOTION_WEBHOOK_SECRET", "notion-fuzzing")
    get_settings.cache_clear()
    try:
        with asgi.get_client(create_app(auth_db)) as client:
            yield client
    finally:
        mp.undo()
        get_settings.cache_clear()


# The document is built at collection time from an app that is never started (building it needs no database);
# schemathesis' lazy fixture loader does not work with pytest 9 (it sets a removed private node attribute).
schema = (schemathesis.openapi.from_dict(create_app("postgresql://collection-only").openapi())
          .exclude(method="DELETE", path="/api/v1/admin/keys/{api_key_id}")
          .exclude(method="POST", path="/api/v1/admin/users/{user_id}/disable"))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_schema(case, fuzz_client, fuzz_key: str) -> None:
    # The OpenAI-compatible routes answer errors in OpenAI's shape ({"error": ...}), which their document does
    # not describe yet: for them only the no-5xx and status-code checks run.
    openai_style = case.path.startswith("/v1/")
    case.call_and_validate(session=fuzz_client, base_url=f"http://{asgi.HOST}", headers={"X-API-Key": fuzz_key},
                           checks=CHECKS[:2] if openai_style else CHECKS)
