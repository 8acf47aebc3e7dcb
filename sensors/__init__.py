"""Dagster sensors (uploads, webhook events, run failures), merged by pipelines/definitions.py."""

from __future__ import annotations

import dagster as dg

ALL_SENSORS: list[dg.SensorDefinition] = []
