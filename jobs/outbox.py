"""Sending the outbox: in order per recipient, throttled, retried with backoff, dead-lettered.

Each row is marked `sending` (committed) before the provider is called; a crash between the call
and recording its SID leaves a stale `sending` row that `reconcile` settles by asking the provider
whether the message arrived — so nothing is lost and nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

import asyncpg

from bot.channels.base import (
    OutboundMessage,
    PermanentSendError,
    Sender,
    TransientSendError,
)
from storage.clock import Clock
from storage.ratelimit import RateLimiter
from storage.repos.outbox import OutboundRecord, OutboxRepository, backoff

log = logging.getLogger(__name__)


class OutboxSender:
    def __init__(self, pool: asyncpg.Pool, sender: Sender, clock: Clock, *, limiter: RateLimiter | None,
                 max_tries: int = 5, batch_size: int = 200) -> None:
        self.pool = pool
        self.sender = sender
        self.clock = clock
        self.limiter = limiter
        self.max_tries = max_tries
        self.batch_size = batch_size

    async def drain(self) -> int:
        """Send until nothing is sendable now; returns how many were sent."""
        sent = 0
        while True:
            allowed = await self.limiter.grant(self.batch_size) if self.limiter else self.batch_size
            if allowed == 0:
                await asyncio.sleep(1.0 - time.time() % 1.0)  # the limiter's window is the wall-clock second
                continue
            async with self.pool.acquire() as conn:
                batch = await OutboxRepository(conn).claim(self.clock.now(), allowed)
            if self.limiter and len(batch) < allowed:
                await self.limiter.refund(allowed - len(batch))  # small batches must not use up the second
            if not batch:
                return sent
            results = await asyncio.gather(*(self._send(record) for record in batch))
            sent += sum(results)

    async def _send(self, record: OutboundRecord) -> bool:
        message = OutboundMessage(record.recipient, record.body, record.media_url, record.template,
                                  ref=str(record.id))
        try:
            result = await self.sender.send(message)
        except TransientSendError as exc:
            await self._failed(record, str(exc), transient=True)
            return False
        except PermanentSendError as exc:
            await self._failed(record, str(exc), transient=False)
            return False
        async with self.pool.acquire() as conn:
            await OutboxRepository(conn).mark_sent(record.id, result.sid, result.status, self.clock.now())
        return True

    async def _failed(self, record: OutboundRecord, error: str, *, transient: bool) -> None:
        async with self.pool.acquire() as conn:
            repo = OutboxRepository(conn)
            if transient and record.tries < self.max_tries:
                await repo.retry_later(record.id, error, self.clock.now() + backoff(record.tries))
                log.warning("send failed, will retry", extra={"outbox_id": record.id, "error": error})
            else:
                await repo.mark_dead(record.id, error)
                log.error("message dead-lettered", extra={"outbox_id": record.id, "error": error})

    async def reconcile(self, stale_after: timedelta = timedelta(minutes=1)) -> int:
        """Settle rows left `sending` by a crashed sender; returns how many were settled."""
        settled = 0
        async with self.pool.acquire() as conn, conn.transaction():
            repo = OutboxRepository(conn)
            for record in await repo.stale_sending(self.clock.now() - stale_after):
                message = OutboundMessage(record.recipient, record.body, record.media_url, record.template,
                                          ref=str(record.id))
                claimed = record.claimed_at.timestamp() if record.claimed_at else 0.0
                try:
                    found = await self.sender.find_sent(message, claimed)
                except TransientSendError:
                    continue
                if found:
                    await repo.mark_sent(record.id, found.sid, found.status, self.clock.now())
                else:
                    await repo.requeue(record.id, self.clock.now())
                settled += 1
        return settled


async def send_outbox(ctx: dict) -> int:
    return await ctx["outbox"].drain()


async def reconcile_outbox(ctx: dict) -> int:
    return await ctx["outbox"].reconcile(ctx["config"].outbox.stale_after)
