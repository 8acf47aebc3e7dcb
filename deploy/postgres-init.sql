-- Run once by the postgres image on an empty data directory, connected to $POSTGRES_DB (the warehouse).
-- Dagster's instance storage gets its own database; the warehouse gets pgvector
-- (migration 0001 creates it too, but it needs superuser rights, which this script has).
SELECT 'CREATE DATABASE dagster'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'dagster')\gexec

CREATE EXTENSION IF NOT EXISTS vector;
