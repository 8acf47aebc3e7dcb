"""Bulk loaders into the warehouse (no Dagster imports)."""
