"""The outbox: messages to send, written in the same transaction as the change that caused them.

A row goes queued → sending (marked before the provider is called) → sent → delivered/read, or
back to queued with a later `next_attempt_at` on a transient failure, or dead after too many tries.
Only the oldest open row of a recipient can be claimed, so each recipient gets messages in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from domain.interactive import Interactive
from domain.service_window import TextRef


@dataclass(frozen=True)
class OutboundRecord:
    id: int
    recipient: str
    body: str
    media_url: str | None
    template: dict[str, Any] | None
    tries: int
    kind: str
    claimed_at: datetime | None = None
    next_attempt_at: datetime | None = None  # when the claim was due: the previous try's time + its backoff
    interactive: Interactive | None = None
    text: TextRef | None = None  # the reply text it was rendered from: what fills its template

    @classmethod
    def of(cls, row: Any) -> OutboundRecord:
        values = dict(row)
        shown, ref = values.pop("interactive", None), values.pop("text_ref", None)
        return cls(**values, interactive=Interactive.from_json(shown) if shown else None,
                   text=TextRef.from_json(ref) if ref else None)


_COLUMNS = ("id, recipient, body, media_url, template, tries, kind, claimed_at, next_attempt_at, interactive,"
            " text_ref")


HELD_TOO_LONG = "held outside the 24-hour window past outbox.held_for: the recipient never wrote again"


class OutboxRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, recipient: str, body: str, *, at: datetime, kind: str = "reply",
                  inbound_id: int | None = None, media_url: str | None = None,
                  template: dict[str, Any] | None = None, interactive: Interactive | None = None,
                  text: TextRef | None = None, order_id: int | None = None) -> int:
        """Queue a message; the sender is woken (NOTIFY, delivered at commit) in the same statement."""
        return await self.conn.fetchval(
            "WITH queued AS (INSERT INTO outbound_messages (recipient, body, kind, inbound_id, media_url,"
            " template, interactive, next_attempt_at, created_at, text_ref, order_id)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10)"
            " RETURNING id) SELECT id FROM queued, pg_notify('outbox', $1)",
            recipient, body, kind, inbound_id, media_url, template,
            interactive.to_json() if interactive else None, at, text.to_json() if text else None, order_id,
        )

    async def last_interactive(self, recipient: str) -> Interactive | None:
        """The buttons or list of the latest message to `recipient`, if that message had any: what a
        typed number or title answers."""
        shown = await self.conn.fetchval(
            "SELECT interactive FROM outbound_messages WHERE recipient = $1 ORDER BY id DESC LIMIT 1", recipient)
        return Interactive.from_json(shown) if shown else None

    async def claim(self, now: datetime, limit: int) -> list[OutboundRecord]:
        """Mark up to `limit` sendable rows as sending (one per recipient, the oldest) and return them."""
        rows = await self.conn.fetch(
            f"""
            UPDATE outbound_messages o SET status = 'sending', tries = tries + 1, claimed_at = $1
            WHERE o.id IN (
                SELECT c.id FROM outbound_messages c
                WHERE c.status = 'queued' AND c.next_attempt_at <= $1
                  AND NOT EXISTS (SELECT 1 FROM outbound_messages p WHERE p.recipient = c.recipient
                                  AND p.id < c.id AND p.status IN ('queued', 'sending'))
                ORDER BY c.id LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING {_COLUMNS}
            """,
            now, limit,
        )
        return sorted((OutboundRecord.of(r) for r in rows), key=lambda r: r.id)

    async def mark_sent(self, row_id: int, sid: str, status: str, at: datetime, sent_as: str | None = None) -> None:
        """The provider took the row (`sent_as`: text or template, as the window decided)."""
        await self.mark_sent_many([(row_id, sid, status, sent_as)], at)

    async def mark_sent_many(self, sent: list[tuple[int, str, str, str | None]], at: datetime) -> bool:
        """`mark_sent` for each (row id, sid, status, sent_as), in one statement; whether one of their
        recipients has another row due by `at` (next in line, claimable now that these went out)."""
        return await self.conn.fetchval(
            "WITH marked AS (UPDATE outbound_messages o SET status = 'sent', provider_sid = s.sid,"
            " provider_status = s.status, sent_at = $5, last_error = NULL, sent_as = COALESCE(s.sent_as, o.sent_as)"
            " FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS s(id, sid, status, sent_as)"
            " WHERE o.id = s.id RETURNING o.recipient)"
            " SELECT EXISTS (SELECT 1 FROM outbound_messages q WHERE q.recipient IN (SELECT recipient FROM marked)"
            " AND q.status = 'queued' AND q.next_attempt_at <= $5)",
            [r[0] for r in sent], [r[1] for r in sent], [r[2] for r in sent], [r[3] for r in sent], at)

    async def windows_opened(self, recipients: list[str], channels: list[str]) -> dict[str, datetime]:
        """Each recipient's latest message to us on one of `channels`: when its 24-hour window opened."""
        rows = await self.conn.fetch(
            "SELECT p.phone, (SELECT max(i.received_at) FROM unnest($2::text[]) AS c(provider),"
            " LATERAL (SELECT received_at FROM inbound_messages WHERE phone = p.phone AND provider = c.provider"
            " ORDER BY received_at DESC LIMIT 1) AS i) AS opened"
            " FROM unnest($1::text[]) AS p(phone)", recipients, channels)
        return {r["phone"]: r["opened"] for r in rows if r["opened"] is not None}

    async def hold(self, row_id: int, reason: str) -> None:
        """Outside the window with no template: the claimed row waits for the recipient's next message
        (the claim is not counted as a try)."""
        await self.conn.execute(
            "UPDATE outbound_messages SET status = 'held', tries = greatest(tries - 1, 0), last_error = $2"
            " WHERE id = $1", row_id, reason)

    async def release_held(self, channels: list[str], at: datetime, held_since: datetime) -> tuple[int, int]:
        """Held rows whose recipient wrote on one of `channels` since they were held are queued again, due at
        `at`; ahead of the reply to that message (older ids), so they go out first and in order. Rows held
        before `held_since` are stale news by now: dead letters instead. Returns (released, expired)."""
        row = await self.conn.fetchrow(
            "WITH expired AS (UPDATE outbound_messages SET status = 'dead', last_error = $4"
            " WHERE status = 'held' AND claimed_at < $3 RETURNING 1),"
            " released AS (UPDATE outbound_messages o SET status = 'queued', next_attempt_at = $2"
            " WHERE o.status = 'held' AND o.claimed_at >= $3 AND EXISTS (SELECT 1 FROM inbound_messages i"
            " WHERE i.phone = o.recipient AND i.provider = ANY($1) AND i.received_at >= o.claimed_at) RETURNING 1)"
            " SELECT (SELECT count(*) FROM released) AS released, (SELECT count(*) FROM expired) AS expired",
            channels, at, held_since, HELD_TOO_LONG)
        return row["released"], row["expired"]

    async def retry_later(self, row_id: int, error: str, at: datetime) -> None:
        await self.conn.execute(
            "UPDATE outbound_messages SET status = 'queued', next_attempt_at = $3, last_error = $2"
            " WHERE id = $1",
            row_id, error, at,
        )

    async def retry_now(self, at: datetime) -> int:
        """Rows waiting to be retried become due at `at` (the provider answers again after an outage)."""
        result = await self.conn.execute(
            "UPDATE outbound_messages SET next_attempt_at = $1"
            " WHERE status = 'queued' AND next_attempt_at > $1 AND last_error IS NOT NULL",
            at,
        )
        return int(result.split()[-1])

    async def mark_dead(self, row_id: int, error: str) -> None:
        await self.conn.execute(
            "UPDATE outbound_messages SET status = 'dead', last_error = $2 WHERE id = $1", row_id, error
        )

    async def record_status(self, sid: str, status: str, error: str | None, at: datetime) -> bool:
        """A provider status callback (reported at `at`); False when no row has this SID. Callbacks
        arrive out of order: a late `sent` or `delivered` never undoes a `read`."""
        result = await self.conn.execute(
            "UPDATE outbound_messages SET"
            " provider_status = CASE WHEN (provider_status = 'read' AND $2 IN ('sent', 'delivered'))"
            "   OR (provider_status = 'delivered' AND $2 = 'sent') THEN provider_status ELSE $2 END,"
            " status = CASE WHEN $2 = 'read' THEN 'read' WHEN $2 = 'delivered' AND status <> 'read' THEN 'delivered'"
            "               WHEN $2 IN ('failed', 'undelivered') THEN 'failed' ELSE status END,"
            " delivered_at = CASE WHEN $2 = 'delivered' THEN LEAST(delivered_at, $4)"
            "                     WHEN $2 = 'read' THEN COALESCE(delivered_at, $4) ELSE delivered_at END,"
            " read_at = CASE WHEN $2 = 'read' THEN LEAST(read_at, $4) ELSE read_at END,"
            " last_error = COALESCE($3, last_error) WHERE provider_sid = $1",
            sid, status, error, at,
        )
        return result != "UPDATE 0"

    async def hold_sent(self, sid: str, error: str) -> bool:
        """The provider refused a message it had accepted because the window was closed: it waits for
        the recipient's next message like a held row."""
        result = await self.conn.execute(
            "UPDATE outbound_messages SET status = 'held', last_error = $2 WHERE provider_sid = $1"
            " AND status IN ('sent', 'failed')", sid, error)
        return result != "UPDATE 0"

    async def settle_sending(self, row_id: int, sid: str, status: str, at: datetime) -> bool:
        """A provider reports (by our row id) a message the sender never recorded: mark it sent."""
        result = await self.conn.execute(
            "UPDATE outbound_messages SET status = 'sent', provider_sid = $2, provider_status = $3,"
            " sent_at = $4, last_error = NULL WHERE id = $1 AND status = 'sending' AND provider_sid IS NULL",
            row_id, sid, status, at,
        )
        return result != "UPDATE 0"

    async def stale_sending(self, older_than: datetime) -> list[OutboundRecord]:
        rows = await self.conn.fetch(
            f"SELECT {_COLUMNS} FROM outbound_messages WHERE status = 'sending' AND claimed_at < $1"
            " ORDER BY id FOR UPDATE SKIP LOCKED",
            older_than,
        )
        return [OutboundRecord.of(r) for r in rows]

    async def release(self, row_id: int, error: str) -> None:
        """Put a claimed row back untouched (the sender, not the message, failed): the try is not counted."""
        await self.conn.execute(
            "UPDATE outbound_messages SET status = 'queued', tries = greatest(tries - 1, 0), last_error = $2"
            " WHERE id = $1 AND status = 'sending'",
            row_id, error,
        )

    async def recorded_sids(self, recipient: str, before_id: int, limit: int = 100) -> list[str]:
        """Provider ids of the recipient's latest rows before `before_id` (what a listing may show)."""
        return [r["provider_sid"] for r in await self.conn.fetch(
            "SELECT provider_sid FROM outbound_messages WHERE recipient = $1 AND id < $2"
            " AND provider_sid IS NOT NULL ORDER BY id DESC LIMIT $3",
            recipient, before_id, limit,
        )]

    async def stalled(self, now: datetime, grace: timedelta) -> tuple[int, datetime | None]:
        """Rows due longer than `grace` while nothing was sent for `grace`: (how many, due since).

        (0, None) while the sender makes progress, even through a backlog the rate limit spreads out.
        """
        row = await self.conn.fetchrow(
            "SELECT count(*) AS waiting, min(next_attempt_at) AS since,"
            " (SELECT max(sent_at) FROM outbound_messages WHERE sent_at IS NOT NULL) AS last_sent"
            " FROM outbound_messages WHERE status = 'queued' AND next_attempt_at <= $1",
            now - grace,
        )
        if not row["waiting"] or (row["last_sent"] is not None and row["last_sent"] > now - grace):
            return 0, None
        return row["waiting"], row["since"]

    async def requeue(self, row_id: int, at: datetime) -> None:
        await self.conn.execute(
            "UPDATE outbound_messages SET status = 'queued', next_attempt_at = $2 WHERE id = $1", row_id, at
        )

    async def dead_letters(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = await self.conn.fetch(
            "SELECT id, recipient, left(body, 60) AS body, tries, last_error FROM outbound_messages"
            " WHERE status = 'dead' ORDER BY id DESC LIMIT $1",
            limit,
        )
        return [dict(r) for r in rows]

    async def dead_count(self) -> int:
        return await self.conn.fetchval("SELECT count(*) FROM outbound_messages WHERE status = 'dead'")

    async def send_again(self, row_id: int, at: datetime) -> None:
        """A dead or failed row is queued again with its tries reset (self-healing's retry)."""
        await self.conn.execute(
            "UPDATE outbound_messages SET status = 'queued', tries = 0, next_attempt_at = $2"
            " WHERE id = $1 AND status IN ('dead', 'failed')", row_id, at)


def backoff(tries: int, base: timedelta = timedelta(seconds=2), cap: timedelta = timedelta(minutes=10)
            ) -> timedelta:
    """Exponential backoff after the `tries`-th failed attempt."""
    return min(cap, base * (2 ** max(0, tries - 1)))
