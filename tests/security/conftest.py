"""The fault-and-attack suite (issue 11): each finding of the attack review reproduced and shown fixed.

The real app on a fresh migrated warehouse, with the IES tests' keys (two applicants, an admin, an analyst)."""

from tests.ies_pipeline.conftest import api, ies_env, keys  # noqa: F401  (fixtures shared with the IES tests)
