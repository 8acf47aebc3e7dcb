"""Which sources read a real account and which the generated sample business: said out loud by `brainops up`,
the API's /health and each sync's run log, never left to be inferred from a missing key. The one place that
decides what "development" is and which variable names each source's account."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the resources ask without importing the settings model
    from brainops.settings import Settings

# source -> (the credential variable, the address variable): either one set means a real account or a server
# the operator chose; neither means the sample's local stand-in (development only).
VARIABLES = {
    "centerpoint": ("CENTERPOINT_API_KEY", "CENTERPOINT_BASE_URL"),
    "stripe": ("STRIPE_API_KEY", "STRIPE_API_BASE"),
    "notion": ("NOTION_TOKEN", "NOTION_BASE_URL"),
}


def is_development(environment: str | None) -> bool:
    """APP_ENV (or ENVIRONMENT) unset or `development`."""
    return (environment or "development").strip().lower() in ("", "development")


def current_environment() -> str:
    """APP_ENV (or ENVIRONMENT) as brainops.settings reads it (environment, then `.env`), without pydantic."""
    from brainops.env_file import setting

    return (setting("APP_ENV") or setting("ENVIRONMENT") or "development").strip().lower() or "development"


def source_modes(settings: Settings) -> dict[str, str]:
    """source -> "live", "sample" (no credentials, development) or "refused: set X" (no credentials elsewhere)."""
    modes = {}
    for source, (credential, address) in VARIABLES.items():
        if getattr(settings, credential.lower()) or getattr(settings, address.lower()):
            modes[source] = "live"
        elif is_development(settings.environment):
            modes[source] = "sample"
        else:
            modes[source] = f"refused: set {credential}"
    return modes
