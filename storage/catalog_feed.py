"""Wake-ups when the catalogue changes: products' triggers NOTIFY `product_changes` (migration 0095)."""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg

CHANNEL = "product_changes"


class CatalogListener:
    """An event set on every NOTIFY product_changes, over one connection of its own.

    Without a connection it never fires; readers poll as well, so a lost connection or a missed
    notification only delays a change until the next poll."""

    def __init__(self) -> None:
        self.changed = asyncio.Event()
        self._conn: asyncpg.Connection | None = None

    def _notified(self, conn: object, pid: int, channel: str, payload: str) -> None:
        self.changed.set()

    async def start(self, database_url: str) -> bool:
        try:
            self._conn = await asyncpg.connect(database_url, timeout=5)
            await self._conn.add_listener(CHANNEL, self._notified)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            self._conn = None
        return self._conn is not None

    async def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None
