"""Users, tokens and keys through the real app: login, expiry, rotation, reuse detection, revocation."""

from __future__ import annotations

import time

import psycopg
import pytest
from fastapi.testclient import TestClient

from brainops.settings import get_settings
from brainops.users import User
from serving.app import create_app
from serving.auth import InsecureSecret, issue_access_token, new_family
from tests.serving.conftest import PASSWORD, bearer, login


def test_login_issues_tokens_that_identify_the_user(api: TestClient, make_user) -> None:
    user = make_user(role="applicant", tier="premium")
    tokens = login(api, user.email.upper())  # e-mail matches case-insensitively
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == get_settings().access_token_ttl_seconds
    me = api.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])).json()
    assert me == {"name": user.email, "role": "applicant", "tier": "premium", "user_id": user.user_id, "via": "token"}


def test_a_wrong_password_is_refused_and_audited(api: TestClient, make_user, auth_db: str) -> None:
    user = make_user()
    response = api.post("/api/v1/auth/token", data={"username": user.email, "password": "wrong password!!"})
    assert response.status_code == 401 and "Wrong e-mail or password" in response.json()["detail"]
    unknown = api.post("/api/v1/auth/token", data={"username": "nobody@example.com", "password": PASSWORD})
    assert unknown.status_code == 401 and unknown.json() == response.json()  # no hint which part was wrong
    with psycopg.connect(auth_db) as conn:
        actions = conn.execute("SELECT action FROM app.audit_log WHERE actor = %s", (user.email,)).fetchall()
    assert actions == [("auth.login_failed",)]


def test_successful_logins_are_audited_with_the_request_id(api: TestClient, make_user, auth_db: str) -> None:
    user = make_user()
    response = api.post("/api/v1/auth/token", data={"username": user.email, "password": PASSWORD},
                        headers={"X-Request-ID": "login-check-1"})
    assert response.headers["x-request-id"] == "login-check-1"
    with psycopg.connect(auth_db) as conn:
        row = conn.execute("SELECT action, request_id FROM app.audit_log WHERE actor = %s",
                           (f"user:{user.user_id}",)).fetchone()
    assert row == ("auth.login", "login-check-1")


def _user(account) -> User:
    return User(account.user_id, account.email, account.role, account.tier, principal_key_id=0)


def test_an_expired_access_token_is_refused(api: TestClient, make_user) -> None:
    user = make_user()
    settings = get_settings()
    issued_long_ago = time.time() - settings.access_token_ttl_seconds - 60
    expired = issue_access_token(_user(user), new_family(), settings, now=issued_long_ago)
    response = api.get("/api/v1/auth/me", headers=bearer(expired))
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_a_token_signed_with_another_secret_is_refused(api: TestClient, make_user) -> None:
    user = make_user(role="admin")
    forged = issue_access_token(_user(user), new_family(), get_settings().model_copy(
        update={"jwt_secret": "someone-elses-secret-that-is-long-enough-000"}))
    response = api.get("/api/v1/admin/users", headers=bearer(forged))
    assert response.status_code == 401 and "not valid" in response.json()["detail"]


def test_refresh_rotates_and_a_reused_token_revokes_the_login(api: TestClient, make_user, auth_db: str) -> None:
    user = make_user()
    first = login(api, user.email)
    second = api.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    second = second.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert api.get("/api/v1/auth/me", headers=bearer(second["access_token"])).status_code == 200
    # The first refresh token again: a replay, so the whole family ends, the newest tokens included.
    replay = api.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and "already used" in replay.json()["detail"]
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}).status_code == 401
    for access in (first["access_token"], second["access_token"]):
        assert api.get("/api/v1/auth/me", headers=bearer(access)).status_code == 401
    # Another login of the same user is a different family and unaffected.
    assert api.get("/api/v1/auth/me", headers=bearer(login(api, user.email)["access_token"])).status_code == 200
    with psycopg.connect(auth_db) as conn:
        assert conn.execute("SELECT count(*) FROM app.audit_log WHERE action = 'auth.refresh_reuse' AND actor = %s",
                            (f"user:{user.user_id}",)).fetchone()[0] == 1


