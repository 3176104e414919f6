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
from storage.clock import Clock
from storage.notify import Notifier
from storage.repos.inbox import InboxRepository
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


class Intake:
    def __init__(self, pool: asyncpg.Pool, dispatcher: Dispatcher, clock: Clock,
                 before_handling: Callable[[], Awaitable[object]] | None = None) -> None:
        self.pool = pool
        self.before_handling = before_handling  # e.g. re-index the catalogue when it changed
        self.dispatcher = dispatcher
        self.clock = clock
        self._tasks: set[asyncio.Task[int]] = set()

    async def receive(self, inbound: InboundMessage) -> int | None:
        """Store a message; its id, or None when the provider sent this message before."""
        async with self.pool.acquire() as conn:
            return await InboxRepository(conn).add(
                provider=inbound.provider, provider_id=inbound.provider_id, phone=inbound.phone,
                body=inbound.text, media=[{"url": m.url, "content_type": m.content_type} for m in inbound.media],
                profile_name=inbound.profile_name,
                payload={"button_payload": inbound.button_payload, **inbound.extra},
                received_at=self.clock.now(),
            )

    def schedule(self, phone: str) -> None:
        """Handle the sender's pending messages in the background, keeping the task referenced."""
        task = asyncio.get_running_loop().create_task(self.process(phone))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for scheduled work (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def process(self, phone: str) -> int:
        """Handle every pending message of `phone`, oldest first; returns how many were handled."""
        handled = 0
        if self.before_handling is not None:
            await self.before_handling()
        more = True
        while more:
            message_id = None
            try:
                async with UnitOfWork(self.pool) as uow:
                    await uow.inbox.lock_conversation(phone)
                    record = await uow.inbox.next_pending(phone)  # a statement after the lock: fresh snapshot
                    if record is None:
                        return handled
                    message_id = record.id
                    with handling(record.id):
                        answered_by = await self.dispatcher.handle(uow, record)
                        more = await uow.inbox.finish(record, self.clock.now())
                        log.info("message handled", extra={"handler": answered_by, "phone": phone})
            except Exception as exc:  # the message is kept, marked failed, and the sender told
                if message_id is None:
                    log.exception("cannot read pending messages", extra={"phone": phone})
                    return handled
                with handling(message_id):
                    log.exception("message failed", extra={"phone": phone})
                    await self._fail(phone, message_id, exc)
            handled += 1
        return handled

    async def _fail(self, phone: str, message_id: int, exc: Exception) -> None:
        now = self.clock.now()
        async with UnitOfWork(self.pool) as uow:
            await uow.inbox.lock_conversation(phone)
            await uow.inbox.mark(message_id, "failed", now, error=f"{type(exc).__name__}: {exc}"[:500])
            notifier = Notifier(uow.conn, self.dispatcher.texts, now, inbound_id=message_id)
            await notifier.notify(phone, "error")
            await notifier.notify_admins("admin_error", skip=phone, message_id=message_id, phone=phone,
                                         error=type(exc).__name__)

    async def sweep(self, older_than: timedelta = timedelta(seconds=30)) -> int:
        """Handle messages nobody picked up (a process died after storing them)."""
        async with self.pool.acquire() as conn:
            phones = await InboxRepository(conn).senders_with_pending(self.clock.now() - older_than)
        counts = await asyncio.gather(*(self.process(p) for p in phones))
        return sum(counts)
