"""What waits, for monitoring: open outbox rows and unhandled inbound messages (partial indexes only,
so a scrape stays cheap however many sent messages are stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg


@dataclass(frozen=True)
class Backlog:
    outbox_queued: int
    outbox_sending: int
    outbox_due: int              # queued rows whose time has come
    outbox_oldest_due_s: float   # how long the oldest of those has waited (0 when none)
    inbox_pending: int           # stored inbound messages not yet handled


class BacklogRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def read(self, now: datetime) -> Backlog:
        row = await self.conn.fetchrow(
            "SELECT count(*) FILTER (WHERE status = 'queued') AS queued,"
            " count(*) FILTER (WHERE status = 'sending') AS sending,"
            " count(*) FILTER (WHERE status = 'queued' AND next_attempt_at <= $1) AS due,"
            " min(next_attempt_at) FILTER (WHERE status = 'queued' AND next_attempt_at <= $1) AS oldest,"
            " (SELECT count(*) FROM inbound_messages WHERE status = 'received') AS inbox"
            " FROM outbound_messages WHERE status IN ('queued', 'sending')", now)
        oldest = (now - row["oldest"]).total_seconds() if row["oldest"] else 0.0
        return Backlog(row["queued"], row["sending"], row["due"], max(0.0, oldest), row["inbox"])