def test_revoke_ends_the_login(api: TestClient, make_user) -> None:
    user = make_user()
    tokens = login(api, user.email)
    assert api.post("/api/v1/auth/revoke", json={"refresh_token": tokens["refresh_token"]}).json() == {"revoked": True}
    me = api.get("/api/v1/auth/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 401 and "revoked" in me.json()["detail"]
    refreshed = api.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401 and "revoked" in refreshed.json()["detail"]
    assert api.post("/api/v1/auth/revoke", json={"refresh_token": "rt_unknown"}).json() == {"revoked": False}


def test_admins_manage_users_and_keys_and_it_is_audited(api: TestClient, make_key, auth_db: str) -> None:
    admin = {"X-API-Key": make_key(role="admin")}
    created = api.post("/api/v1/admin/users", headers=admin,
                       json={"email": "new.analyst@example.com", "password": PASSWORD, "role": "analyst"})
    assert created.status_code == 201, created.text
    user_id = created.json()["user_id"]
    again = api.post("/api/v1/admin/users", headers=admin,
                     json={"email": "New.Analyst@example.com", "password": PASSWORD, "role": "analyst"})
    assert again.status_code == 409
    short = api.post("/api/v1/admin/users", headers=admin, json={"email": "x@example.com", "password": "short"})
    assert short.status_code == 422
    token = login(api, "new.analyst@example.com")["access_token"]
    assert api.get("/api/v1/customers", headers=bearer(token)).status_code == 200
    assert any(u["user_id"] == user_id for u in api.get("/api/v1/admin/users?limit=500", headers=admin).json()["items"])

    key = api.post("/api/v1/admin/keys", headers=admin, json={"name": "lender portal", "role": "analyst"})
    assert key.status_code == 201
    key_id, secret = key.json()["api_key_id"], key.json()["key"]
    assert api.get("/api/v1/customers", headers={"X-API-Key": secret}).status_code == 200
    listed = api.get("/api/v1/admin/keys?limit=500", headers=admin).json()["items"]
    assert all("key" not in k for k in listed) and any(k["api_key_id"] == key_id for k in listed)
    assert api.delete(f"/api/v1/admin/keys/{key_id}", headers=admin).status_code == 200
    revoked = api.get("/api/v1/customers", headers={"X-API-Key": secret})
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]
    assert api.delete(f"/api/v1/admin/keys/{key_id}", headers=admin).status_code == 404

    assert api.post(f"/api/v1/admin/users/{user_id}/disable", headers=admin).json()["disabled_at"]
    assert api.get("/api/v1/customers", headers=bearer(token)).status_code == 401
    assert api.post("/api/v1/auth/token", data={"username": "new.analyst@example.com",
                                                "password": PASSWORD}).status_code == 401
    with psycopg.connect(auth_db) as conn:
        actions = {r[0] for r in conn.execute(
            "SELECT action FROM app.audit_log WHERE target IN (%s, %s)", (f"user:{user_id}", f"key:{key_id}"))}
    assert {"user.create", "apikey.create", "apikey.revoke", "user.disable", "auth.login"} <= actions


def test_only_admins_reach_admin_routes(api: TestClient, make_key, make_user) -> None:
    for role in ("analyst", "applicant"):
        response = api.get("/api/v1/admin/users", headers={"X-API-Key": make_key(role=role)})
        assert response.status_code == 403 and "admin role" in response.json()["detail"]
    applicant = login(api, make_user().email)["access_token"]
    assert api.post("/api/v1/admin/keys", headers=bearer(applicant), json={"name": "mine"}).status_code == 403


def test_outside_development_a_short_secret_stops_startup(settings_env) -> None:
    settings_env(APP_ENV="production", JWT_SECRET="short-secret")
    with pytest.raises(InsecureSecret, match="Set it to at least 32 random bytes"):
        create_app("postgresql://unused")


def test_outside_development_a_long_secret_is_accepted(settings_env) -> None:
    settings_env(APP_ENV="production", JWT_SECRET="x" * 48)
    assert create_app("postgresql://unused").title == "BrainOps API"
