"""The audit trail: who did what, when, with the state before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg


class AuditRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def record(self, actor: str, action: str, at: datetime, *, subject: str | None = None,
                     before: Any = None, after: Any = None) -> None:
        await self.conn.execute(
            "INSERT INTO audit_log (actor, action, subject, before, after, at)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            actor, action, subject, before, after, at,
        )

    async def recent(self, action_prefix: str = "", limit: int = 20) -> list[dict[str, Any]]:
        rows = await self.conn.fetch(
            "SELECT actor, action, subject, before, after, at FROM audit_log"
            " WHERE action LIKE $1 || '%' ORDER BY id DESC LIMIT $2",
            action_prefix, limit,
        )
        return [dict(r) for r in rows]
