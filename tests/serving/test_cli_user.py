"""`brainops user create`, run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

from brainops.users import verify_password

BRAINOPS = str(Path(sys.executable).parent / "brainops")


def run(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BRAINOPS_WAREHOUSE_URL"}
    if password:
        env["BRAINOPS_USER_PASSWORD"] = password
    return subprocess.run([BRAINOPS, *args], capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL)


def test_user_create_stores_an_argon2_hash_and_a_principal(pg_server: str) -> None:
    password = "a long enough password"
    result = run("user", "create", "--email", "cli.user@example.com", "--role", "analyst", "--tier", "premium",
                 password=password)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Created analyst user cli.user@example.com" in result.stdout + result.stderr
    url = run("db", "url").stdout.strip().splitlines()[-1]
    with psycopg.connect(url) as conn:
        row = conn.execute(
            """SELECT u.role, u.tier, u.password_hash, k.kind FROM app.users u
               JOIN app.api_keys k ON k.user_id = u.user_id WHERE u.email = 'cli.user@example.com'""").fetchone()
    assert row[:2] == ("analyst", "premium") and row[3] == "user"
    assert row[2].startswith("$argon2id$") and verify_password(row[2], password)
    again = run("user", "create", "--email", "CLI.User@example.com", password=password)
    assert again.returncode == 2 and "exists already" in again.stdout + again.stderr


def test_a_short_password_is_refused_with_the_rule(pg_server: str) -> None:
    result = run("user", "create", "--email", "short@example.com", password="short")
    assert result.returncode == 2 and "at least 12 characters" in result.stdout + result.stderr
