"""Stripe: the official SDK client, object catalogue, sync and webhook routing (no Dagster imports)."""
