"""Conversation state: what the bot awaits from a phone, read and written on every turn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from domain.conversations import Conversation
from domain.interactive import Interactive
from domain.people import User

_CONVERSATION = "phone, state, data, language, last_inbound_at, written_language"


@dataclass(frozen=True)
class TurnStart:
    """What the handling of a message starts from: who wrote, their conversation, the buttons last shown."""

    user: User | None
    convo: Conversation
    last_interactive: Interactive | None


class ConversationRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def load(self, phone: str) -> Conversation:
        row = await self.conn.fetchrow(f"SELECT {_CONVERSATION} FROM conversations WHERE phone = $1", phone)
        return Conversation(**row) if row else Conversation(phone)

    async def turn_start(self, phone: str) -> TurnStart:
        """The active user of `phone`, its conversation and the latest interactive message sent to it, in
        one round trip (each as UserRepository.by_phone, load and OutboxRepository.last_interactive)."""
        row = await self.conn.fetchrow(
            "SELECT u.id, u.phone AS user_phone, u.name, u.role, u.language AS user_language, c.phone, c.state,"
            " c.data, c.language, c.last_inbound_at, c.written_language, (SELECT interactive FROM outbound_messages"
            " WHERE recipient = $1 ORDER BY id DESC LIMIT 1) AS shown FROM (SELECT) AS one"
            " LEFT JOIN users u ON u.phone = $1 AND u.active LEFT JOIN conversations c ON c.phone = $1", phone)
        user = User(row["id"], row["user_phone"], row["name"], row["role"], row["user_language"]) if (
            row["id"] is not None) else None
        convo = Conversation(*(row[k] for k in _CONVERSATION.split(", "))) if row["phone"] else Conversation(phone)
        return TurnStart(user, convo, Interactive.from_json(row["shown"]) if row["shown"] else None)

    async def save(self, convo: Conversation, at: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO conversations (phone, state, data, language, last_inbound_at, updated_at, written_language)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (phone) DO UPDATE SET state = EXCLUDED.state,"
            " data = EXCLUDED.data, language = EXCLUDED.language, last_inbound_at = EXCLUDED.last_inbound_at,"
            " updated_at = EXCLUDED.updated_at, written_language = EXCLUDED.written_language",
            convo.phone, convo.state, convo.data, convo.language, convo.last_inbound_at, at, convo.written_language,
        )
