"""The record of each export made: period, file, size, who asked, until when its link is valid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg


@dataclass(frozen=True)
class ExportRecord:
    id: int
    kind: str
    format: str
    period_from: date
    period_to: date
    file_name: str
    rows: int
    bytes: int
    requested_by: str
    created_at: datetime
    expires_at: datetime


class ExportRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, kind: str, fmt: str, start: date, end: date, file_name: str, rows: int, size: int, *,
                  requested_by: str, now: datetime, expires_at: datetime) -> ExportRecord:
        row = await self.conn.fetchrow(
            "INSERT INTO exports (kind, format, period_from, period_to, file_name, rows, bytes, requested_by,"
            " created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *",
            kind, fmt, start, end, file_name, rows, size, requested_by, now, expires_at)
        return ExportRecord(**row)

    async def files_expired_before(self, at: datetime) -> list[str]:
        rows = await self.conn.fetch("SELECT file_name FROM exports WHERE expires_at < $1", at)
        return [r["file_name"] for r in rows]

    async def recent(self, limit: int = 50) -> list[ExportRecord]:
        rows = await self.conn.fetch("SELECT * FROM exports ORDER BY id DESC LIMIT $1", limit)
        return [ExportRecord(**r) for r in rows]
