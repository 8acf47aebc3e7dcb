"""Configuration from environment variables (documented in .env.example)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from brainops.env_file import ENV_FILE
from brainops.local_secrets import stored_secret


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=ENV_FILE, extra="ignore")

    # APP_ENV (or ENVIRONMENT): development, staging or production; outside development short secrets are refused.
    environment: str = Field("development", validation_alias=AliasChoices("APP_ENV", "ENVIRONMENT"))
    database_url: str | None = None

    centerpoint_api_key: str | None = None
    centerpoint_base_url: str | None = None
    centerpoint_auth_scheme: str = "Bearer"
    centerpoint_page_size: int = 100
    # A source that stops answering (5xx, 429, refused connections, timeouts): each request is retried with
    # exponential backoff and jitter (Retry-After honoured) for up to SOURCE_RETRY_SECONDS; then the ingest
    # asset fails and Dagster retries it SOURCE_RUN_RETRIES times, the first after SOURCE_RUN_RETRY_DELAY_SECONDS,
    # doubling (with jitter). The defaults ride out about an hour before the run fails and alerts.
    source_retry_seconds: float = 300
    source_run_retries: int = 5
    source_run_retry_delay_seconds: float = 30

    stripe_api_key: str | None = None
    stripe_api_base: str | None = None
    stripe_webhook_secret: str | None = None
    notion_token: str | None = None
    notion_base_url: str | None = None
    notion_webhook_secret: str | None = None
    anthropic_api_key: str | None = None
    openai_api_key: str | None = None
    embeddings_provider: str = "local"
    # How long an LLM request may take and how often the SDK retries it: structured calls (IES; each request is
    # also bounded by the document's time limit) and chat, whose answer falls back to the passages sooner.
    llm_timeout_seconds: float = 120
    llm_max_retries: int = 3
    chat_llm_timeout_seconds: float = 15
    chat_llm_max_retries: int = 1
    # Search (pipelines/rag): HNSW ef_search and candidates per branch; ONNX Runtime threads for query embedding
    # in the API (one short query gains little from a second thread and loses much when cores are busy).
    search_ef_search: int = 100
    search_candidates: int = 40
    embeddings_threads: int = 1
    ies_landing_dir: str | None = None
    upload_dir: str | None = None  # the IES upload store; default <data dir>/uploads
    # The IES limits are kept as text here and parsed by pipelines/ies/limits.py (defaults there): a value that
    # is not a number gets that module's sentence naming the variable, instead of failing every setting.
    ies_document_timeout_seconds: str | None = None  # per-document extraction limit, seconds (120)
    ies_max_pages: str | None = None  # a PDF with more pages is refused as no single statement (100)
    # Size limits (SizeLimits): checked before a file is unpacked, decoded or rendered.
    ies_max_uncompressed_mb: str | None = None
    ies_max_compression_ratio: str | None = None
    ies_max_zip_members: str | None = None
    ies_max_cells: str | None = None
    ies_max_image_pixels: str | None = None
    ies_max_page_pixels: str | None = None
    ies_ocr_workers: str | None = None  # scanned pages OCR'd at once (2); parsed by pipelines/ies/ocr.py

    sample_scale: float = 1
    # The as-of date of the analytics (aging, days late, risk windows); unset: the sample's AS_OF in
    # sample mode, else today (pipelines/dbt_vars.py).
    analytics_as_of_date: str | None = None
    sample_seed: int = 42

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    api_pool_max_size: int = 10
    # Outages: the longest a request waits for a pooled connection, and libpq's connect timeout (whole seconds,
    # at least 2); past them the request gets a JSON 503 with Retry-After instead of hanging (serving/db.py).
    api_pool_timeout_seconds: float = 1.5
    api_db_connect_timeout_seconds: int = 3
    # Slow clients (serving/server.py): request headers must arrive within this, the gap between body chunks may
    # not exceed that, and an idle keep-alive connection is closed after the last.
    api_header_timeout_seconds: float = 10
    api_body_idle_timeout_seconds: float = 30
    api_keepalive_timeout_seconds: float = 5
    # Hosts the API answers to (the Host header; "*" for any), and the base of every absolute URL it sends back
    # (Location, status_url, next); default http://127.0.0.1:<API_PORT>.
    allowed_hosts: str = "127.0.0.1,localhost,testserver"
    public_url: str | None = None
    # Identity, limits and observability of the API (serving/auth.py, serving/middleware.py, serving/metrics.py).
    # Unset (or empty): a random secret generated once into <data dir>/secrets/jwt_secret; read it through
    # jwt_signing_secret(), never this field, so every process (API workers, CLI) agrees.
    jwt_secret: str | None = None
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 14 * 86400
    ies_quota_free: int = 5
    ies_quota_premium: int = 100
    ies_quota_enterprise: int = 1000
    rate_limit_per_minute: int = 600  # per key (or per client address before login), across the workers
    rate_limit_burst: int = 100
    web_concurrency: int = 1  # uvicorn's worker count: each worker keeps 1/N of the rate limit
    max_body_bytes: int = 1_048_576  # every route but the IES upload, which has its own limit
    cors_origins: str = ""  # comma-separated allow-list; empty: no cross-origin access
    metrics_require_key: bool = False

    def jwt_signing_secret(self) -> str:
        """JWT_SECRET as set, else the generated one kept in the data directory (brainops/local_secrets.py)."""
        return self.jwt_secret or stored_secret("jwt_secret", "JWT_SECRET")


@lru_cache
def get_settings() -> Settings:
    return Settings()
