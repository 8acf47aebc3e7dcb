"""Bring the local platform to a runnable state: database, migrations, Dagster home, sample data.

Every step is idempotent, so `brainops up` on an existing `.data/` only checks and moves on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from brainops.paths import dagster_home, data_dir, sample_dir
from brainops.settings import get_settings
from brainops.warehouse import connection, migrate
from brainops.warehouse.connection import dbt_env

DAGSTER_YAML = """\
# Written by `brainops` (brainops/bootstrap.py); Dagster's runs, event log and schedules in Postgres.
storage:
  postgres:
    postgres_url:
      env: DAGSTER_PG_URL
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 2
# The rest as in deploy/dagster.yaml (tests/faults checks they agree).
# Each run is a subprocess of the code server (DefaultRunLauncher), plus a health check of its worker.
run_launcher:
  module: brainops.run_launcher
  class: MonitoredRunLauncher
# A run whose worker died (the daemon and its code server killed, the host restarted) is marked failed within
# a poll interval of the daemon being up; one stuck starting or canceling is ended after 3 minutes.
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  cancel_timeout_seconds: 180
  max_resume_run_attempts: 0  # DefaultRunLauncher cannot resume a run: it is retried instead
  poll_interval_seconds: 30
# A run that failed for an infrastructure reason (its worker died) is launched again, twice at most; an asset
# that failed is not (the source assets have their own retry policy).
run_retries:
  enabled: true
  max_retries: 2
  retry_on_asset_or_op_failure: false
telemetry:
  enabled: false
"""


@dataclass(frozen=True)
class Environment:
    warehouse_url: str
    dagster_url: str
    dagster_home: Path
    migrations_applied: list[str]


def prepare_database() -> Environment:
    """Start Postgres if embedded, create databases, migrate, and export the URLs for child processes."""
    connection.ensure_databases()
    warehouse = connection.warehouse_url()
    applied = migrate.migrate(warehouse)
    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    # An explicitly configured DAGSTER_HOME (docker-compose, a deployment) owns its dagster.yaml.
    ours = "DAGSTER_HOME" not in os.environ or home == data_dir() / "dagster_home"
    if not config.exists() or (ours and config.read_text() != DAGSTER_YAML):
        config.write_text(DAGSTER_YAML)
    env = Environment(warehouse, connection.dagster_url(), home, applied)
    export(env)
    return env


def export(env: Environment) -> None:
    os.environ["BRAINOPS_WAREHOUSE_URL"] = env.warehouse_url
    os.environ["DAGSTER_PG_URL"] = env.dagster_url
    os.environ["DAGSTER_HOME"] = str(env.dagster_home)
    os.environ.update(dbt_env(env.warehouse_url))


def sources_in_sample_mode() -> list[str]:
    from brainops.modes import source_modes

    return [name for name, mode in source_modes(get_settings()).items() if mode == "sample"]


def sample_ready() -> bool:
    return (sample_dir(get_settings().sample_scale) / "manifest.json").exists()
