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
from datetime import datetime
from types import TracebackType
from typing import Any, Generic, TypeVar, overload

import asyncpg

from domain.conversations import Conversation
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
from storage.repos.inbox import InboundRecord, InboxRepository
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
R = TypeVar("R")
_REPOSITORIES: set[str] = set()


class _Repository(Generic[R]):
    """A repository of the unit of work, made on first use with its connection and kept for the
    transaction (in the instance's dict, which takes precedence over this non-data descriptor)."""

    def __init__(self, make: Callable[[asyncpg.Connection], R]) -> None:
        self.make = make

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        _REPOSITORIES.add(name)

    @overload
    def __get__(self, uow: None, owner: type) -> _Repository[R]: ...

    @overload
    def __get__(self, uow: UnitOfWork, owner: type) -> R: ...

    def __get__(self, uow: UnitOfWork | None, owner: type) -> R | _Repository[R]:
        if uow is None:
            return self
        repository = uow.__dict__[self.name] = self.make(uow.conn)
        return repository


class UnitOfWork:
    """`async with UnitOfWork(pool) as uow:` commits on success, rolls back on an exception."""

    # bound to the transaction's connection on first use: a message touches a few of them, not all
    users = _Repository(UserRepository)
    inbox = _Repository(InboxRepository)
    outbox = _Repository(OutboxRepository)
    conversations = _Repository(ConversationRepository)
    audit = _Repository(AuditRepository)
    products = _Repository(ProductRepository)
    orders = _Repository(OrderRepository)
    ledger = _Repository(LedgerRepository)
    stock = _Repository(StockRepository)
    prices = _Repository(PriceRepository)
    stock_cover = _Repository(StockCoverRepository)
    finance = _Repository(FinanceRepository)
    payments = _Repository(PaymentRepository)
    tickets = _Repository(TicketRepository)
    views = _Repository(RetailerViews)
    # what operators read and keep (services.ops)
    analytics = _Repository(Analytics)
    order_views = _Repository(OrderViews)
    profiles = _Repository(ProfileViews)
    exports = _Repository(ExportRepository)
    api_keys = _Repository(ApiKeyRepository)
    media = _Repository(MediaJobRepository)
    # payments, credit, healing, safe mode, reminders, scoring
    credit = _Repository(CreditRepository)
    healing = _Repository(HealingRepository)
    safe_mode = _Repository(SafeModeRepository)
    reminders = _Repository(ReminderRepository)
    vendor_scores = _Repository(VendorScoreRepository)
    delivery = _Repository(DeliveryRepository)
    web_logins = _Repository(WebLoginRepository)
    console = _Repository(ConsoleViews)
    learned_aliases = _Repository(LearnedAliasRepository)

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
        self._opening: str | None = None
        self._conversation: tuple[Conversation, datetime] | None = None
        self.events: list[Any] = []

    @property
    def conn(self) -> asyncpg.Connection:
        assert self._conn is not None, "unit of work used outside `async with`"
        return self._conn

    def opening_with(self, statement: str) -> UnitOfWork:
        """Run `statement` (no parameters: e.g. `storage.repos.inbox.conversation_lock`) as the transaction
        begins, in the same round trip as BEGIN. Such a transaction is begun and ended by hand, so the
        code inside must not open asyncpg transactions of its own (use `savepoint`)."""
        self._opening = statement
        return self

    async def __aenter__(self) -> UnitOfWork:
        self._conn = await self._pool.acquire()
        try:
            if self._opening is not None:
                await self._conn.execute(f"BEGIN; {self._opening}")
            else:
                self._tx = self._conn.transaction()
                await self._tx.start()
        except BaseException:
            await self._pool.release(self._conn)  # the pool's reset rolls back what BEGIN may have begun
            self._conn = self._tx = None
            raise
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

    def save_conversation(self, convo: Conversation, at: datetime) -> None:
        """Save the conversation as a turn left it: with `finish` (one statement for both), else at commit."""
        self._conversation = (convo, at)

    async def finish(self, message: InboundRecord, at: datetime, status: str = "done") -> bool:
        """Mark an inbound message handled (InboxRepository.finish), with the conversation saved for it."""
        convo, self._conversation = self._conversation, None
        return await self.inbox.finish(message, at, status, convo)

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
        assert self._conn is not None
        try:
            if exc_type is None:
                if self._conversation is not None:
                    await self.conversations.save(*self._conversation)
                await (self._tx.commit() if self._tx is not None else self._conn.execute("COMMIT"))
            else:
                await (self._tx.rollback() if self._tx is not None else self._conn.execute("ROLLBACK"))
        finally:
            await self._pool.release(self._conn)
            self._conn = self._tx = self._notifier = self._conversation = None
            for name in _REPOSITORIES.intersection(self.__dict__):  # a next `async with` binds them anew
                del self.__dict__[name]
