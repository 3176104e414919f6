"""Unit of work: one connection, one transaction, the repositories bound to it, and the events.

One unit of work per handled message: the state change, the conversation state and the replies
(outbox rows) commit together or not at all. Services record what happened (`await uow.record(event)`);
the `publish` hook the unit of work was made with (`services.notifications.publish`, wired by
`services.bootstrap`) turns each event into outbox rows at once, in the same transaction and in the
order things happened.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Any

import asyncpg

from storage.analytics import Analytics
from storage.clock import Clock, SystemClock
from storage.notifier import Notifier, Renderer, Sender
from storage.repos.apikeys import ApiKeyRepository
from storage.repos.audit import AuditRepository
from storage.repos.console_views import ConsoleViews
from storage.repos.conversations import ConversationRepository
from storage.repos.credit import CreditRepository
from storage.repos.delivery import DeliveryRepository
from storage.repos.exports import ExportRepository
from storage.repos.finance import FinanceRepository
from storage.repos.healing import HealingRepository
from storage.repos.inbox import InboxRepository
from storage.repos.learned_aliases import LearnedAliasRepository
from storage.repos.ledger import LedgerRepository
from storage.repos.media import MediaJobRepository
from storage.repos.order_views import OrderViews
from storage.repos.orders import OrderRepository
from storage.repos.outbox import OutboxRepository
from storage.repos.payments import PaymentRepository
from storage.repos.prices import PriceRepository
from storage.repos.products import ProductRepository
from storage.repos.profiles import ProfileViews
from storage.repos.reminders import ReminderRepository
from storage.repos.retailer_views import RetailerViews
from storage.repos.safe_mode import SafeModeRepository
from storage.repos.scoring import VendorScoreRepository
from storage.repos.stock import StockRepository
from storage.repos.stock_cover import StockCoverRepository
from storage.repos.tickets import TicketRepository
from storage.repos.users import UserRepository
from storage.repos.web_sessions import WebLoginRepository

Publish = Callable[["UnitOfWork", Any], Awaitable[None]]
Pool = asyncpg.Pool


class UnitOfWork:
    """`async with UnitOfWork(pool) as uow:` commits on success, rolls back on an exception."""

    def __init__(self, pool: Pool, texts: Renderer | None = None, *, clock: Clock | None = None,
                 default_language: str = "en", inbound_id: int | None = None, publish: Publish | None = None) -> None:
        self._pool = pool
        self._conn: asyncpg.Connection | None = None
        self._tx: asyncpg.transaction.Transaction | None = None
        self._texts, self._clock = texts, clock or SystemClock()
        self._default_language, self._inbound_id = default_language, inbound_id
        self._publish = publish
        self._notifier: Notifier | None = None
        self._savepoints = 0
        self.events: list[Any] = []

    @property
    def conn(self) -> asyncpg.Connection:
        assert self._conn is not None, "unit of work used outside `async with`"
        return self._conn

    async def __aenter__(self) -> UnitOfWork:
        self._conn = await self._pool.acquire()
        self._tx = self._conn.transaction()
        await self._tx.start()
        self._bind_repositories(self._conn)
        return self

    def _bind_repositories(self, conn: asyncpg.Connection) -> None:
        self.users = UserRepository(conn)
        self.inbox = InboxRepository(conn)
        self.outbox = OutboxRepository(conn)
        self.conversations = ConversationRepository(conn)
        self.audit = AuditRepository(conn)
        self.products = ProductRepository(conn)
        self.orders = OrderRepository(conn)
        self.ledger = LedgerRepository(conn)
        self.stock = StockRepository(conn)
        self.prices = PriceRepository(conn)
        self.stock_cover = StockCoverRepository(conn)
        self.finance = FinanceRepository(conn)
        self.payments = PaymentRepository(conn)
        self.tickets = TicketRepository(conn)
        self.views = RetailerViews(conn)
        # what operators read and keep (services.ops)
        self.analytics = Analytics(conn)
        self.order_views = OrderViews(conn)
        self.profiles = ProfileViews(conn)
        self.exports = ExportRepository(conn)
        self.api_keys = ApiKeyRepository(conn)
        self.media = MediaJobRepository(conn)
        # payments, credit, healing, safe mode, reminders, scoring
        self.credit = CreditRepository(conn)
        self.healing = HealingRepository(conn)
        self.safe_mode = SafeModeRepository(conn)
        self.reminders = ReminderRepository(conn)
        self.vendor_scores = VendorScoreRepository(conn)
        self.delivery = DeliveryRepository(conn)
        self.web_logins = WebLoginRepository(conn)
        self.console = ConsoleViews(conn)
        self.learned_aliases = LearnedAliasRepository(conn)
        return self

    @property
    def notifier(self) -> Notifier:
        """Writes outbox rows in this transaction (made on first use, with the time of that use)."""
        if self._notifier is None:
            assert self._texts is not None, "this unit of work was made without texts: it cannot notify"
            self._notifier = Notifier(self.conn, self._texts, self._clock.now(), self._default_language,
                                      self._inbound_id)
        return self._notifier

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """`async with uow.savepoint():` what fails inside leaves no change behind.

        One statement, not two: what succeeds is not released, the savepoint stays part of the
        transaction until its commit (or rollback) ends it."""
        self._savepoints += 1
        name = f"uow_{self._savepoints}"
        await self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            await self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            raise

    def bind(self, inbound_id: int, sender: Sender | None = None) -> Notifier:
        """Notices from here on belong to inbound message `inbound_id`; `sender` is answered in its language."""
        notifier = self.notifier
        notifier.inbound_id, notifier.sender = inbound_id, sender
        return notifier

    async def record(self, event: Any) -> None:
        """What happened; published at once, so notices keep the order of events."""
        self.events.append(event)
        if self._publish is not None:
            await self._publish(self, event)

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
            self._conn = self._tx = self._notifier = None
