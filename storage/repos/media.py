"""Media jobs: a photo or voice note waiting for OCR or transcription, claimed by one worker at a time."""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg

from domain.media import MediaJob

_COLUMNS = ("m.id, m.inbound_id, m.phone, m.kind, m.url, m.content_type, m.status, m.attempts, i.provider,"
            " m.text, m.raw_text, m.lines, m.confidence, m.backend, m.error")


class MediaJobRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, inbound_id: int, phone: str, kind: str, url: str, content_type: str,
                  at: datetime) -> int | None:
        """Queue one media item; None when it was queued before (a redelivered message)."""
        return await self.conn.fetchval(
            "INSERT INTO media_jobs (inbound_id, phone, kind, url, content_type, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (inbound_id, url) DO NOTHING RETURNING id",
            inbound_id, phone, kind, url, content_type, at)

    async def claim(self, now: datetime, *, stale_after: timedelta, limit: int = 4) -> list[MediaJob]:
        """Pending jobs (and ones a dead worker left `working` past `stale_after`), marked as ours."""
        rows = await self.conn.fetch(
            f"WITH picked AS (SELECT id FROM media_jobs WHERE (status = 'pending'"
            f" AND (next_attempt_at IS NULL OR next_attempt_at <= $3))"
            f" OR (status = 'working' AND claimed_at < $2) ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)"
            f" UPDATE media_jobs m SET status = 'working', attempts = m.attempts + 1, claimed_at = $3"
            f" FROM picked, inbound_messages i WHERE m.id = picked.id AND i.id = m.inbound_id"
            f" RETURNING {_COLUMNS}", limit, now - stale_after, now)
        return [MediaJob(**dict(r)) for r in sorted(rows, key=lambda r: r["id"])]

    async def get(self, job_id: int) -> MediaJob | None:
        row = await self.conn.fetchrow(
            f"SELECT {_COLUMNS} FROM media_jobs m JOIN inbound_messages i ON i.id = m.inbound_id"
            " WHERE m.id = $1", job_id)
        return MediaJob(**dict(row)) if row else None

    async def finish(self, job_id: int, *, text: str, raw_text: str, lines: list[str], confidence: float,
                     backend: str, at: datetime) -> None:
        await self.conn.execute(
            "UPDATE media_jobs SET status = 'done', text = $2, raw_text = $3, lines = $4, confidence = $5,"
            " backend = $6, error = NULL, done_at = $7 WHERE id = $1",
            job_id, text, raw_text, lines, confidence, backend, at)

    async def retry_later(self, job_id: int, error: str, at: datetime) -> None:
        """Back to pending, not to be claimed before `at`."""
        await self.conn.execute(
            "UPDATE media_jobs SET status = 'pending', error = $2, next_attempt_at = $3 WHERE id = $1",
            job_id, error[:500], at)

    async def fail(self, job_id: int, error: str, at: datetime) -> None:
        await self.conn.execute(
            "UPDATE media_jobs SET status = 'failed', error = $2, done_at = $3 WHERE id = $1",
            job_id, error[:500], at)

    async def pending_count(self) -> int:
        return await self.conn.fetchval("SELECT count(*) FROM media_jobs WHERE status IN ('pending', 'working')")

    async def wake_workers(self, inbound_id: int) -> None:
        """Tell listening workers (after this transaction commits) that message `inbound_id` brought media."""
        await self.conn.execute("SELECT pg_notify('media', $1)", str(inbound_id))
