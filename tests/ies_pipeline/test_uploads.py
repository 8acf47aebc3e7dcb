"""POST /api/v1/ies: size limit while streaming, type by content, safe names, duplicates, and the store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from pipelines.ies import uploads
from serving.urls import public_base
from tests.ies_pipeline.conftest import IesEnv, Keys, sample_statements, upload

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
LEGACY_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600


def uploads_rows(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT document_id, source_file, file_kind, received_via, status FROM app.uploads "
                            "ORDER BY upload_id").fetchall()


def stored_files(env: IesEnv) -> list[Path]:
    return sorted(p for p in (env.upload_dir / "store").rglob("*") if p.is_file()) if env.upload_dir.exists() else []


def leftover_temp_files(env: IesEnv) -> list[Path]:
    return list((env.upload_dir / "tmp").glob("*")) if (env.upload_dir / "tmp").exists() else []


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("../../etc/passwd.csv", "csv", "passwd.csv"),
        ("..\\..\\Windows\\system.ini", "csv", "system.csv"),
        ("Maple Court T12 (2026).PDF", "pdf", "Maple Court T12 (2026).pdf"),
        ("statement.csv", "pdf", "statement.pdf"),  # renamed: the content decides
        ("report", "xlsx", "report.xlsx"),
        ("...", "csv", "statement.csv"),
        (".hidden.csv", "csv", "hidden.csv"),
        ("a;rm -rf $HOME`x`.csv", "csv", "a_rm -rf _HOME_x.csv"),
        ("bad\x00name\x1b.csv", "csv", "badname.csv"),
        ("x" * 300 + ".csv", "csv", "x" * 110 + ".csv"),
        (None, "pdf", "statement.pdf"),
    ],
)
def test_names_are_sanitized(raw: str | None, kind: str, expected: str) -> None:
    assert uploads.sanitize_name(raw, kind) == expected


def test_an_upload_is_stored_by_content_and_queued(
    api: TestClient, keys: Keys, ies_env: IesEnv, fresh_warehouse: str, sample_dir: Path
) -> None:
    path, _truth = sample_statements(sample_dir)["xlsx"]
    data = path.read_bytes()
    response = upload(api, keys.h("applicant"), path.name, data)
    assert response.status_code == 202, response.text
    body = response.json()
    sha = hashlib.sha256(data).hexdigest()
    doc = body["document_id"]
    assert doc.startswith("ies_") and sha[:16] not in doc  # the id says nothing about the content
    assert body == {"document_id": doc, "status": "queued", "duplicate": False,
                    "source_file": path.name, "file_kind": "xlsx",
                    "status_url": f"{public_base()}/api/v1/ies/{doc}"}
    assert response.headers["location"] == body["status_url"]
    assert stored_files(ies_env) == [ies_env.upload_dir / "store" / sha[:2] / f"{sha}.xlsx"]
    assert stored_files(ies_env)[0].read_bytes() == data
    assert leftover_temp_files(ies_env) == []
    assert uploads_rows(fresh_warehouse) == [(doc, path.name, "xlsx", "api", "queued")]

    status = api.get(body["status_url"], headers=keys.h("applicant")).json()
    assert status["status"] == "queued" and status["result"] is None  # no contract before the run


def test_a_duplicate_upload_returns_the_existing_document(
    api: TestClient, keys: Keys, ies_env: IesEnv, fresh_warehouse: str, sample_dir: Path
) -> None:
    path, _truth = sample_statements(sample_dir)["csv"]
    first = upload(api, keys.h("applicant"), path.name, path.read_bytes())
    again = upload(api, keys.h("applicant"), "renamed copy.csv", path.read_bytes())
    assert first.status_code == 202 and again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["document_id"] == first.json()["document_id"]
    assert again.json()["source_file"] == path.name  # the document keeps its first name
    assert len(uploads_rows(fresh_warehouse)) == 1 and len(stored_files(ies_env)) == 1
    # Another owner sending the same bytes gets a document of its own: nothing of the first one's
    # (id, name, time) is revealed, and the first one's stays out of reach. The stored file is shared.
    doc = first.json()["document_id"]
    other = upload(api, keys.h("other_applicant"), "mine.csv", path.read_bytes())
    assert other.status_code == 202 and other.json()["duplicate"] is False
    assert other.json()["document_id"] != doc and other.json()["source_file"] == "mine.csv"
    assert api.get(f"/api/v1/ies/{doc}", headers=keys.h("other_applicant")).status_code == 404
    listed = api.get("/api/v1/ies", headers=keys.h("other_applicant")).json()["items"]
    assert [d["document_id"] for d in listed] == [other.json()["document_id"]]
    assert len(uploads_rows(fresh_warehouse)) == 2 and len(stored_files(ies_env)) == 1


def test_the_type_is_judged_by_content_not_by_name(
    api: TestClient, keys: Keys, fresh_warehouse: str, sample_dir: Path
) -> None:
    pdf, _truth = sample_statements(sample_dir)["pdf"]
    response = upload(api, keys.h("applicant"), "statement.csv", pdf.read_bytes())
    assert response.status_code == 202
    assert (response.json()["file_kind"], response.json()["source_file"]) == ("pdf", "statement.pdf")

    for name, data in (("statement.pdf", PNG), ("statement.xlsx", LEGACY_XLS), ("empty.csv", b"")):
        refused = upload(api, keys.h("applicant"), name, data)
        assert refused.status_code == 415, (name, refused.text)
        assert "PDF" in refused.json()["detail"]
    assert "save it as .xlsx" in upload(api, keys.h("applicant"), "s.xls", LEGACY_XLS).json()["detail"]
    assert len(uploads_rows(fresh_warehouse)) == 1  # only the PDF


def test_path_traversal_in_the_name_writes_nowhere_but_the_store(
    api: TestClient, keys: Keys, ies_env: IesEnv, fresh_warehouse: str, sample_dir: Path, tmp_path: Path
) -> None:
    csv_path, _truth = sample_statements(sample_dir)["csv"]
    response = upload(api, keys.h("applicant"), "../../etc/passwd.csv", csv_path.read_bytes())
    assert response.status_code == 202
    assert response.json()["source_file"] == "passwd.csv"
    assert [p.suffix for p in stored_files(ies_env)] == [".csv"]
    assert not (tmp_path / "etc").exists() and not (ies_env.upload_dir.parent.parent / "etc").exists()


def test_too_large_is_413_with_the_limit_and_leaves_nothing(
    api: TestClient, keys: Keys, ies_env: IesEnv, fresh_warehouse: str
) -> None:
    big = b"Line,2025\n" + b"Rent,1\n" * (uploads.MAX_UPLOAD_BYTES // 7 + 10)
    response = upload(api, keys.h("applicant"), "big.csv", big)
    assert response.status_code == 413
    assert "25 MB" in response.json()["detail"]
    assert uploads_rows(fresh_warehouse) == [] and stored_files(ies_env) == [] and leftover_temp_files(ies_env) == []


def test_the_limit_holds_for_a_streamed_body_without_a_length(
    api: TestClient, keys: Keys, ies_env: IesEnv, fresh_warehouse: str
) -> None:
    """Chunked transfer: no Content-Length to refuse up front, so the receiver cuts it off as it streams."""
    boundary = "brainopsboundary"
    sent = {"bytes": 0}

    def body():
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.csv\"\r\n"
               "Content-Type: text/csv\r\n\r\nLine,2025\n").encode()
        chunk = b"Rent,1\n" * 150_000  # ~1 MB
        for _ in range(40):  # ~40 MB offered
            sent["bytes"] += len(chunk)
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    response = api.post("/api/v1/ies", content=body(),
                        headers={**keys.h("applicant"), "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 413
    assert "25 MB" in response.json()["detail"]
    assert uploads_rows(fresh_warehouse) == [] and leftover_temp_files(ies_env) == []


def test_a_body_that_is_not_a_form_or_has_no_file_says_how_to_send_it(api: TestClient, keys: Keys) -> None:
    raw = api.post("/api/v1/ies", content=b"Line,2025\n", headers={**keys.h("applicant"), "Content-Type": "text/csv"})
    assert raw.status_code == 415 and "multipart/form-data" in raw.json()["detail"]
    no_file = api.post("/api/v1/ies", data={"note": "hi"}, files={"other": ("x.csv", b"a,b\n")},
                       headers=keys.h("applicant"))
    assert no_file.status_code == 422 and "`file`" in no_file.json()["detail"]


def test_upload_needs_a_key(api: TestClient) -> None:
    assert api.post("/api/v1/ies", files={"file": ("x.csv", b"Line,2025\nRent,1\n")}).status_code == 401
