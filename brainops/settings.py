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
    ies_landing_dir: str | None = None

    sample_scale: float = 1
    sample_seed: int = 42

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    api_pool_max_size: int = 10


@lru_cache
def get_settings() -> Settings:
    return Settings()
