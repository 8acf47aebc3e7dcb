"""USD per million tokens (input, output), from the providers' published list prices; a dated snapshot
("claude-sonnet-4-5-20250929") is priced as its alias. A model not listed is recorded with cost NULL:
add it here rather than guess."""

from __future__ import annotations

PER_MILLION: dict[str, tuple[float, float]] = {
    "anthropic:claude-opus-4-1": (15.0, 75.0),
    "anthropic:claude-opus-4-5": (5.0, 25.0),
    "anthropic:claude-sonnet-4-5": (3.0, 15.0),
    "anthropic:claude-haiku-4-5": (1.0, 5.0),
    "openai:gpt-5": (1.25, 10.0),
    "openai:gpt-5-mini": (0.25, 2.0),
    "openai:gpt-4.1": (2.0, 8.0),
    "openai:gpt-4.1-mini": (0.4, 1.6),
    "openai:gpt-4o": (2.5, 10.0),
    "openai:gpt-4o-mini": (0.15, 0.6),
}


def price(provider: str, model: str) -> tuple[float, float] | None:
    name = f"{provider}:{model}"
    # the longest listed alias the model name starts with: "gpt-4o-mini-2024-07-18" is gpt-4o-mini, not gpt-4o
    for alias in sorted(PER_MILLION, key=len, reverse=True):
        if name == alias or name.startswith(alias + "-"):
            return PER_MILLION[alias]
    return None


def cost_usd(provider: str, model: str, input_tokens: int | None, output_tokens: int | None) -> float | None:
    rates = price(provider, model)
    if rates is None or input_tokens is None or output_tokens is None:
        return None
    return round((input_tokens * rates[0] + output_tokens * rates[1]) / 1_000_000, 8)
