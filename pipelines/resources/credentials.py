"""Outside development a source without credentials refuses to run: the generated sample business stands in
for a missing key only on a developer's machine (APP_ENV=development, the default there), never in staging or
production, where a forgotten variable must stop the run instead of loading invented customers."""

from __future__ import annotations

from brainops.env_file import setting


class MissingCredentials(RuntimeError):
    """A source was asked to run without the variable that names its account."""


def environment() -> str:
    """APP_ENV (or ENVIRONMENT), as brainops.settings reads it; development when neither is set."""
    return ((setting("APP_ENV") or setting("ENVIRONMENT") or "development").strip().lower()) or "development"


def refuse_sample_outside_development(source: str, *variables: str) -> None:
    """Called where a resource would start the sample stand-in for lack of credentials."""
    env = environment()
    if env != "development":
        raise MissingCredentials(
            f"{source} has no credentials and APP_ENV is {env!r}: set {' or '.join(variables)} to the account to "
            "sync. Sample data stands in for a missing key only in development (APP_ENV=development).")
