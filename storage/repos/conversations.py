"""Conversation state: what the bot awaits from a phone, read and written on every turn."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from domain.conversations import Conversation


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
