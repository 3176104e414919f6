"""Order state machine.

Statuses (`OrderStatus`, a StrEnum: the value is what the database stores). Happy path:

    DRAFT -> PENDING_VENDOR -> ACCEPTED -> DISPATCHED -> DELIVERED

Other moves (`TRANSITIONS` is the authority):

    DRAFT          -> HELD | QUEUED (instead of PENDING_VENDOR, see `status_on_confirm`)
    HELD, QUEUED   -> PENDING_VENDOR when approved / released
    PENDING_VENDOR -> PENDING_VENDOR   next vendor after a reject or an expired offer
    ACCEPTED       -> PENDING_VENDOR   the vendor backed out; the order is reassigned
    live statuses  -> CANCELLED | REJECTED | EXPIRED | FAILED where the table allows

* HELD: confirmed by a high-risk retailer, waiting for an operator's approval.
* QUEUED: confirmed while the platform runs in safe mode; released when safe mode ends.
* PENDING_VENDOR -> PENDING_VENDOR: one vendor rejected (or let the offer expire) and the order is
  offered to the next one. A single vendor's "no" is an `Offer` status, not an order status.
* REJECTED: refused for good: an operator declined a held order, or every candidate vendor said no.
* EXPIRED: time ran out: a draft never confirmed, or no vendor accepted before the order's deadline.
* FAILED: could not be fulfilled after all: no vendor can supply it, or delivery failed.

API:
    check_transition(current, target) -> None       raises IllegalTransition
    transition(order_id, current, target, actor, at, reason="") -> Transition   checked record
    status_on_confirm(*, safe_mode, needs_approval) -> OrderStatus
    release_on(current, target) -> Release          what to give back (credit, stock) on a move
    LIVE, UNFULFILLED                               tuples of statuses (SQL takes them as parameters)
    TERMINAL, HOLDS_CREDIT, HOLDS_STOCK             frozensets of statuses

Credit is reserved (an ORDER_DEBIT, see `domain.credit`) when the retailer confirms, so every status
reached from DRAFT by confirmation holds credit until the order ends. DELIVERED keeps the debit (it is
now owed); the other terminal statuses release it. Stock is held at a vendor from its accept until the
order is delivered or leaves that vendor. Offers (`domain.offers`) track each vendor's answer.

`actor` is a short string: "retailer:<id>", "vendor:<id>", "admin:<id>" or "system".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class OrderStatus(StrEnum):
    DRAFT = "DRAFT"
    HELD = "HELD"
    QUEUED = "QUEUED"
    PENDING_VENDOR = "PENDING_VENDOR"
    ACCEPTED = "ACCEPTED"
    DISPATCHED = "DISPATCHED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    FAILED = "FAILED"


S = OrderStatus

TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.DRAFT: frozenset({S.PENDING_VENDOR, S.HELD, S.QUEUED, S.CANCELLED, S.EXPIRED}),
    S.HELD: frozenset({S.PENDING_VENDOR, S.QUEUED, S.REJECTED, S.CANCELLED, S.EXPIRED}),
    S.QUEUED: frozenset({S.PENDING_VENDOR, S.HELD, S.CANCELLED, S.EXPIRED}),
    S.PENDING_VENDOR: frozenset({S.PENDING_VENDOR, S.ACCEPTED, S.REJECTED, S.EXPIRED, S.CANCELLED, S.FAILED}),
    S.ACCEPTED: frozenset({S.DISPATCHED, S.PENDING_VENDOR, S.CANCELLED, S.FAILED}),
    S.DISPATCHED: frozenset({S.DELIVERED, S.FAILED}),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
    S.REJECTED: frozenset(),
    S.EXPIRED: frozenset(),
    S.FAILED: frozenset(),
}
"""Allowed moves: `target in TRANSITIONS[current]`. Terminal statuses map to an empty set."""

TERMINAL: frozenset[OrderStatus] = frozenset(s for s, targets in TRANSITIONS.items() if not targets)
LIVE: tuple[OrderStatus, ...] = (S.HELD, S.QUEUED, S.PENDING_VENDOR, S.ACCEPTED, S.DISPATCHED)
"""Placed and not ended: the "open" orders of the dashboard and of `/orders open`."""
UNFULFILLED: tuple[OrderStatus, ...] = (S.CANCELLED, S.REJECTED, S.EXPIRED, S.FAILED)
"""Ended without delivery: failed orders in reports, left out of GMV."""
HOLDS_CREDIT: frozenset[OrderStatus] = frozenset(LIVE)
"""Every live order holds its credit until it ends."""
HOLDS_STOCK: frozenset[OrderStatus] = frozenset({S.ACCEPTED, S.DISPATCHED})
CANCELLABLE_BY_RETAILER: frozenset[OrderStatus] = frozenset({S.DRAFT, S.HELD, S.QUEUED, S.PENDING_VENDOR})
"""A retailer may cancel alone until a vendor accepts; after that an operator decides."""


class IllegalTransition(ValueError):
    """Raised when an order may not move from `current` to `target`."""

    def __init__(self, current: OrderStatus, target: OrderStatus) -> None:
        super().__init__(f"order cannot go from {current.value} to {target.value}")
        self.current = current
        self.target = target


@dataclass(frozen=True, slots=True)
class Transition:
    """One recorded status change, appended to the order's history."""

    order_id: int
    from_status: OrderStatus
    to_status: OrderStatus
    actor: str
    at: datetime
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Release:
    """What a status change gives back: the credit reserved and/or the vendor's stock."""

    credit: bool
    stock: bool


