"""Wake-ups when outbox rows are queued: every insert NOTIFYs `outbox` with its recipient."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import asyncpg


class OutboxWaker:
    """Per recipient, an event set when a row for it is queued (one listening connection per process)."""

    def __init__(self) -> None:
        self._events: dict[str, set[asyncio.Event]] = {}

    def _notified(self, conn: object, pid: int, channel: str, recipient: str) -> None:
        for event in self._events.get(recipient, ()):
            event.set()

    @contextlib.contextmanager
    def subscription(self, recipient: str) -> Iterator[asyncio.Event]:
        """An event set whenever a row for `recipient` is queued, while the block runs (clear it yourself)."""
        event = asyncio.Event()
        self._events.setdefault(recipient, set()).add(event)
        try:
            yield event
        finally:
            waiting = self._events.get(recipient, set())
            waiting.discard(event)
            if not waiting:
                self._events.pop(recipient, None)


@asynccontextmanager
async def listening(database_url: str) -> AsyncIterator[OutboxWaker]:
    """A waker fed by LISTEN outbox; without a connection it never fires (callers poll anyway)."""
    waker = OutboxWaker()
    conn: asyncpg.Connection | None = None
    try:
        conn = await asyncpg.connect(database_url, timeout=5)
        await conn.add_listener("outbox", waker._notified)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        conn = None
    try:
        yield waker
    finally:
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()
