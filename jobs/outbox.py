"""Sending the outbox: in order per recipient, throttled, retried with backoff, dead-lettered.

Each row is marked `sending` (committed) before the provider is called; a crash between the call
and recording its SID leaves a stale `sending` row that `reconcile` settles by asking the provider
whether the message arrived — so nothing is lost and nothing is sent twice.

Credentials the provider refuses (401/403: a rotated token, a suspended account) are the sender's
state, not the message's fault: sending pauses, the row goes back to the queue untouched, admins are
told once, and one row is tried every `probe_every` until the credentials work again. A transient
failure dead-letters a row after `max_tries` only while other messages go out: when nothing was sent
since its previous try the provider is down for everyone (500s, resets, timeouts), and the row keeps
waiting with growing backoff instead of being lost to the outage.

WhatsApp's 24-hour window is decided here, for every row, by `domain.service_window.delivery`: free
text inside it; outside it the template configured for the row's reply text, filled with its
parameters; with none, the row is `held` and queued again as soon as the recipient writes on the
channel (ahead of the reply to that message, so held rows go out first and in order), unless it was
held longer than `outbox.held_for` (7 days): such news is stale, and the row becomes a dead letter.
A provider that still refuses free text (131047, 63016) gets the template when there is one, else
the row is held.
The local chat (`channel` None) has no window; a message typed in the simulator or the terminal chat
counts as the number writing (bot.channels.base.LOCAL_PROVIDERS).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import redis.asyncio as aioredis

from bot.channels.base import (
    LOCAL_PROVIDERS,
    OutboundMessage,
    PermanentSendError,
    Sender,
    SenderAuthError,
    TransientSendError,
    WindowClosed,
)
from domain.service_window import Delivery, FilledTemplate, Template, delivery, fill
from services.events import SendingPaused
from services.notifications import publish
from services.texts import Texts
from storage import metrics
from storage.clock import Clock
from storage.ratelimit import RateLimiter
from storage.repos.outbox import OutboundRecord, OutboxRepository, backoff
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
PAUSED_KEY = "khaacho:outbox:paused"  # why sending is paused, for /health; gone when it runs


HELD = "outside the 24-hour window and no template fits: waits for the recipient's next message"


@dataclass(frozen=True)
class _Retry:
    error: str
    retry_after: float | None


@dataclass(frozen=True)
class _Sent:
    """The provider took the row: recorded with the rest of its batch."""

    sid: str
    status: str
    how: Delivery


@dataclass(frozen=True)
class _Plan:
    """How a claimed row goes out: the message, and as what (or HOLD, with no message)."""

    how: Delivery
    message: OutboundMessage
    template: FilledTemplate | None = None  # what a refused free text is sent as instead


class OutboxSender:
    def __init__(self, pool: asyncpg.Pool, sender: Sender, clock: Clock, *, limiter: RateLimiter | None,
                 max_tries: int = 5, batch_size: int = 200, texts: Texts | None = None,
                 redis: aioredis.Redis | None = None, probe_every: timedelta = timedelta(seconds=30),
                 channel: str | None = None, templates: Mapping[str, Template] | None = None,
                 fallback_language: str = "en", held_for: timedelta = timedelta(days=7)) -> None:
        self.pool = pool
        self.held_for = held_for  # a row held for the window longer than this is dead, not sent late
        self.channel = channel  # the provider whose 24-hour window applies (None: the local chat)
        self.templates = templates or {}
        self.fallback_language = fallback_language
        self.sender = sender
        self.clock = clock
        self.limiter = limiter
        self.max_tries = max_tries
        self.batch_size = batch_size
        self.texts = texts
        self.redis = redis
        self.probe_every = probe_every
        self.paused: str | None = None  # the provider's refusal while credentials do not work
        self._probe_at: datetime | None = None
        self._last_ok: datetime | None = None  # when a send last succeeded
        self._outage = False  # rows are waiting out a provider outage (pulled forward when it ends)

    async def drain(self) -> int:
        """Send until nothing is sendable now; returns how many were sent."""
        sent = 0
        while True:
            if self.paused and self._probe_at and self.clock.now() < self._probe_at:
                return sent
            wanted = 1 if self.paused else self.batch_size  # while paused, one row tests the credentials
            allowed = await self.limiter.grant(wanted) if self.limiter else wanted
            if allowed == 0:
                await asyncio.sleep(1.0 - time.time() % 1.0)  # the limiter's window is the wall-clock second
                continue
            async with self.pool.acquire() as conn:
                repo = OutboxRepository(conn)
                if self.channel:
                    await self._release_held(repo)
                batch = await repo.claim(self.clock.now(), allowed)
                plans = await self._plans(repo, batch, self.clock.now())
            if self.limiter and len(batch) < allowed:
                await self.limiter.refund(allowed - len(batch))  # small batches must not use up the second
            if not batch:
                return sent
            results = await asyncio.gather(*(self._send(record, plan) for record, plan in zip(batch, plans,
                                                                                                strict=True)))
            went = [(record, result) for record, result in zip(batch, results, strict=True)
                    if isinstance(result, _Sent)]
            followed = await self._record_sent(went)
            sent += len(went)
            for record, result in zip(batch, results, strict=True):  # after the batch: did anything go out?
                if isinstance(result, _Retry):
                    await self._failed(record, result.error, transient=True, retry_after=result.retry_after)
            if len(batch) < allowed and len(went) == len(batch) and not followed:
                # all that was sendable went, and nothing waits behind it: rows queued since are announced
                # by their NOTIFY (the pump drains again), so no second claim, grant and refund for nothing
                return sent

    async def _release_held(self, repo: OutboxRepository) -> None:
        now = self.clock.now()
        _, expired = await repo.release_held(self._opening, now, now - self.held_for)
        if expired:
            metrics.OUTBOX_SENDS.labels("expired").inc(expired)
            log.warning("held messages expired unsent", extra={"count": expired})

    async def _plans(self, repo: OutboxRepository, batch: list[OutboundRecord], at: datetime) -> list[_Plan]:
        """The window's decision for each claimed row, at `at`."""
        opened = await repo.windows_opened(sorted({r.recipient for r in batch}), self._opening) if (
            self.channel and batch) else {}
        return [self._plan(record, opened.get(record.recipient), at) for record in batch]

    def _plan(self, record: OutboundRecord, opened: datetime | None, at: datetime) -> _Plan:
        message = OutboundMessage(record.recipient, record.body, record.media_url, record.template,
                                  ref=str(record.id), interactive=record.interactive)
        if self.channel is None or record.template:  # the local chat, or a row that names its template
            return _Plan(Delivery.TEMPLATE if record.template else Delivery.TEXT, message)
        filled = fill(record.text, self.templates, self.fallback_language, self.channel) if record.text else None
        how = delivery(opened, at, filled)
        if how is Delivery.TEMPLATE:
            assert filled is not None
            return _Plan(how, _as_template(message, filled))
        return _Plan(how, message, filled)

    async def _record_sent(self, sent: list[tuple[OutboundRecord, _Sent]]) -> bool:
        """One statement for the batch's sent rows (a crash before it leaves them `sending`: reconciled);
        whether their recipients have more rows due now."""
        if not sent:
            return False
        async with self.pool.acquire() as conn:
            repo = OutboxRepository(conn)
            followed = await repo.mark_sent_many([(r.id, s.sid, s.status, s.how.value) for r, s in sent],
                                                 self.clock.now())
            if self._outage:  # the provider is back: what waited out the outage need not wait out its backoff
                self._outage = False
                await repo.retry_now(self.clock.now())
                followed = True
        return followed

    async def _send(self, record: OutboundRecord, plan: _Plan) -> _Sent | bool | _Retry:
        if plan.how is Delivery.HOLD:
            await self._hold(record, HELD)
            return False
        message, how = plan.message, plan.how
        try:
            with metrics.timed(metrics.OUTBOX_SEND_SECONDS):
                try:
                    result = await self.sender.send(message)
                except WindowClosed:
                    if plan.template is None or how is not Delivery.TEXT:
                        raise
                    message, how = _as_template(message, plan.template), Delivery.TEMPLATE
                    result = await self.sender.send(message)  # the provider knows the window better
        except WindowClosed as exc:
            await self._hold(record, str(exc))
            return False
        except SenderAuthError as exc:
            metrics.OUTBOX_SENDS.labels("refused").inc()
            async with self.pool.acquire() as conn:
                await OutboxRepository(conn).release(record.id, str(exc))
            await self._pause(str(exc))
            return False
        except PermanentSendError as exc:
            metrics.OUTBOX_SENDS.labels("failed").inc()
            await self._failed(record, str(exc), transient=False)
            return False
        except Exception as exc:  # TransientSendError, or a sender's bug: this row is retried, the batch goes on
            metrics.OUTBOX_SENDS.labels("retry").inc()
            if not isinstance(exc, TransientSendError):
                log.exception("unexpected send error", extra={"outbox_id": record.id})
            return _Retry(f"{type(exc).__name__}: {exc}", getattr(exc, "retry_after", None))
        metrics.OUTBOX_SENDS.labels("sent").inc()
        self._last_ok = self.clock.now()
        if self.paused:
            await self._resume()
        return _Sent(result.sid, result.status or "queued", how)

    @property
    def _opening(self) -> list[str]:
        """The inbound providers whose messages open the window of `channel`."""
        return [self.channel or "", *LOCAL_PROVIDERS]

    async def _hold(self, record: OutboundRecord, reason: str) -> None:
        metrics.OUTBOX_SENDS.labels("held").inc()
        async with self.pool.acquire() as conn:
            await OutboxRepository(conn).hold(record.id, reason)
        log.info("message held for the 24-hour window", extra={"outbox_id": record.id})

    @property
    def _pause_ttl(self) -> int:
        """The pause mark outlives a few probes, so it fades if the worker that set it is gone."""
        return max(60, int(self.probe_every.total_seconds()) * 3)

    async def _pause(self, reason: str) -> None:
        self._probe_at = self.clock.now() + self.probe_every
        if self.paused:
            if self.redis is not None:
                with contextlib.suppress(Exception):
                    await self.redis.set(PAUSED_KEY, reason, ex=self._pause_ttl)
            return
        self.paused = reason
        log.error("provider refused the credentials: sending paused", extra={"error": reason})
        first = True
        if self.redis is not None:
            try:  # another worker (or this one before a restart) may have told the admins already
                first = bool(await self.redis.set(PAUSED_KEY, reason, nx=True, ex=self._pause_ttl))
            except Exception:
                log.warning("cannot record the pause in Redis", exc_info=True)
        if first and self.texts is not None:
            # no config here: admins who chose no language read the default, English
            async with UnitOfWork(self.pool, self.texts, clock=self.clock, publish=publish) as uow:
                await uow.record(SendingPaused(reason))

    async def _resume(self) -> None:
        log.warning("provider accepts the credentials again: sending resumed", extra={"error": self.paused})
        self.paused, self._probe_at = None, None
        if self.redis is not None:
            with contextlib.suppress(Exception):
                await self.redis.delete(PAUSED_KEY)

    async def _failed(self, record: OutboundRecord, error: str, *, transient: bool,
                      retry_after: float | None = None) -> None:
        now = self.clock.now()
        previous_try = record.next_attempt_at - backoff(record.tries - 1) if record.next_attempt_at else now
        outage = self._last_ok is None or self._last_ok < previous_try  # nothing went out since its last try
        self._outage = self._outage or (transient and outage)
        async with self.pool.acquire() as conn:
            repo = OutboxRepository(conn)
            if transient and (record.tries < self.max_tries or outage):
                delay = max(backoff(record.tries), timedelta(seconds=min(retry_after or 0, 3600)))
                await repo.retry_later(record.id, error, self.clock.now() + delay)
                log.warning("send failed, will retry", extra={"outbox_id": record.id, "error": error})
            else:
                await repo.mark_dead(record.id, error)
                log.error("message dead-lettered", extra={"outbox_id": record.id, "error": error})

    async def reconcile(self, stale_after: timedelta = timedelta(minutes=1)) -> int:
        """Settle rows left `sending` by a crashed sender; returns how many were settled."""
        settled = 0
        async with self.pool.acquire() as conn, conn.transaction():
            repo = OutboxRepository(conn)
            stale = await repo.stale_sending(self.clock.now() - stale_after)
            for record in stale:
                claimed_at = record.claimed_at or self.clock.now()
                (plan,) = await self._plans(repo, [record], claimed_at)  # as decided when it was claimed
                message = plan.message
                claimed = record.claimed_at.timestamp() if record.claimed_at else 0.0
                known = await repo.recorded_sids(record.recipient, record.id)
                try:
                    found = await self.sender.find_sent(message, claimed, exclude=known)
                except (TransientSendError, SenderAuthError):
                    continue
                if found:
                    await repo.mark_sent(record.id, found.sid, found.status, self.clock.now(), sent_as=plan.how.value)
                else:
                    await repo.requeue(record.id, self.clock.now())
                settled += 1
        return settled


def _as_template(message: OutboundMessage, filled: FilledTemplate) -> OutboundMessage:
    """`message` as its approved template: the body stays (what the recipient reads, for our records)."""
    return dataclasses.replace(message, interactive=None, media_url=None, template={
        "name": filled.name, "language": filled.language, "sid": filled.sid, "variables": filled.variables()})


async def send_outbox(ctx: dict[str, Any]) -> int:
    return await ctx["outbox"].drain()


async def reconcile_outbox(ctx: dict[str, Any]) -> int:
    return await ctx["outbox"].reconcile(ctx["config"].outbox.stale_after)
