"""Inbound messages: stored once per provider message id, handled in arrival order per sender."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from domain.conversations import Conversation
from storage.repos.conversations import TurnStart, save_args, save_query, turn_start_from, turn_start_query


@dataclass(frozen=True)
class InboundRecord:
    id: int
    provider: str
    provider_id: str
    phone: str
    body: str
    media: list[dict[str, Any]] = field(default_factory=list)
    profile_name: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    received_at: datetime | None = None
    burst: tuple[int, int] | None = None  # (sent, limited) over the sender window, when read with it
    # who wrote, their conversation and the buttons last shown, when read with it (handling starts from it)
    start: TurnStart | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class NewInbound:
    """A message as a webhook hands it over, before it has an id."""

    provider: str
    provider_id: str
    phone: str
    body: str
    media: list[dict[str, Any]]
    profile_name: str | None
    payload: dict[str, Any]
    received_at: datetime


_COLUMNS = "id, provider, provider_id, phone, body, media, profile_name, payload, received_at"


_BURST = ("SELECT count(*) FILTER (WHERE id <= {message}) AS sent, count(*) FILTER (WHERE status = 'limited')"
          " AS limited FROM inbound_messages WHERE phone = $1 AND received_at > {since}")


_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))"
_CONVERSATION_KEY = "convo:"


def conversation_lock(phone: str) -> str:
    """`lock_conversation` as a statement of its own, the key written in as a literal: a script of
    several statements (UnitOfWork's `opening`) takes no parameters."""
    key = (_CONVERSATION_KEY + phone).replace("\\", "\\\\").replace("'", "''")
    return _LOCK.format(key=f"E'{key}'")  # an E'' string reads the same whatever standard_conforming_strings


class InboxRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, *, provider: str, provider_id: str, phone: str, body: str,
                  media: list[dict[str, Any]], profile_name: str | None,
                  payload: dict[str, Any], received_at: datetime) -> int | None:
        """Store a message; None when this provider id was stored before (a redelivery)."""
        (stored,) = await self.add_many([NewInbound(provider, provider_id, phone, body, media, profile_name,
                                                    payload, received_at)])
        return stored

    async def add_many(self, messages: list[NewInbound]) -> list[int | None]:
        """Store messages in one statement, ids in the order given; None for a provider id stored before
        (or earlier in the same list)."""
        if not messages:
            return []
        rows = await self.conn.fetch(
            # the month-partitioned table cannot hold a unique key without its month: the key is kept apart
            "WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
            " $6::text[], $7::text[], $8::timestamptz[]) WITH ORDINALITY"
            " AS t(provider, provider_id, phone, body, media, profile_name, payload, received_at, ord)),"
            " first AS (SELECT DISTINCT ON (provider, provider_id) * FROM input ORDER BY provider, provider_id, ord),"
            " fresh AS (INSERT INTO inbound_message_ids (provider, provider_id, received_at)"
            " SELECT provider, provider_id, received_at FROM first ORDER BY ord"
            " ON CONFLICT DO NOTHING RETURNING provider, provider_id)"
            " INSERT INTO inbound_messages (provider, provider_id, phone, body, media, profile_name, payload,"
            " received_at) SELECT f.provider, f.provider_id, f.phone, f.body, f.media::jsonb, f.profile_name,"
            " f.payload::jsonb, f.received_at FROM first f JOIN fresh USING (provider, provider_id) ORDER BY f.ord"
            " RETURNING id, provider, provider_id",
            [m.provider for m in messages], [m.provider_id for m in messages], [m.phone for m in messages],
            [m.body for m in messages], [json.dumps(m.media) for m in messages],
            [m.profile_name for m in messages], [json.dumps(m.payload) for m in messages],
            [m.received_at for m in messages])
        ids = {(r["provider"], r["provider_id"]): r["id"] for r in rows}
        return [ids.pop((m.provider, m.provider_id), None) for m in messages]  # a repeat in the list: None

    async def settle_original(self, *, provider: str, provider_id: str, phone: str, by: int,
                              at: datetime) -> bool:
        """Before an edit is handled as a new message: whether its original was handled already.
        When it was not, the original is marked done (stored as done if it never arrived), so it is
        not handled as well when it comes or comes again."""
        status = await self.conn.fetchval(
            "SELECT status FROM inbound_messages WHERE provider = $1 AND provider_id = $2 AND phone = $3",
            provider, provider_id, phone)
        if status is not None and status != "received":
            return True
        # stored as done unless its id is known (the dedupe key lives apart from the partitioned table)...
        await self.conn.execute(
            "WITH fresh AS (INSERT INTO inbound_message_ids (provider, provider_id, received_at)"
            " VALUES ($1, $2, $5) ON CONFLICT DO NOTHING RETURNING 1)"
            " INSERT INTO inbound_messages (provider, provider_id, phone, body, media, profile_name, payload,"
            " received_at, status, handled_at) SELECT $1, $2, $3, '', '[]', NULL, $4::jsonb, $5, 'done', $5 FROM fresh",
            provider, provider_id, phone, {"edited_by": by}, at)
        # ...and an original stored meanwhile, or before and still waiting, is settled as done
        await self.conn.execute(
            "UPDATE inbound_messages SET status = 'done', handled_at = $4"
            " WHERE provider = $1 AND provider_id = $2 AND phone = $3 AND status = 'received'",
            provider, provider_id, phone, at)
        return False

    async def lock_conversation(self, phone: str) -> None:
        """Serialise the handling of one sender's messages across processes (until commit)."""
        await self.conn.execute(_LOCK.format(key="$1"), _CONVERSATION_KEY + phone)

    async def next_pending(self, phone: str, window: timedelta | None = None, *,
                           with_start: bool = False) -> InboundRecord | None:
        """The sender's oldest unhandled message; with `window`, its `burst` over that window comes along,
        and with `with_start` the sender's TurnStart (ConversationRepository.turn_start), both read in the
        same statement."""
        if window is None:
            row = await self.conn.fetchrow(
                f"SELECT {_COLUMNS} FROM inbound_messages WHERE phone = $1 AND status = 'received'"
                " ORDER BY id LIMIT 1", phone)
            return InboundRecord(**row) if row else None
        start = f", LATERAL ({turn_start_query('$1')}) t" if with_start else ""
        row = await self.conn.fetchrow(
            f"SELECT m.*, b.sent, b.limited{', t.*' if with_start else ''} FROM (SELECT {_COLUMNS}"
            " FROM inbound_messages WHERE phone = $1 AND status = 'received' ORDER BY id LIMIT 1) m, LATERAL ("
            + _BURST.format(message="m.id", since="m.received_at - $2::interval") + f") b{start}", phone, window)
        if row is None:
            return None
        values = {k: row[k] for k in _COLUMNS.split(", ")}
        return InboundRecord(**values, burst=(row["sent"], row["limited"]),
                             start=turn_start_from(row, phone) if with_start else None)

    async def finish(self, message: InboundRecord, at: datetime, status: str = "done",
                     convo: tuple[Conversation, datetime] | None = None) -> bool:
        """Mark a message handled (or `status`); whether more of its sender's messages are waiting.
        With `convo`, the conversation as the turn left it is saved (as of its time) in the same statement."""
        saved = f"saved AS ({save_query(5)}), " if convo else ""
        return await self.conn.fetchval(
            f"WITH {saved}done AS (UPDATE inbound_messages SET status = $4, handled_at = $3 WHERE id = $1)"
            " SELECT EXISTS (SELECT 1 FROM inbound_messages WHERE phone = $2 AND status = 'received'"
            " AND id <> $1)",  # the CTE's update is not visible to this SELECT: leave the row out by id
            message.id, message.phone, at, status, *(save_args(*convo) if convo else ()))

    async def burst(self, message: InboundRecord, since: datetime) -> tuple[int, int]:
        """Messages its sender sent since `since` up to this one, and how many of them were over the limit."""
        row = await self.conn.fetchrow(_BURST.format(message="$3", since="$2"), message.phone, since, message.id)
        return row["sent"], row["limited"]

    async def mark(self, message_id: int, status: str, at: datetime, error: str | None = None) -> None:
        await self.conn.execute(
            "UPDATE inbound_messages SET status = $2, handled_at = $3, error = $4 WHERE id = $1",
            message_id, status, at, error,
        )

    async def fail(self, message_id: int, at: datetime, error: str) -> int:
        """Mark a message failed once more; how many times it has failed now."""
        return await self.conn.fetchval(
            "UPDATE inbound_messages SET status = 'failed', handled_at = $2, error = $3, attempts = attempts + 1"
            " WHERE id = $1 RETURNING attempts", message_id, at, error)

    async def requeue_failed(self, failed_before: datetime, max_attempts: int, limit: int = 500) -> list[str]:
        """Put messages that failed fewer than `max_attempts` times back in line; their senders."""
        rows = await self.conn.fetch(
            "UPDATE inbound_messages SET status = 'received' WHERE id IN (SELECT id FROM inbound_messages"
            " WHERE status = 'failed' AND attempts < $2 AND handled_at < $1 ORDER BY id LIMIT $3"
            " FOR UPDATE SKIP LOCKED) RETURNING phone", failed_before, max_attempts, limit)
        return sorted({r["phone"] for r in rows})

    async def senders_with_pending(self, older_than: datetime, limit: int = 500) -> list[str]:
        rows = await self.conn.fetch(
            "SELECT DISTINCT phone FROM inbound_messages WHERE status = 'received' AND received_at < $1"
            " LIMIT $2",
            older_than, limit,
        )
        return [r["phone"] for r in rows]
