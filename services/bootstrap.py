"""The one place a unit of work is wired for the services: texts, clock, language, and events that
become notifications."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, cast

import asyncpg

from services.notifications import publish
from services.texts import Texts
from storage.clock import Clock
from storage.notifier import Notifier
from storage.uow import UnitOfWork


def unit_of_work(pool: asyncpg.Pool, texts: Texts, clock: Clock, config: Any, *,
                 inbound_id: int | None = None) -> UnitOfWork:
    """`async with unit_of_work(...) as uow:` for a handled message (`inbound_id`) or a job."""
    return UnitOfWork(pool, texts, clock=clock, default_language=config.languages.default, inbound_id=inbound_id,
                      publish=publish)


class _Lent:
    """The one connection whose transaction a caller holds, lent as a pool."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def acquire(self) -> asyncpg.Connection:
        return self._conn

    async def release(self, conn: asyncpg.Connection) -> None:
        return None


class _At:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now


@asynccontextmanager
async def joined(conn: asyncpg.Connection, notifier: Any) -> AsyncIterator[UnitOfWork]:
    """Transitional, for services still handed a connection and a notifier (or a handler's reply) when
    they call services that take a unit of work: one inside `conn`'s open transaction (a savepoint),
    telling people as `notifier` would have (same time, language, message and sender)."""
    told: Notifier = getattr(notifier, "notifier", notifier)
    uow = UnitOfWork(cast(asyncpg.Pool, _Lent(conn)), told.texts, clock=_At(told.now),
                     default_language=told.default_language, inbound_id=told.inbound_id, publish=publish)
    async with uow:
        if told.sender is not None:
            uow.bind(told.inbound_id, told.sender)
        yield uow
