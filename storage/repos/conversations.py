"""Conversation state: what the bot awaits from a phone, read and written on every turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

IDLE = "idle"


@dataclass
class Conversation:
    phone: str
    state: str = IDLE
    data: dict[str, Any] = field(default_factory=dict)
    language: str | None = None          # the language the person chose
    last_inbound_at: datetime | None = None
    written_language: str | None = None  # the language they last wrote in, when it was clear

    def set(self, state: str, **data: Any) -> None:
        """Await something new; `data` replaces what the previous state kept."""
        self.state = state
        self.data = data

    def reset(self) -> None:
        self.set(IDLE)


class ConversationRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def load(self, phone: str) -> Conversation:
        row = await self.conn.fetchrow(
            "SELECT phone, state, data, language, last_inbound_at, written_language FROM conversations"
            " WHERE phone = $1",
            phone,
        )
        return Conversation(**row) if row else Conversation(phone)

    async def save(self, convo: Conversation, at: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO conversations (phone, state, data, language, last_inbound_at, updated_at, written_language)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (phone) DO UPDATE SET state = EXCLUDED.state,"
            " data = EXCLUDED.data, language = EXCLUDED.language, last_inbound_at = EXCLUDED.last_inbound_at,"
            " updated_at = EXCLUDED.updated_at, written_language = EXCLUDED.written_language",
            convo.phone, convo.state, convo.data, convo.language, convo.last_inbound_at, at, convo.written_language,
        )
