"""Conversation state: what the bot awaits from a phone, read and written on every turn."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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


_TURN_USER = "id, phone, name, role, language"


def turn_start_query(phone: str) -> str:
    """The one-row read of a turn's start for the phone given by the SQL expression `phone` (a parameter,
    or a column of the query it joins); its columns are prefixed `user_`, `convo_` and `shown`."""
    return ("SELECT " + ", ".join(f"u.{c} AS user_{c}" for c in _TURN_USER.split(", ")) + ", "
            + ", ".join(f"c.{c} AS convo_{c}" for c in _CONVERSATION.split(", "))
            + f", (SELECT interactive FROM outbound_messages WHERE recipient = {phone} ORDER BY id DESC LIMIT 1)"
            f" AS shown FROM (SELECT) AS one LEFT JOIN users u ON u.phone = {phone} AND u.active"
            f" LEFT JOIN conversations c ON c.phone = {phone}")


def turn_start_from(row: Mapping[str, Any], phone: str) -> TurnStart:
    """The TurnStart of a row read with `turn_start_query` (other columns may come along)."""
    user = User(*(row[f"user_{c}"] for c in _TURN_USER.split(", "))) if row["user_id"] is not None else None
    convo = (Conversation(*(row[f"convo_{c}"] for c in _CONVERSATION.split(", "))) if row["convo_phone"]
             else Conversation(phone))
    return TurnStart(user, convo, Interactive.from_json(row["shown"]) if row["shown"] else None)


class ConversationRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def load(self, phone: str) -> Conversation:
        row = await self.conn.fetchrow(f"SELECT {_CONVERSATION} FROM conversations WHERE phone = $1", phone)
        return Conversation(**row) if row else Conversation(phone)

    async def turn_start(self, phone: str) -> TurnStart:
        """The active user of `phone`, its conversation and the latest interactive message sent to it, in
        one round trip (each as UserRepository.by_phone, load and OutboxRepository.last_interactive)."""
        return turn_start_from(await self.conn.fetchrow(turn_start_query("$1"), phone), phone)

    async def save(self, convo: Conversation, at: datetime) -> None:
        await self.conn.execute(save_query(1), *save_args(convo, at))


def save_query(first: int) -> str:
    """The upsert of a conversation, its 7 parameters numbered from `first` (another statement may
    carry it in a CTE: one round trip for both)."""
    p = [f"${first + i}" for i in range(7)]
    return ("INSERT INTO conversations (phone, state, data, language, last_inbound_at, updated_at, written_language)"
            f" VALUES ({', '.join(p)}) ON CONFLICT (phone) DO UPDATE SET state = EXCLUDED.state,"
            " data = EXCLUDED.data, language = EXCLUDED.language, last_inbound_at = EXCLUDED.last_inbound_at,"
            " updated_at = EXCLUDED.updated_at, written_language = EXCLUDED.written_language")


def save_args(convo: Conversation, at: datetime) -> tuple[Any, ...]:
    """The parameters of `save_query`, in its order."""
    return convo.phone, convo.state, convo.data, convo.language, convo.last_inbound_at, at, convo.written_language
