"""Notion: API client (over the official notion-client), block rendering and incremental sync (no Dagster imports)."""
