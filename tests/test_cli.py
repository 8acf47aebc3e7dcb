"""The `brainops` console script, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg

from brainops.apikeys import hash_key
from brainops.warehouse import connection

BRAINOPS = str(Path(sys.executable).parent / "brainops")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BRAINOPS_WAREHOUSE_URL"}
    return subprocess.run([BRAINOPS, *args], capture_output=True, text=True, env=env, timeout=120)


def test_apikey_create_prints_the_key_alone_on_the_last_line(pg_server: str) -> None:
    result = run("apikey", "create", "--name", "cli test", "--role", "admin")
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip().splitlines()[-1]
    assert key.startswith("bo_") and " " not in key
    url = run("db", "url").stdout.strip().splitlines()[-1]
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT name, role FROM app.api_keys WHERE key_hash = %s", (hash_key(key),)).fetchone()
    assert row == ("cli test", "admin")


def test_an_unknown_role_is_refused_with_the_valid_ones_named(pg_server: str) -> None:
    result = run("apikey", "create", "--name", "x", "--role", "superuser")
    assert result.returncode == 2
    assert "admin, analyst, applicant" in result.stderr


def test_db_url_names_the_embedded_server_socket(pg_server: str) -> None:
    result = run("db", "url")
    assert result.returncode == 0
    assert "host=" in result.stdout and "/pg" in result.stdout


def test_sample_generate_writes_a_complete_sample_with_counts(tmp_path: Path) -> None:
    out = tmp_path / "sample"
    result = run("sample", "generate", "--scale", "0.02", "--seed", "3", "--out", str(out))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["centerpoint/companies"] > 0
    assert "centerpoint/companies" in result.stderr
    again = run("sample", "generate", "--scale", "0.02", "--seed", "3", "--out", str(out))
    assert "already" in again.stderr


def test_materialize_runs_a_selection_recorded_in_dagsters_postgres_storage(pg_server: str, sample_dir: Path) -> None:
    result = run("materialize", "--select", "key:raw/centerpoint_employees")
    assert result.returncode == 0, result.stderr[-3000:]
    url = run("db", "url").stdout.strip().splitlines()[-1]
    with psycopg.connect(url) as conn:
        employees = conn.execute("SELECT count(*) FROM raw.centerpoint_employees").fetchone()[0]
        companies = conn.execute("SELECT count(*) FROM raw.centerpoint_companies").fetchone()[0]
    assert employees > 0 and companies == 0  # only the selection ran
    with psycopg.connect(connection.with_database(pg_server, "dagster")) as conn:
        runs = conn.execute("SELECT status FROM runs").fetchall()
    assert ("SUCCESS",) in runs


def test_production_without_a_stripe_key_refuses_and_writes_no_sample_row(pg_server: str, sample_dir: Path) -> None:
    """Outside development a missing key stops the run, naming the variable: the generated business never
    stands in for a forgotten credential."""
    url = run("db", "url").stdout.strip().splitlines()[-1]

    def customers() -> int:
        with psycopg.connect(url) as conn:
            exists = conn.execute("SELECT to_regclass('raw.stripe_customers')").fetchone()[0]
            return conn.execute("SELECT count(*) FROM raw.stripe_customers").fetchone()[0] if exists else 0

    before = customers()
    env = {k: v for k, v in os.environ.items()
           if k not in ("BRAINOPS_WAREHOUSE_URL", "STRIPE_API_KEY", "STRIPE_API_BASE")} | {"APP_ENV": "production"}
    result = subprocess.run([BRAINOPS, "materialize", "--select", "group:stripe"], capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode != 0
    assert "STRIPE_API_KEY" in result.stdout + result.stderr
    assert customers() == before
