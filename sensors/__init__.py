"""Dagster sensors (uploads, webhook events, run failures), merged by pipelines/definitions.py."""

from __future__ import annotations

import dagster as dg

from sensors.run_failure import record_run_failures
from sensors.uploads import ies_uploads_sensor
from sensors.webhooks import webhook_events_sensor

ALL_SENSORS: list[dg.SensorDefinition] = [webhook_events_sensor, record_run_failures, ies_uploads_sensor]
