"""Configuration from environment variables (documented in .env.example)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: str = "development"
    database_url: str | None = None

    centerpoint_api_key: str | None = None
    centerpoint_base_url: str | None = None
    centerpoint_auth_scheme: str = "Bearer"
    centerpoint_page_size: int = 100

    stripe_api_key: str | None = None
    stripe_api_base: str | None = None
    stripe_webhook_secret: str | None = None
    notion_token: str | None = None
    notion_base_url: str | None = None
    notion_webhook_secret: str | None = None
    anthropic_api_key: str | None = None
    openai_api_key: str | None = None
    embeddings_provider: str = "local"
    # Search (pipelines/rag): HNSW ef_search and candidates per branch; torch threads for query embedding
    # in the API (one short query gains little from a second thread and loses much when cores are busy).
    search_ef_search: int = 100
    search_candidates: int = 40
    embeddings_threads: int = 1
    ies_landing_dir: str | None = None
    upload_dir: str | None = None  # the IES upload store; default <data dir>/uploads

    sample_scale: float = 1
    # The as-of date of the analytics (aging, days late, risk windows); unset: the sample's AS_OF in
    # sample mode, else today (pipelines/dbt_vars.py).
    analytics_as_of_date: str | None = None
    sample_seed: int = 42

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    api_pool_max_size: int = 10


@lru_cache
def get_settings() -> Settings:
    return Settings()
