"""What happened, as services record it on the unit of work (`await uow.record(OrderOffered(...))`).

An event names the facts, never the words: `services.notifications` decides who is told and with
which text. Events are grouped by the family of use cases that records them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.orders import OrderLine, OrderStatus
from domain.reasons import Reason


@dataclass(frozen=True)
class Event:
    """Base of every event."""


# ordering and fulfilment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderOffered(Event):
    """`vendor_id` is offered the order until its response SLA runs out."""

    order_id: int
    vendor_id: int


@dataclass(frozen=True)
class OrderHeld(Event):
    """Confirmed by a retailer who needs approval: the order waits for an operator."""

    order_id: int


@dataclass(frozen=True)
class OrderEnded(Event):
    """The order reached the terminal `status`; `vendor_ids` held it or had an open offer of it."""

    order_id: int
    status: OrderStatus
    reason: Reason | str
    vendor_ids: tuple[int, ...]


@dataclass(frozen=True)
class OrderCancelled(Event):
    """Cancelled by `actor` ("retailer:<id>", "admin:<id>", "system"); `desk_asked`: the ops desk
    had been asked to assign it by hand."""

    order_id: int
    actor: str
    reason: Reason | str
    desk_asked: bool


@dataclass(frozen=True)
class StockRanLow(Event):
    """Taking stock for an order left `vendor_id` with `stock` of a product, under its threshold."""

    vendor_id: int
    sku: str
    name: str
    stock: Decimal
    unit: str


@dataclass(frozen=True)
class OrderTaken(Event):
    """Another vendor accepted first: the offer to `vendor_id` is closed."""

    order_id: int
    vendor_id: int


@dataclass(frozen=True)
class OrderAccepted(Event):
    order_id: int
    vendor_id: int


@dataclass(frozen=True)
class PartLeftOut(Event):
    """`vendor_id` accepted order `order_id` without `lines`, which became order `child_id`; `rest` is
    what reassigning that part came to (a `services.reassignment.Reassigned` value)."""

    order_id: int
    child_id: int
    vendor_id: int
    lines: tuple[OrderLine, ...]
    rest: str


@dataclass(frozen=True)
class OrderDispatched(Event):
    order_id: int
    vendor_id: int


@dataclass(frozen=True)
class OrderDelivered(Event):
    order_id: int
    vendor_id: int


@dataclass(frozen=True)
class OrderReassigned(Event):
    """The order went on to another vendor. `tell_retailer` is False when the caller tells the
    retailer itself (as for the part a vendor left out), on this and the events below."""

    order_id: int
    tell_retailer: bool = True


@dataclass(frozen=True)
class OrderSplit(Event):
    """No single vendor had everything: the order went on as `part_ids` (itself first)."""

    order_id: int
    part_ids: tuple[int, ...]
    tell_retailer: bool = True


@dataclass(frozen=True)
class OrderEscalated(Event):
    """`attempts` vendors did not take it: the order waits for the ops desk to assign it."""

    order_id: int
    attempts: int
    tell_retailer: bool = True


@dataclass(frozen=True)
class OrderFailed(Event):
    """Nobody can fulfil it; credit and stock were given back."""

    order_id: int
    reason: Reason | str
    tell_retailer: bool = True


@dataclass(frozen=True)
class OfferExpired(Event):
    """`vendor_id` let the offer run out (a penalty); `reassigned`: the order went to another vendor."""

    order_id: int
    vendor_id: int
    reassigned: bool


@dataclass(frozen=True)
class OrderWithdrawn(Event):
    """An operator sent the order elsewhere: `vendor_ids` lose their offer or their acceptance."""

    order_id: int
    vendor_ids: tuple[int, ...]
    reason: str


@dataclass(frozen=True)
class TicketOpened(Event):
    """A retailer's complaint, about `order_id` when it named one."""

    ticket_id: int
    retailer_id: int
    order_id: int | None
    category: str
    body: str


@dataclass(frozen=True)
class UnknownNumberWrote(Event):
    """Someone not registered wrote (recorded once per conversation)."""

    phone: str
    profile_name: str | None
    text: str


# payments, credit, healing, safe mode, reminders -----------------------------------------------------


# operators and the desk ----------------------------------------------------------------------------
