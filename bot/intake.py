"""From a stored message to its handling: per-conversation order across processes.

The webhook stores the message (a duplicate provider id stops there) and schedules the sender's
conversation. Handling takes a transaction-scoped advisory lock on the sender, then always the
oldest unhandled message, so one conversation is handled one message at a time in arrival order,
whichever process picks it up. Messages left behind by a crash are swept up by the worker.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

import asyncpg

from bot.channels.base import InboundMessage
from bot.dispatcher import Dispatcher
from bot.logs import handling
from services.bootstrap import unit_of_work
from storage import metrics
from storage.clock import Clock
from storage.repos.inbox import InboundRecord, InboxRepository, NewInbound, conversation_lock
from storage.transient import is_transient
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

TRANSIENT_RETRIES = 5     # a message hit by a lost race or a dropped connection runs again this often
BACKOFF_SECONDS = 0.05    # before the first retry; doubled for each next one (0.05 … 0.8 s)
MAX_ATTEMPTS = 3          # a message that fails for real is handled this many times (by the sweep)
SENDER_LIMIT = 30         # messages one number may send in SENDER_WINDOW; more are stored, not handled,
SENDER_WINDOW = timedelta(minutes=1)  # and the sender is asked once to slow down
STORE_BATCH = 500         # messages stored by one statement at most
STORE_RESERVE = 2         # pool connections handling leaves free for storing and the rest


class Intake:
    def __init__(self, pool: asyncpg.Pool, dispatcher: Dispatcher, clock: Clock,
                 before_handling: Callable[[], Awaitable[object]] | None = None) -> None:
        self.pool = pool
        self.before_handling = before_handling  # e.g. re-index the catalogue when it changed
        self.dispatcher = dispatcher
        self.clock = clock
        self._tasks: set[asyncio.Task[int]] = set()
        self._to_store: list[tuple[NewInbound, asyncio.Future[int | None]]] = []
        self._storing: asyncio.Task[None] | None = None
        # handling holds a connection per conversation: it leaves STORE_RESERVE of the pool to the
        # webhooks' stores, which would otherwise wait behind every conversation being handled
        self.slots = max(1, pool.get_max_size() - STORE_RESERVE)
        self._slots = asyncio.Semaphore(self.slots)
        self._active = 0  # conversations holding a slot
        self._running: set[str] = set()   # senders with a scheduled task
        self._again: set[str] = set()     # of those, senders whose new messages arrived meanwhile

    async def receive(self, inbound: InboundMessage) -> int | None:
        """Store a message; its id, or None when the provider sent this message before.

        Messages that arrive while a store is under way are stored together by the next one (one
        statement and one commit for all of them), in arrival order."""
        stored: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._to_store.append((NewInbound(
            provider=inbound.provider, provider_id=inbound.provider_id, phone=inbound.phone, body=inbound.text,
            media=[{"url": m.url, "content_type": m.content_type} for m in inbound.media],
            profile_name=inbound.profile_name, payload={"button_payload": inbound.button_payload, **inbound.extra},
            received_at=self.clock.now()), stored))
        if self._storing is None or self._storing.done():
            self._storing = asyncio.get_running_loop().create_task(self._store_queued())
        return await stored

    async def _store_queued(self) -> None:
        while self._to_store:
            batch, self._to_store = self._to_store[:STORE_BATCH], self._to_store[STORE_BATCH:]
            try:
                async with self.pool.acquire() as conn:
                    ids = await InboxRepository(conn).add_many([message for message, _ in batch])
            except Exception as exc:  # each waiting webhook decides (e.g. spools: the database is down)
                for _, stored in batch:
                    if not stored.done():
                        stored.set_exception(exc)
                continue
            for (_, stored), message_id in zip(batch, ids, strict=True):
                if not stored.done():  # a webhook that gave up waiting spools its message: deduped on replay
                    stored.set_result(message_id)

    @property
    def in_flight(self) -> int:
        """Conversations this process is handling or about to handle."""
        return len(self._running)

    @property
    def waiting(self) -> int:
        """Conversations scheduled here that wait for a handling slot."""
        return max(0, len(self._running) - self._active)

    def schedule(self, phone: str) -> None:
        """Handle the sender's pending messages in the background, keeping the task referenced.

        One task per sender: while it runs, a new message only asks it to look again, so a flood from
        one number holds one database connection, not one per message waiting for the sender's lock.
        """
        if phone in self._running:
            self._again.add(phone)
            return
        self._running.add(phone)
        task = asyncio.get_running_loop().create_task(self._process_until_idle(phone))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _process_until_idle(self, phone: str) -> int:
        handled = 0
        try:
            while True:
                self._again.discard(phone)
                handled += await self.process(phone)
                if phone not in self._again:
                    return handled
        finally:
            self._running.discard(phone)

    async def drain(self) -> None:
        """Wait for scheduled work (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def process(self, phone: str) -> int:
        """Handle every pending message of `phone`, oldest first; returns how many were handled.

        A transient database failure (lost race, dropped connection) runs the message again after a
        short backoff; when the database stays away the message is left for the sweep, nobody blamed.
        """
        async with self._slots:
            self._active += 1
            try:
                return await self._process(phone)
            finally:
                self._active -= 1

    async def _process(self, phone: str) -> int:
        handled = 0
        if self.before_handling is not None:
            await self.before_handling()
        more, tries = True, 0
        while more:
            message_id, record = None, None
            try:
                async with self._unit_of_work().opening_with(conversation_lock(phone)) as uow:
                    # a statement after the lock: fresh snapshot; the turn's start comes along
                    record = await uow.inbox.next_pending(phone, SENDER_WINDOW, with_start=True)
                    if record is None:
                        return handled
                    message_id = record.id
                    with handling(record.id):
                        limited = await self._over_limit(uow, record)
                    if limited:
                        more = await uow.finish(record, self.clock.now(), "limited")
                    else:
                        with metrics.timed(metrics.HANDLING_SECONDS, record.provider):
                            await self.dispatcher.handle(uow, record)  # logs under the message's id, as above
                        more = await uow.finish(record, self.clock.now())
                _count_handled(record, "limited" if limited else "handled", self.clock)
            except Exception as exc:
                if is_transient(exc):
                    tries += 1
                    if tries > TRANSIENT_RETRIES:
                        log.warning("database unavailable; messages left for the sweep", extra={"phone": phone})
                        return handled
                    log.warning("transient failure, trying again", extra={"phone": phone, "try": tries,
                                                                          "error": type(exc).__name__})
                    await asyncio.sleep(BACKOFF_SECONDS * 2 ** (tries - 1))
                    continue
                if message_id is None:
                    log.exception("cannot read pending messages", extra={"phone": phone})
                    return handled
                metrics.MESSAGES_FAILED.labels(record.provider if record else "unknown").inc()
                with handling(message_id):
                    log.exception("message failed", extra={"phone": phone})
                    try:
                        await self._fail(phone, message_id, exc)
                    except Exception:  # the database went away meanwhile: the message stays pending
                        log.exception("cannot record the failure", extra={"phone": phone})
                        return handled
            tries = 0
            handled += 1
        return handled

    def _unit_of_work(self) -> UnitOfWork:
        return unit_of_work(self.pool, self.dispatcher.texts, self.clock, self.dispatcher.config)

    async def _over_limit(self, uow: UnitOfWork, record: InboundRecord) -> bool:
        """Whether the sender passed SENDER_LIMIT; the first message over it asks them to slow down."""
        sent, limited = record.burst or await uow.inbox.burst(
            record, (record.received_at or self.clock.now()) - SENDER_WINDOW)
        if sent <= SENDER_LIMIT:
            return False
        if not limited:
            await uow.bind(record.id).notify(record.phone, "slow_down")
        log.warning("sender over the inbound limit", extra={"phone": record.phone})
        return True

    async def _fail(self, phone: str, message_id: int, exc: Exception) -> None:
        """Record a real failure; the sweep tries again until MAX_ATTEMPTS, then sender and admins are told once."""
        now = self.clock.now()
        async with self._unit_of_work() as uow:
            await uow.inbox.lock_conversation(phone)
            attempts = await uow.inbox.fail(message_id, now, f"{type(exc).__name__}: {exc}"[:500])
            if attempts < MAX_ATTEMPTS:
                return
            notifier = uow.bind(message_id)
            await notifier.notify(phone, "error")
            await notifier.notify_admins("admin_error", skip=phone, message_id=message_id, phone=phone,
                                         error=type(exc).__name__)

    async def sweep(self, older_than: timedelta = timedelta(seconds=30)) -> int:
        """Handle messages nobody picked up (a process died after storing them), and try again those
        that failed fewer than MAX_ATTEMPTS times."""
        cutoff = self.clock.now() - older_than
        async with self.pool.acquire() as conn:
            repo = InboxRepository(conn)
            retried = await repo.requeue_failed(cutoff, MAX_ATTEMPTS)
            phones = sorted(set(await repo.senders_with_pending(cutoff)) | set(retried))
        counts = await asyncio.gather(*(self.process(p) for p in phones))
        return sum(counts)


def _count_handled(record: InboundRecord, outcome: str, clock: Clock) -> None:
    metrics.MESSAGES_HANDLED.labels(record.provider, outcome).inc()
    if record.received_at is not None:
        waited = (clock.now() - record.received_at).total_seconds()
        metrics.WAIT_SECONDS.labels(record.provider).observe(max(0.0, waited))
