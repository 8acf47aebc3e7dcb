"""Finding 6 of the attack review: identical bytes handed out another applicant's document.

Before: B uploading bytes identical to A's received A's document id, A's original file name and upload
time, and A's document appeared in B's list. Now each owner gets a document of its own (the stored file is
shared), and nothing of another owner's upload is revealed. A user is one owner across their keys and
tokens. Documents uploaded before the change are split by the migration the same way."""

from __future__ import annotations

import psycopg
from fastapi.testclient import TestClient

from brainops.apikeys import create_key
from brainops.users import create_user
from brainops.warehouse import migrate
from tests.conftest import _drop_database
from tests.ies_pipeline.conftest import IesEnv, Keys, upload

STATEMENT = b"Maple Court LLC\nIncome Statement,FY2025\nRental income,120000\nTotal income,120000\n" \
            b"Repairs,20000\nTotal operating expenses,20000\nNet operating income,100000\n"


def test_the_same_bytes_from_two_applicants_are_two_documents(
        api: TestClient, keys: Keys, ies_env: IesEnv, fresh_warehouse: str) -> None:
    a = upload(api, keys.h("applicant"), "maple_court_confidential.csv", STATEMENT)
    b = upload(api, keys.h("other_applicant"), "what_i_found.csv", STATEMENT)
    assert a.status_code == 202 and b.status_code == 202
    a_doc, b_doc = a.json()["document_id"], b.json()["document_id"]
    assert a_doc != b_doc and b.json()["duplicate"] is False
    b_view = api.get(f"/api/v1/ies/{b_doc}", headers=keys.h("other_applicant")).json()
    assert b_view["source_file"] == "what_i_found.csv"  # not A's name
    assert "maple_court_confidential" not in str(b_view) and a_doc not in str(b_view)
    a_view = api.get(f"/api/v1/ies/{a_doc}", headers=keys.h("applicant")).json()
    assert a_view["received_at"] != b_view["received_at"]  # B sees its own upload time
    listed = api.get("/api/v1/ies", headers=keys.h("other_applicant")).json()
    assert [d["document_id"] for d in listed["items"]] == [b_doc] and listed["total"] == 1
    for route in ("", "/risk", "/report.csv", "/report.xlsx"):
        assert api.get(f"/api/v1/ies/{a_doc}{route}", headers=keys.h("other_applicant")).status_code == 404
    # Staff read both; the bytes are stored once.
    staff = api.get("/api/v1/ies", headers=keys.h("analyst")).json()
    assert {d["document_id"] for d in staff["items"]} == {a_doc, b_doc}
    assert len([p for p in (ies_env.upload_dir / "store").rglob("*") if p.is_file()]) == 1
    # The same owner again: its own document back, marked a duplicate.
    again = upload(api, keys.h("applicant"), "again.csv", STATEMENT)
    assert again.status_code == 200 and again.json()["document_id"] == a_doc and again.json()["duplicate"]


def test_a_user_is_one_owner_across_their_keys_and_tokens(api: TestClient, fresh_warehouse: str,
                                                          ies_env: IesEnv) -> None:
    with psycopg.connect(fresh_warehouse) as conn:
        user = create_user(conn, email="owner@example.com", password="correct horse battery staple",
                           role="applicant", tier="premium")
        key = create_key(conn, name="owner's script", role="applicant", user_id=user.user_id).secret
    token = api.post("/api/v1/auth/token", data={"username": "owner@example.com",
                                                  "password": "correct horse battery staple"}).json()["access_token"]
    by_key = upload(api, {"X-API-Key": key}, "s.csv", STATEMENT)
    by_token = upload(api, {"Authorization": f"Bearer {token}"}, "s.csv", STATEMENT)
    assert by_key.status_code == 202 and by_token.status_code == 200  # the same owner: a duplicate
    assert by_token.json()["document_id"] == by_key.json()["document_id"]
    doc = by_key.json()["document_id"]
    assert api.get(f"/api/v1/ies/{doc}", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_the_migration_gives_each_earlier_reader_a_document_of_its_own(pg_server: str) -> None:
    """A warehouse at migration 12, where a second uploader had been added as a reader of the first
    one's document, comes out of migration 13 with one document per owner and the first one unchanged."""
    name = "brainops_test_owner_migration"
    url = _create_at(pg_server, name, upto=12)
    try:
        with psycopg.connect(url) as conn:
            a = create_key(conn, name="a", role="applicant")
            user = conn.execute("""INSERT INTO app.users (email, password_hash, role) VALUES ('b@x.io', 'x',
                                   'applicant') RETURNING user_id""").fetchone()[0]
            principal = conn.execute("""INSERT INTO app.api_keys (name, role, key_prefix, key_hash, user_id, kind)
                                        VALUES ('user', 'applicant', 'u', 'u', %s, 'user') RETURNING api_key_id""",
                                     (user,)).fetchone()[0]
            b = create_key(conn, name="b's key", role="applicant", user_id=user)
            upload_id = conn.execute(
                """INSERT INTO app.uploads (document_id, sha256, source_file, file_kind, size_bytes, stored_path,
                                            received_via, api_key_id, status)
                   VALUES ('ies_aaaaaaaaaaaaaaaa', repeat('a', 64), 'a.csv', 'csv', 10, 'store/aa/x.csv', 'api', %s,
                           'extracted') RETURNING upload_id""", (a.api_key_id,)).fetchone()[0]
            conn.execute("INSERT INTO app.upload_readers (upload_id, api_key_id) VALUES (%s, %s), (%s, %s)",
                         (upload_id, a.api_key_id, upload_id, b.api_key_id))
        assert migrate.migrate(url)[0] == "0013_upload_owners"
        with psycopg.connect(url) as conn:
            rows = conn.execute("""SELECT document_id, owner_id, api_key_id, status, stored_path FROM app.uploads
                                   ORDER BY upload_id""").fetchall()
            readers_gone = conn.execute("SELECT to_regclass('app.upload_readers') IS NULL").fetchone()[0]
        assert rows[0] == ("ies_aaaaaaaaaaaaaaaa", a.api_key_id, a.api_key_id, "extracted", "store/aa/x.csv")
        (doc, owner, sent_by, status, stored) = rows[1]
        assert len(rows) == 2 and doc != rows[0][0] and doc.startswith("ies_")
        assert (owner, sent_by, status, stored) == (principal, b.api_key_id, "queued", "store/aa/x.csv")
        assert readers_gone
    finally:
        _drop_database(pg_server, name)


def _create_at(server_url: str, name: str, *, upto: int) -> str:
    from brainops.warehouse import connection

    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = connection.with_database(server_url, name)
    with psycopg.connect(url, autocommit=True) as conn:
        migrate._ensure_table(conn)
        for m in migrate.available():
            if m.version <= upto:
                with conn.transaction():
                    conn.execute(m.sql)
                    conn.execute("INSERT INTO public.schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                                 (m.version, m.name, m.checksum))
    return url
