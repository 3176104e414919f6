"""Unit of work: one connection, one transaction, the repositories bound to it.

One unit of work per handled message: the state change, the conversation state and the replies
(outbox rows) commit together or not at all.
"""

from __future__ import annotations

from types import TracebackType

import asyncpg

from storage.repos.audit import AuditRepository
from storage.repos.conversations import ConversationRepository
from storage.repos.inbox import InboxRepository
from storage.repos.ledger import LedgerRepository
from storage.repos.orders import OrderRepository
from storage.repos.outbox import OutboxRepository
from storage.repos.payments import PaymentRepository
from storage.repos.products import ProductRepository
from storage.repos.retailer_views import RetailerViews
from storage.repos.stock import StockRepository
from storage.repos.tickets import TicketRepository
from storage.repos.users import UserRepository


class UnitOfWork:
    """`async with UnitOfWork(pool) as uow:` commits on success, rolls back on an exception."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._conn: asyncpg.Connection | None = None
        self._tx: asyncpg.transaction.Transaction | None = None

    @property
    def conn(self) -> asyncpg.Connection:
        assert self._conn is not None, "unit of work used outside `async with`"
        return self._conn

    async def __aenter__(self) -> UnitOfWork:
        self._conn = await self._pool.acquire()
        self._tx = self._conn.transaction()
        await self._tx.start()
        conn = self._conn
        self.users = UserRepository(conn)
        self.inbox = InboxRepository(conn)
        self.outbox = OutboxRepository(conn)
        self.conversations = ConversationRepository(conn)
        self.audit = AuditRepository(conn)
        self.products = ProductRepository(conn)
        self.orders = OrderRepository(conn)
        self.ledger = LedgerRepository(conn)
        self.stock = StockRepository(conn)
        self.payments = PaymentRepository(conn)
        self.tickets = TicketRepository(conn)
        self.views = RetailerViews(conn)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        assert self._tx is not None and self._conn is not None
        try:
            if exc_type is None:
                await self._tx.commit()
            else:
                await self._tx.rollback()
        finally:
            await self._pool.release(self._conn)
            self._conn = self._tx = None
