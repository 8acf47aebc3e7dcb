"""The JWT secret: none in the code. Unset, it is generated once into <data dir>/secrets/jwt_secret (0600,
directory 0700) in every mode, and every process (workers starting together, a restart) ends with the same."""

from __future__ import annotations

import multiprocessing
import os
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient

from brainops.paths import PROJECT_ROOT, data_dir
from brainops.settings import Settings
from serving.app import create_app
from serving.auth import ISSUER, InsecureSecret
from tests.serving.conftest import bearer, login

# What brainops/settings.py used to sign with in development: anyone with the code could mint tokens.
OLD_CODE_DEFAULT = "dev-only-jwt-secret-change-me-for-anything-real"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def own_data_dir(tmp_path: Path, settings_env, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory of the test's own, with JWT_SECRET unset."""
    monkeypatch.delenv("JWT_SECRET", raising=False)
    settings_env(BRAINOPS_DATA_DIR=str(tmp_path / "data"))
    return tmp_path / "data"


def test_unset_the_secret_is_generated_once_private_and_reused(own_data_dir: Path) -> None:
    path = own_data_dir / "secrets" / "jwt_secret"
    assert not path.exists()
    secret = Settings().jwt_signing_secret()
    assert path.read_text().strip() == secret and len(secret) >= 64
    assert _mode(path) == 0o600 and _mode(path.parent) == 0o700
    assert Settings().jwt_signing_secret() == secret
    # A new process (a restart, or the CLI) reads the same file rather than making another.
    again = subprocess.run([sys.executable, "-c", "from brainops.settings import Settings; "
                            "print(Settings().jwt_signing_secret())"],
                           cwd=PROJECT_ROOT, env={**os.environ}, capture_output=True, text=True, check=True)
    assert again.stdout.strip() == secret
    assert sorted(p.name for p in path.parent.iterdir()) == ["jwt_secret"]  # no temp files left behind


def _race(barrier, results, root: str) -> None:
    os.environ["BRAINOPS_DATA_DIR"] = root
    os.environ.pop("JWT_SECRET", None)
    from brainops.settings import Settings

    barrier.wait()
    results.put(Settings().jwt_signing_secret())


def test_workers_starting_together_end_with_one_secret(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    workers = 8
    barrier, results = ctx.Barrier(workers), ctx.Queue()
    processes = [ctx.Process(target=_race, args=(barrier, results, str(tmp_path))) for _ in range(workers)]
    for process in processes:
        process.start()
    secrets = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    stored = (tmp_path / "secrets" / "jwt_secret").read_text().strip()
    assert set(secrets) == {stored}
    assert sorted(p.name for p in (tmp_path / "secrets").iterdir()) == ["jwt_secret"]


def _claims(user_id: int) -> dict:
    now = int(time.time())
    return {"sub": str(user_id), "role": "admin", "sid": str(uuid.uuid4()), "typ": "access", "iss": ISSUER,
            "iat": now, "exp": now + 600}


def test_a_token_signed_with_the_old_code_default_is_refused(api: TestClient, make_user) -> None:
    """The finding: with the secret in the code, a hand-made token named any user. It names nobody now."""
    victim = make_user(role="admin")
    forged = jwt.encode(_claims(victim.user_id), OLD_CODE_DEFAULT, algorithm="HS256")
    response = api.get("/api/v1/auth/me", headers=bearer(forged))
    assert response.status_code == 401 and "not valid" in response.json()["detail"]
    assert api.get("/api/v1/admin/users", headers=bearer(forged)).status_code == 401
    # The same claims signed with the deployment's secret pass: only the secret made the difference.
    generated = (data_dir() / "secrets" / "jwt_secret").read_text().strip()
    genuine = jwt.encode(_claims(victim.user_id), generated, algorithm="HS256")
    assert api.get("/api/v1/auth/me", headers=bearer(genuine)).json()["user_id"] == victim.user_id


def test_two_apps_without_jwt_secret_accept_each_others_tokens(api: TestClient, auth_db: str, make_user) -> None:
    user = make_user()
    token = login(api, user.email)["access_token"]
    with TestClient(create_app(auth_db)) as other:
        assert other.get("/api/v1/auth/me", headers=bearer(token)).json()["user_id"] == user.user_id
        token = login(other, user.email)["access_token"]
    assert api.get("/api/v1/auth/me", headers=bearer(token)).json()["user_id"] == user.user_id


def test_production_without_jwt_secret_starts_with_the_generated_one(
    own_data_dir: Path, settings_env, auth_db: str, make_user
) -> None:
    settings_env(APP_ENV="production", UPLOAD_DIR=str(own_data_dir / "uploads"))
    user = make_user()
    with TestClient(create_app(auth_db)) as client:
        token = login(client, user.email)["access_token"]
        assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 200
    stored = (own_data_dir / "secrets" / "jwt_secret").read_text().strip()
    assert jwt.decode(token, stored, algorithms=["HS256"], issuer=ISSUER)["sub"] == str(user.user_id)


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_a_short_jwt_secret_is_refused_outside_development(own_data_dir: Path, settings_env,
                                                           environment: str) -> None:
    settings_env(APP_ENV=environment, JWT_SECRET="short-secret")
    with pytest.raises(InsecureSecret, match="JWT_SECRET is shorter than 32 bytes"):
        create_app("postgresql://unused")
    assert not (own_data_dir / "secrets").exists()  # refused: nothing generated in its place


def test_a_set_jwt_secret_is_used_as_is(own_data_dir: Path, settings_env) -> None:
    settings_env(APP_ENV="production", JWT_SECRET="y" * 40)
    assert Settings().jwt_signing_secret() == "y" * 40
    create_app("postgresql://unused")
    assert not (own_data_dir / "secrets").exists()


def test_a_data_directory_that_cannot_hold_the_secret_stops_startup(own_data_dir: Path) -> None:
    own_data_dir.mkdir(parents=True)
    (own_data_dir / "secrets").write_text("a file where the folder should be")
    with pytest.raises(RuntimeError, match="set JWT_SECRET to at least 32 random bytes"):
        create_app("postgresql://unused")
