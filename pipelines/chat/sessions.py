"""Chat sessions and messages (app.chat_sessions, app.chat_messages), owned by the API key that opened them.

An exchange (the question, the answer with its citations and usage, and the LLM calls it made) is written
in one transaction when the answer is complete, so a failed or interrupted answer leaves no half-written
session behind. A session another caller opened reads as missing: its id tells nothing to others.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from pipelines.llm.base import ChatTurn, LlmCall

TITLE_CHARS = 80

_INSERT_CALL = """
INSERT INTO app.llm_calls (provider, model, purpose, document_id, input_tokens, output_tokens, cost_usd,
                           latency_ms, status, error, created_at)
VALUES (%(provider)s, %(model)s, %(purpose)s, %(document_id)s, %(input_tokens)s, %(output_tokens)s,
        %(cost_usd)s, %(latency_ms)s, %(status)s, %(error)s, %(created_at)s)
"""


class SessionNotFound(LookupError):
    """No session with that id belongs to the caller."""


@dataclass(frozen=True)
class Exchange:
    session_id: uuid.UUID
    question: str
    answer: str
    citations: list[dict[str, Any]]
    usage: dict[str, Any]


def parse_session_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise SessionNotFound(f"No chat session {value!r}: session ids are the UUIDs this API returned.") from exc


async def load_history(
    conn: AsyncConnection,
    session_id: uuid.UUID,
    *,
    owner_api_key_id: int,
    owner_user_id: int | None = None,
    limit: int = 20,
) -> list[ChatTurn]:
    """The session's last `limit` messages, oldest first; SessionNotFound unless the caller owns it: the key
    that opened it, or the same user by any of their keys or a token."""
    cur = await conn.execute(
        """SELECT 1 FROM app.chat_sessions WHERE session_id = %s
           AND (owner_api_key_id = %s OR (owner_user_id IS NOT NULL AND owner_user_id = %s))""",
        (session_id, owner_api_key_id, owner_user_id),
    )
    if await cur.fetchone() is None:
        raise SessionNotFound(f"No chat session {session_id} belongs to this API key: start a new one without "
                              "session_id.")
    cur = await conn.execute(
        """SELECT role, content FROM (
               SELECT message_id, role, content FROM app.chat_messages WHERE session_id = %s
               ORDER BY message_id DESC LIMIT %s) AS last ORDER BY message_id""",
        (session_id, limit),
    )
    return [ChatTurn(role, content) for role, content in await cur.fetchall()]


async def save_exchange(
    conn: AsyncConnection,
    exchange: Exchange,
    *,
    owner_api_key_id: int,
    calls: list[LlmCall],
    owner_user_id: int | None = None,
) -> None:
    """The question and answer (creating the session on its first exchange) and the LLM calls, atomically."""
    async with conn.transaction():
        await conn.execute(
            """INSERT INTO app.chat_sessions (session_id, owner_api_key_id, owner_user_id, title)
               VALUES (%s, %s, %s, %s)
               ON CONFLICT (session_id) DO UPDATE SET updated_at = now()
               WHERE app.chat_sessions.owner_api_key_id = EXCLUDED.owner_api_key_id
                  OR app.chat_sessions.owner_user_id = EXCLUDED.owner_user_id""",
            (exchange.session_id, owner_api_key_id, owner_user_id, _title(exchange.question)),
        )
        async with conn.cursor() as cur:
            await cur.executemany(
                """INSERT INTO app.chat_messages (session_id, role, content, citations, usage)
                   VALUES (%s, %s, %s, %s, %s)""",
                [
                    (exchange.session_id, "user", exchange.question, Jsonb([]), None),
                    (exchange.session_id, "assistant", exchange.answer, Jsonb(exchange.citations),
                     Jsonb(exchange.usage)),
                ],
            )
        await record_calls(conn, calls)


async def record_calls(conn: AsyncConnection, calls: list[LlmCall]) -> None:
    if calls:
        async with conn.cursor() as cur:
            await cur.executemany(_INSERT_CALL, [vars(call) for call in calls])


def _title(question: str) -> str:
    text = " ".join(question.split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"
