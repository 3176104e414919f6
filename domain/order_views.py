"""Orders as operators read them: a row of a list, the filter of a list, one order's state and its
whole history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.orders import OrderLine


@dataclass(frozen=True)
class OrderFilter:
    statuses: tuple[str, ...] = ()
    retailer_id: int | None = None
    vendor_id: int | None = None
    start: datetime | None = None      # created_at >= start
    end: datetime | None = None        # created_at < end
    placed_only: bool = True           # drafts left out unless asked for by status


@dataclass(frozen=True)
class OrderRow:
    id: int
    status: str
    total: Decimal
    items: int
    retailer: str
    retailer_phone: str
    vendor: str | None
    vendor_phone: str | None
    parent_id: int | None
    failure_reason: str | None
    created_at: datetime
    updated_at: datetime
    confirmed_at: datetime | None
    delivered_at: datetime | None


@dataclass(frozen=True)
class OrderState:
    status: str
    vendor_phone: str | None           # the vendor holding it, if any


@dataclass(frozen=True)
class OfferRecord:
    vendor: str
    phone: str
    status: str
    offered_at: datetime
    responded_at: datetime | None
    reason: str | None


@dataclass(frozen=True)
class StatusChange:
    from_status: str | None
    to_status: str
    actor: str
    reason: str | None
    at: datetime


@dataclass(frozen=True)
class MessageReceipt:
    """A message about the order and what the provider reported of it: sent, delivered, read."""

    recipient: str                     # the name, or the phone of a number that is nobody's
    body: str
    status: str                        # the outbox status (queued, sent, delivered, read, held, failed, dead)
    sent_as: str | None                # text | template
    sent_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None


@dataclass(frozen=True)
class OrderHistory:
    order: OrderRow
    lines: list[OrderLine]
    offers: list[OfferRecord]
    history: list[StatusChange]
    children: list[int] = field(default_factory=list)
    messages: list[MessageReceipt] = field(default_factory=list)
