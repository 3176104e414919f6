"""Safe mode's records: its state (one row of `flags`, so every process sees the same), the inbound
load that can switch it on, and the orders QUEUED meanwhile."""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg

from domain.safe_mode import Load, SafeModeState

FLAG = "safe_mode"


class SafeModeRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def lock(self) -> None:
        """Serialise safe-mode changes across processes until the transaction ends."""
        await self.conn.execute("SELECT pg_advisory_xact_lock(hashtext('khaacho:safe_mode'))")

    async def state(self) -> SafeModeState:
        """Stored as {"on": bool, "until": ISO time or null, "reason": text, "by": who}."""
        value = await self.conn.fetchval("SELECT value FROM flags WHERE name = $1", FLAG)
        if not value:
            return SafeModeState(False)
        until = datetime.fromisoformat(value["until"]) if value.get("until") else None
        return SafeModeState(bool(value.get("on")), until, value.get("reason", ""), value.get("by", ""))

    async def save(self, new: SafeModeState, at: datetime) -> None:
        value = {"on": new.on, "until": new.until.isoformat() if new.until else None, "reason": new.reason,
                 "by": new.by}
        await self.conn.execute(
            "INSERT INTO flags (name, value, updated_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at",
            FLAG, value, at)

    async def load(self, now: datetime, window: timedelta) -> Load:
        row = await self.conn.fetchrow(
            "SELECT count(*) FILTER (WHERE status = 'received') AS backlog,"
            " count(*) FILTER (WHERE status IN ('done', 'failed') AND handled_at >= $1) AS handled,"
            " count(*) FILTER (WHERE status = 'failed' AND handled_at >= $1) AS failed"
            " FROM inbound_messages WHERE status = 'received' OR handled_at >= $1", now - window)
        return Load(row["backlog"], row["handled"], row["failed"])

    async def queued(self, limit: int) -> list[int]:
        """QUEUED orders, oldest first."""
        return [r["id"] for r in await self.conn.fetch(
            "SELECT id FROM orders WHERE status = 'QUEUED' ORDER BY id LIMIT $1", limit)]

    async def queued_count(self) -> int:
        return await self.conn.fetchval("SELECT count(*) FROM orders WHERE status = 'QUEUED'")
