"""LLM calls, provider-neutral (no Dagster): Anthropic or OpenAI through their official SDKs, one
structured tool call at a time, every call recorded (app.llm_calls, or stderr without a warehouse).

Which provider: ANTHROPIC_API_KEY if set, else OPENAI_API_KEY, else none (nothing calls out). Base URLs
are the SDKs' own ANTHROPIC_BASE_URL / OPENAI_BASE_URL; the model is IES_LLM_MODEL (default per provider); how
long a call may wait and how often it is retried, LLM_TIMEOUT_SECONDS and LLM_MAX_RETRIES (chat has its own).
"""

from __future__ import annotations

import os

from pipelines.llm.base import CallSink, ChatTurn, LlmCall, LlmClient, LlmError, StreamUsage, TextStream, Tool

__all__ = ["CallSink", "ChatTurn", "LlmCall", "LlmClient", "LlmError", "StreamUsage", "TextStream", "Tool",
           "llm_from_env"]


def llm_from_env(*, sink: CallSink | None = None, model_variable: str = "IES_LLM_MODEL",
                 timeout: float | None = None, max_retries: int | None = None) -> LlmClient | None:
    """The configured client, or None when no API key is set. `timeout` (seconds the SDK waits to connect and
    for each read) and `max_retries` (the SDK's retries of 429, 5xx and timeouts) default to LLM_TIMEOUT_SECONDS
    and LLM_MAX_RETRIES."""
    anthropic_key = (os.environ.get("ANTHROPIC_API_KEY") or "").strip()
    openai_key = (os.environ.get("OPENAI_API_KEY") or "").strip()
    if not (anthropic_key or openai_key):
        return None  # before the settings model is imported: a run without a key starts sooner
    from brainops.settings import get_settings
    from pipelines.llm.recording import default_sink

    settings = get_settings()
    limits = {"timeout": settings.llm_timeout_seconds if timeout is None else timeout,
              "max_retries": settings.llm_max_retries if max_retries is None else max_retries}
    model = (os.environ.get(model_variable) or "").strip() or None
    sink = sink or default_sink()
    if anthropic_key:
        from pipelines.llm.anthropic_client import DEFAULT_MODEL, AnthropicLlm

        return AnthropicLlm(api_key=anthropic_key, model=model or DEFAULT_MODEL, sink=sink, **limits)
    from pipelines.llm.openai_client import DEFAULT_MODEL, OpenAILlm

    return OpenAILlm(api_key=openai_key, model=model or DEFAULT_MODEL, sink=sink, **limits)
