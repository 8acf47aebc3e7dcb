"""Data-quality checks. `expectations` holds the Great Expectations suites as data and a runner over a
pandas frame (no Dagster); `gx` wraps them as Dagster asset checks."""
