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
