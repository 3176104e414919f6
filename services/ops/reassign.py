"""An operator sends an order to a vendor of their choosing (plain `/reassign` uses
`services.reassignment.reassign_order`, which picks the next best vendor itself)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.offers import OfferStatus, withdraw_offer
from domain.orders import OrderStatus
from services.events import OrderReassigned, OrderWithdrawn
from services.lifecycle import offer_to
from storage.uow import UnitOfWork


class Chosen(StrEnum):
    OFFERED = "OFFERED"
    NOT_LIVE = "NOT_LIVE"          # not waiting for or held by a vendor
    SAME_VENDOR = "SAME_VENDOR"    # already offered to / accepted by that vendor
    CANNOT_SUPPLY = "CANNOT_SUPPLY"  # the vendor does not list every line, or lacks the stock


async def reassign_to(uow: UnitOfWork, order_id: int, vendor_id: int, *, now: datetime, config: Any, actor: str,
                      reason: str = "reassigned by operator") -> tuple[Chosen, str | None]:
    """Offer the order to `vendor_id` (taking it from the vendor holding it); (outcome, order status)."""
    repo = uow.orders
    order = await repo.lock(order_id)
    if order is None or order.status not in (OrderStatus.PENDING_VENDOR, OrderStatus.ACCEPTED):
        return Chosen.NOT_LIVE, order.status.value if order else None
    offers = await repo.offers(order.id)
    if any(o.vendor_id == vendor_id and o.status in (OfferStatus.OFFERED, OfferStatus.ACCEPTED) for o in offers):
        return Chosen.SAME_VENDOR, order.status.value
    candidates = await uow.stock.candidates(order.skus, order.retailer_id)
    chosen = next((c for c in candidates if c.vendor_id == vendor_id), None)
    if chosen is None or not all(chosen.can_fill(li.sku, li.quantity) for li in order.lines):
        return Chosen.CANNOT_SUPPLY, order.status.value
    still_open = [replace(o, status=OfferStatus.EXPIRED) for o in offers if o.status is OfferStatus.OFFERED]
    await repo.save_offers(still_open, reason=reason)
    told = {o.vendor_id for o in still_open}
    if order.status is OrderStatus.ACCEPTED and order.vendor_id is not None:
        await repo.save_offers([withdraw_offer(offers, order.vendor_id, now)], reason=reason)
        await uow.stock.give_back(order.vendor_id, [(li.sku, li.quantity) for li in order.lines])
        told.add(order.vendor_id)
    await uow.record(OrderWithdrawn(order_id=order.id, vendor_ids=tuple(sorted(told)), reason=reason))
    await repo.move(order, OrderStatus.PENDING_VENDOR, actor, now, reason)
    await offer_to(uow, order, vendor_id, now=now, config=config)
    await uow.record(OrderReassigned(order_id=order.id))
    return Chosen.OFFERED, order.status.value
