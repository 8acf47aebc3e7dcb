"""The warehouse: one Postgres with pgvector (embedded by default)."""
