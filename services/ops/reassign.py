"""An operator sends an order to a vendor of their choosing (plain `/reassign` uses
`services.reassignment.reassign_order`, which picks the next best vendor itself)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from typing import Any

import asyncpg

from domain.offers import OfferStatus, withdraw_offer
from domain.orders import OrderStatus
from services.lifecycle import offer_to
from services.present import person, tell
from storage.notifier import Notifier
from storage.repos.orders import OrderRepository
from storage.repos.stock import StockRepository


class Chosen(StrEnum):
    OFFERED = "OFFERED"
    NOT_LIVE = "NOT_LIVE"          # not waiting for or held by a vendor
    SAME_VENDOR = "SAME_VENDOR"    # already offered to / accepted by that vendor
    CANNOT_SUPPLY = "CANNOT_SUPPLY"  # the vendor does not list every line, or lacks the stock


async def reassign_to(conn: asyncpg.Connection, order_id: int, vendor_id: int, notifier: Notifier, now: datetime,
                      config: Any, actor: str, reason: str = "reassigned by operator") -> tuple[Chosen, str | None]:
    """Offer the order to `vendor_id` (taking it from the vendor holding it); (outcome, order status)."""
    repo = OrderRepository(conn)
    order = await repo.lock(order_id)
    if order is None or order.status not in (OrderStatus.PENDING_VENDOR, OrderStatus.ACCEPTED):
        return Chosen.NOT_LIVE, order.status.value if order else None
    offers = await repo.offers(order.id)
    if any(o.vendor_id == vendor_id and o.status in (OfferStatus.OFFERED, OfferStatus.ACCEPTED) for o in offers):
        return Chosen.SAME_VENDOR, order.status.value
    candidates = await StockRepository(conn).candidates(order.skus, order.retailer_id)
    chosen = next((c for c in candidates if c.vendor_id == vendor_id), None)
    if chosen is None or not all(chosen.can_fill(li.sku, li.quantity) for li in order.lines):
        return Chosen.CANNOT_SUPPLY, order.status.value
    still_open = [replace(o, status=OfferStatus.EXPIRED) for o in offers if o.status is OfferStatus.OFFERED]
    await repo.save_offers(still_open, reason=reason)
    told = {o.vendor_id for o in still_open}
    if order.status is OrderStatus.ACCEPTED and order.vendor_id is not None:
        await repo.save_offers([withdraw_offer(offers, order.vendor_id, now)], reason=reason)
        await StockRepository(conn).give_back(order.vendor_id, [(li.sku, li.quantity) for li in order.lines])
        told.add(order.vendor_id)
    for other in sorted(told):
        await tell(notifier, (await person(conn, other)).phone, "vendor_order_ended", order_id=order.id,
                   status="reassigned", reason=reason)
    await repo.move(order, OrderStatus.PENDING_VENDOR, actor, now, reason)
    await offer_to(conn, order, vendor_id, notifier, now, config)
    await tell(notifier, (await person(conn, order.retailer_id)).phone, "order_reassigned", order_id=order.id)
    return Chosen.OFFERED, order.status.value
