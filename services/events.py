"""What happened, as services record it on the unit of work (`await uow.record(OrderOffered(...))`).

An event names the facts, never the words: `services.notifications` decides who is told and with
which text. Events are grouped by the family of use cases that records them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.healing import Problem, Strategy
from domain.orders import OrderLine, OrderStatus
from domain.reasons import Reason
from domain.stock_cover import CoverLine


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
    eta: datetime | None = None          # on a delivery run: when it should arrive


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


@dataclass(frozen=True)
class PaymentClaimed(Event):
    """A retailer says it paid; the claim waits for an admin or a vendor it owes."""

    claim_id: int
    retailer_id: int
    amount: Decimal
    method: str


@dataclass(frozen=True)
class PaymentConfirmed(Event):
    """A claim was confirmed: `amount` came off the retailer's dues (by an admin, or all of it by a vendor)."""

    claim_id: int
    retailer_id: int
    amount: Decimal
    method: str
    outstanding: Decimal
    available: Decimal


@dataclass(frozen=True)
class PaymentRejected(Event):
    claim_id: int
    retailer_id: int
    amount: Decimal  # what was still claimed
    reason: str


@dataclass(frozen=True)
class PaymentPartlyConfirmed(Event):
    """A vendor confirmed `amount`, all it was owed; `held` waits for an admin (see PaymentHeld)."""

    claim_id: int
    retailer_id: int
    vendor_id: int
    amount: Decimal
    held: Decimal
    outstanding: Decimal
    available: Decimal


@dataclass(frozen=True)
class PaymentHeld(Event):
    """The rest of a claim a vendor confirmed in part waits for an admin."""

    claim_id: int
    retailer_id: int
    vendor_id: int
    amount: Decimal   # what the vendor confirmed
    held: Decimal
    claimed: Decimal


@dataclass(frozen=True)
class PaymentDecided(Event):
    """A vendor decided a claim in full (an admin's own decision is its answer)."""

    claim_id: int
    vendor_id: int
    decision: str  # how: CONFIRMED


@dataclass(frozen=True)
class CreditRiskHigh(Event):
    """A retailer's credit risk became HIGH: its new orders wait for an operator."""

    retailer_id: int
    score: float


@dataclass(frozen=True)
class HealEscalated(Event):
    """Self-healing handed a stuck case to the admins."""

    subject: str  # the case as admins read it: "order #1042", "payment claim #3 from …"
    problem: Problem
    since: datetime


@dataclass(frozen=True)
class HealFailed(Event):
    subject: str
    problem: Problem
    strategy: Strategy
    detail: str  # what the attempt found, as recorded on it


@dataclass(frozen=True)
class VendorNudged(Event):
    """The vendor holding a stuck order is reminded of it."""

    order_id: int
    vendor_id: int
    problem: Problem


@dataclass(frozen=True)
class SafeModeOn(Event):
    until: datetime | None  # None: until turned off
    reason: str
    by: str


@dataclass(frozen=True)
class SafeModeOff(Event):
    released: tuple[int, ...]  # the queued orders sent to vendors as it ended
    by: str


@dataclass(frozen=True)
class OrderReleased(Event):
    """A QUEUED or HELD order went to vendors."""

    order_id: int
    retailer_id: int


@dataclass(frozen=True)
class ReminderDue(Event):
    """A retailer is asked, on the predicted day of its next order, whether to order its usual basket."""

    retailer_id: int
    order_id: int             # the last order the prediction came from
    basket: tuple[tuple[str, Decimal], ...]   # predicted: sku, quantity
    day: date                 # the predicted order day (local)
    every_days: int           # the retailer's period


@dataclass(frozen=True)
class SendingPaused(Event):
    """The provider refused the credentials: nothing is sent until they work again."""

    reason: str


@dataclass(frozen=True)
class TicketResolved(Event):
    ticket_id: int
    retailer_id: int
    order_id: int | None
    note: str


# delivery runs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunPlanned(Event):
    """A run was planned (or planned anew): the vendor gets its stops in order."""

    run_id: int
    vendor_id: int
    zone: str                            # the IANA zone its times are told in


@dataclass(frozen=True)
class OrderCarried(Event):
    """The order fitted no run today: the retailer is told when to expect it instead."""

    order_id: int
    vendor_id: int
    expected: datetime                   # local time (platform.timezone)


# operators and the desk ----------------------------------------------------------------------------


# the web console -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoginCodeIssued(Event):
    """An admin asked to log in to the web console: `code` goes to their WhatsApp."""

    phone: str
    code: str
    minutes: int


# vendor prices -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PriceOffMarket(Event):
    """A vendor's new price for a SKU is off the market median by more than market.alert_share
    (recorded once per price change)."""

    vendor_id: int
    sku: str
    price: Decimal
    median: Decimal


# stock cover ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CoverRanLow(Event):
    """SKUs of `vendor_id` whose days of cover just fell under market.low_cover_days, with the reorder
    advice (services/stock_cover.py)."""

    vendor_id: int
    lines: tuple[CoverLine, ...]
    target_days: int
