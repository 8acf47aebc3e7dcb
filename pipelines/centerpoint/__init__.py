"""CenterPoint Connect: HTTP client, resource catalogue and sync (no Dagster imports)."""
