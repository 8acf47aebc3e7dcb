"""The Host header is checked against ALLOWED_HOSTS, and no link the API sends is built from it.

Before: `Host: evil.example` came back in the upload's Location header, status_url and the list pages' `next`
links, so whoever chose the Host chose where the API's links pointed.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import parse_qs

from fastapi.testclient import TestClient

from serving.app import create_app
from serving.urls import public_base

PUBLIC = "https://api.brainops.test"
EVIL = {"Host": "evil.example"}


def test_a_host_not_allowed_is_refused_with_json(api: TestClient) -> None:
    response = api.get("/health", headers=EVIL)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert "ALLOWED_HOSTS" in response.json()["detail"]
    assert response.headers["x-request-id"]  # logged like any other request


def test_the_defaults_cover_local_use(api: TestClient) -> None:
    for host in ("127.0.0.1:8000", "localhost:8000", "LOCALHOST", "testserver"):
        assert api.get("/health", headers={"Host": host}).status_code == 200, host


def test_allowed_hosts_takes_names_and_wildcards(auth_db: str, settings_env) -> None:
    settings_env(ALLOWED_HOSTS="api.example.com, *.brainops.test")
    with TestClient(create_app(auth_db)) as client:
        hosts = ("api.example.com", "eu.brainops.test", "localhost", "evil.example", "brainops.test.evil")
        answers = {host: client.get("/health", headers={"Host": host}).status_code for host in hosts}
    assert answers == {"api.example.com": 200, "eu.brainops.test": 200, "localhost": 400, "evil.example": 400,
                       "brainops.test.evil": 400}


def test_links_are_built_on_public_url_whatever_the_host(
    auth_db: str, upload_dir: Path, make_key, settings_env
) -> None:
    # Any host let in, to show that the links do not depend on the check.
    settings_env(PUBLIC_URL=f"{PUBLIC}/", ALLOWED_HOSTS="*", UPLOAD_DIR=str(upload_dir))
    headers = {**EVIL, "X-API-Key": make_key(role="analyst")}
    statement = f"Line,2025\nRent,100\nRef,{uuid.uuid4().hex}\n".encode()
    with TestClient(create_app(auth_db)) as client:
        upload = client.post("/api/v1/ies", headers=headers,
                             files={"file": ("statement.csv", statement, "text/csv")})
        assert upload.status_code == 202, upload.text
        location = upload.headers["location"]
        assert location.startswith(f"{PUBLIC}/api/v1/ies/") and upload.json()["status_url"] == location

        document = client.get(location.removeprefix(PUBLIC), headers=headers).json()
        links = {k: v for k, v in document.items() if k.endswith("_url")}
        assert set(links) == {"status_url", "risk_url", "report_xlsx_url", "report_csv_url"}
        assert all(url.startswith(f"{PUBLIC}/api/v1/ies/{document['document_id']}") for url in links.values())

        page = client.get("/api/v1/customers", params={"limit": 5, "region": "tx"}, headers=headers).json()
        base, _, query = page["next"].partition("?")
        assert base == f"{PUBLIC}/api/v1/customers"
        assert parse_qs(query) == {"limit": ["5"], "region": ["tx"], "offset": ["5"]}


def test_public_url_defaults_to_the_local_api_port(api: TestClient, make_key) -> None:
    page = api.get("/api/v1/customers", params={"limit": 5}, headers={"X-API-Key": make_key(role="analyst")}).json()
    assert public_base().startswith("http://127.0.0.1:")
    assert page["next"].partition("?")[0] == f"{public_base()}/api/v1/customers"