def check_transition(current: OrderStatus, target: OrderStatus) -> None:
    """Raise `IllegalTransition` unless `current -> target` is in `TRANSITIONS`."""
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(current, target)


def transition(
    order_id: int,
    current: OrderStatus,
    target: OrderStatus,
    actor: str,
    at: datetime,
    reason: str = "",
) -> Transition:
    """Check the move and return its `Transition` record; `at` must be timezone-aware."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("transition time must be timezone-aware")
    if not actor:
        raise ValueError("transition needs an actor")
    check_transition(current, target)
    return Transition(order_id, current, target, actor, at, reason)


def status_on_confirm(*, safe_mode: bool, needs_approval: bool) -> OrderStatus:
    """Status a DRAFT goes to when the retailer confirms it.

    Safe mode wins (nothing goes out to vendors); otherwise a retailer that needs approval
    (high credit risk) is HELD for an operator; otherwise the order goes to vendors.
    """
    if safe_mode:
        return S.QUEUED
    if needs_approval:
        return S.HELD
    return S.PENDING_VENDOR


def release_on(current: OrderStatus, target: OrderStatus) -> Release:
    """What to release when an order moves `current -> target` (call after `check_transition`).

    Credit is released when the order leaves the credit-holding statuses without being delivered.
    Stock is released when it leaves the stock-holding statuses other than by delivery, including
    ACCEPTED -> PENDING_VENDOR (the vendor backed out; its stock is freed, the credit stays).
    """
    ends_undelivered = target in UNFULFILLED
    return Release(
        credit=current in HOLDS_CREDIT and ends_undelivered,
        stock=current in HOLDS_STOCK and target not in HOLDS_STOCK and target is not S.DELIVERED,
    )


@dataclass
class OrderLine:
    sku: str
    name: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    line_total: Decimal


@dataclass
class Order:
    id: int
    retailer_id: int
    vendor_id: int | None
    parent_id: int | None
    status: OrderStatus
    total: Decimal
    created_at: datetime
    failure_reason: str | None = None
    lines: list[OrderLine] = field(default_factory=list)

    @property
    def skus(self) -> list[str]:
        return [line.sku for line in self.lines]


@dataclass(frozen=True)
class OrderSummary:
    """An order as a retailer's list shows it."""

    id: int
    status: str
    total: Decimal
    vendor: str | None
    created_at: datetime
    changed_at: datetime        # the latest order_status_history row (or creation)
    items: int


@dataclass(frozen=True)
class PastOrder:
    """A placed order to repeat."""

    id: int
    created_at: datetime
    items: list[tuple[str, Decimal]]  # (sku, quantity), the order and its split-off parts together
