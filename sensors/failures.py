"""Recording failed runs and alerting on them: plain functions the run-failure sensor calls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import httpx
import psycopg


@dataclass(frozen=True)
class Failure:
    run_id: str
    job_name: str
    asset_keys: Sequence[str]
    error: str


def record_failure(conn: psycopg.Connection, failure: Failure) -> bool:
    """Store a failed run once (a sensor re-evaluation must not double-count); True when new."""
    cur = conn.execute(
        """INSERT INTO app.pipeline_failures (run_id, job_name, asset_keys, error)
           VALUES (%s, %s, %s, %s) ON CONFLICT (run_id) DO NOTHING RETURNING pipeline_failure_id""",
        (failure.run_id, failure.job_name, list(failure.asset_keys), failure.error[:10_000]),
    )
    return cur.fetchone() is not None


def post_alert(url: str, failure: Failure, *, dagster_ui_url: str | None = None, timeout: float = 10.0) -> None:
    """POST a short JSON alert (Slack-compatible `text` plus structured fields) to ALERT_WEBHOOK_URL."""
    link = f" {dagster_ui_url.rstrip('/')}/runs/{failure.run_id}" if dagster_ui_url else ""
    assets = ", ".join(failure.asset_keys[:10]) or "-"
    body = {
        "text": f"BrainOps run failed: {failure.job_name} ({assets}).{link}\n{failure.error[:500]}",
        "run_id": failure.run_id,
        "job_name": failure.job_name,
        "asset_keys": list(failure.asset_keys),
        "error": failure.error[:2000],
    }
    httpx.post(url, json=body, timeout=timeout).raise_for_status()


def mark_alerted(conn: psycopg.Connection, run_id: str) -> None:
    conn.execute("UPDATE app.pipeline_failures SET alerted_at = now() WHERE run_id = %s", (run_id,))
