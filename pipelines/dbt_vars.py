"""The dbt vars the dbt assets pass (no Dagster here): the as-of date of as-of metrics, and the window
of a partition run of the incremental models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

FULL_REFRESH_TAG = "brainops/dbt_full_refresh"
"""A run tag ("true"): the dbt assets build with --full-refresh. A job's tags reach every run of it (a
schedule's, the launchpad's, the CLI's), unlike a partitioned job's config, which only runs of a
partition get."""


def as_of_date() -> str | None:
    """ANALYTICS_AS_OF_DATE (YYYY-MM-DD) if set; in sample mode the sample's fixed AS_OF, so the marts
    reproduce the generator's truth whatever today is; otherwise None (dbt uses current_date)."""
    from brainops.settings import get_settings

    explicit = (get_settings().analytics_as_of_date or "").strip()
    if explicit:
        try:
            return date.fromisoformat(explicit).isoformat()
        except ValueError:
            raise ValueError(f"ANALYTICS_AS_OF_DATE must be a date like 2026-11-01, not {explicit!r}.") from None
    from brainops.bootstrap import sources_in_sample_mode

    sample = sources_in_sample_mode()
    if "centerpoint" in sample and "stripe" in sample:
        from brainops.sample.timeline import AS_OF

        return AS_OF.date().isoformat()
    return None


def dbt_vars(*, window: tuple[datetime, datetime] | None = None) -> dict[str, Any]:
    """`--vars` for a dbt invocation: as_of_date, and min_date/max_date for a partition window."""
    values: dict[str, Any] = {}
    as_of = as_of_date()
    if as_of:
        values["as_of_date"] = as_of
    if window is not None:
        values["min_date"], values["max_date"] = window[0].isoformat(), window[1].isoformat()
    return values
