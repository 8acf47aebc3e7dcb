"""Outside development a source without credentials refuses to run: the generated sample business stands in
for a missing key only on a developer's machine (APP_ENV=development, the default there), never in staging or
production, where a forgotten variable must stop the run instead of loading invented customers."""

from __future__ import annotations

from brainops.modes import VARIABLES, current_environment, is_development

NAMES = {"centerpoint": "CenterPoint", "stripe": "Stripe", "notion": "Notion"}


class MissingCredentials(RuntimeError):
    """A source was asked to run without the variable that names its account."""


def refuse_sample_outside_development(source: str) -> None:
    """Called where a resource would start the sample stand-in for lack of credentials."""
    env = current_environment()
    if not is_development(env):
        raise MissingCredentials(
            f"{NAMES[source]} has no credentials and APP_ENV is {env!r}: set {VARIABLES[source][0]} to the account "
            "to sync. Sample data stands in for a missing key only in development (APP_ENV=development).")
