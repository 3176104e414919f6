"""Moving an order to the next vendor: after a reject, an expired offer, a vendor backing out or an
operator's say-so. Used by the vendor handlers, the every-minute timeout job and the ops chat.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

import asyncpg

from domain.offers import OfferStatus, tried_vendor_ids, withdraw_offer
from domain.offers import expire_offers as expired_of
from domain.orders import Order, OrderStatus
from domain.reasons import Reason
from domain.vendor_selection import plan_allocation
from services.lifecycle import end_order, offer_to, split_off, waits_for_desk
from services.present import person, tell
from services.scoring import rescore_vendors
from storage.notifier import Notifier
from storage.repos.orders import OrderRepository
from storage.repos.stock import StockRepository
from storage.uow import UnitOfWork  # bridge: services of other families take the unit of work


class Reassigned(StrEnum):
    OFFERED = "OFFERED"        # offered to the next vendor
    SPLIT = "SPLIT"            # no single vendor had everything: child orders offered too
    ESCALATED = "ESCALATED"    # max_vendor_attempts reached: admins alerted (once), order waits unassigned
    FAILED = "FAILED"          # no vendor left who can supply it: credit released, retailer told
    NOT_LIVE = "NOT_LIVE"      # the order is not waiting for a vendor (already accepted elsewhere, ended)


@dataclass
class ReassignResult:
    outcome: Reassigned
    order_ids: list[int] = field(default_factory=list)
    vendor_ids: list[int] = field(default_factory=list)


async def reassign_order(conn: asyncpg.Connection, order_id: int, notifier: Notifier, now: datetime, config: Any,
                         actor: str, exclude_current: bool = True, reason: str = "",
                         tell_retailer: bool = True) -> ReassignResult:
    """Offer the order to the best vendor not yet tried (the current one too when not `exclude_current`).

    The retailer hears what happened unless the caller tells them itself (`tell_retailer=False`). An
    order already handed to the ops desk stays with it: nobody is told the same thing again."""
    repo = OrderRepository(conn)
    order = await repo.lock(order_id)
    if order is None or order.status not in (OrderStatus.PENDING_VENDOR, OrderStatus.ACCEPTED):
        return ReassignResult(Reassigned.NOT_LIVE)
    offers = await repo.offers(order.id)
    if order.status is OrderStatus.ACCEPTED and order.vendor_id is not None:  # the vendor backs out
        await repo.save_offers([withdraw_offer(offers, order.vendor_id, now)], reason=reason or None)
        await StockRepository(conn).give_back(order.vendor_id, [(li.sku, li.quantity) for li in order.lines])
        await repo.move(order, OrderStatus.PENDING_VENDOR, actor, now, reason or "vendor backed out")
    else:
        still_open = [replace(o, status=OfferStatus.EXPIRED) for o in offers if o.status is OfferStatus.OFFERED]
        await repo.save_offers(still_open, reason="reassigned")
    tried = tried_vendor_ids(offers)
    exclude = tried if exclude_current else tried - {order.vendor_id}
    retailer = await person(conn, order.retailer_id)
    if len(exclude) >= config.orders.max_vendor_attempts:
        if waits_for_desk(order):
            return ReassignResult(Reassigned.ESCALATED, [order.id])
        await repo.move(order, OrderStatus.PENDING_VENDOR, actor, now, reason or "vendor attempts used up")
        await repo.set_vendor(order.id, None, now)
        await notifier.notify_admins("admin_order_escalated", order_id=order.id, retailer=retailer.name,
                                     attempts=len(exclude))
        if tell_retailer:
            await tell(notifier, retailer.phone, "order_still_looking", order_id=order.id)
        return ReassignResult(Reassigned.ESCALATED, [order.id])

    candidates = await StockRepository(conn).candidates(order.skus, order.retailer_id)
    plan = plan_allocation([(li.sku, li.quantity) for li in order.lines], candidates, exclude=exclude)
    if not plan.is_complete:
        await fail_order(conn, order, actor, Reason.NO_VENDOR_CAN_SUPPLY, notifier, now, tell_retailer=tell_retailer)
        return ReassignResult(Reassigned.FAILED, [order.id])
    await repo.move(order, OrderStatus.PENDING_VENDOR, actor, now, reason or "next vendor")
    parts = [(order, plan.assignments[0].vendor_id)]
    for assignment in plan.assignments[1:]:
        child = await split_off(conn, order, [sku for sku, _ in assignment.items], actor, now, "split")
        parts.append((child, assignment.vendor_id))
    for part, vendor_id in parts:
        await offer_to(conn, part, vendor_id, notifier, now, config)
    if tell_retailer and len(parts) > 1:
        await tell(notifier, retailer.phone, "order_split", order_id=order.id,
                   parts=", ".join(f"#{p.id}" for p, _ in parts))
    elif tell_retailer:
        await tell(notifier, retailer.phone, "order_reassigned", order_id=order.id)
    return ReassignResult(Reassigned.SPLIT if len(parts) > 1 else Reassigned.OFFERED,
                          [p.id for p, _ in parts], [v for _, v in parts])


async def fail_order(conn: asyncpg.Connection, order: Order, actor: str, reason: Reason | str, notifier: Notifier,
                     now: datetime, *, tell_retailer: bool = True) -> None:
    """FAILED with credit and stock given back; the admins are told, and the retailer unless the caller
    tells them itself."""
    await end_order(conn, order, OrderStatus.FAILED, actor, reason, notifier, now)
    retailer = await person(conn, order.retailer_id)
    if tell_retailer:
        await tell(notifier, retailer.phone, "order_failed", order_id=order.id, reason=reason)
    await notifier.notify_admins("admin_order_failed", order_id=order.id, retailer=retailer.name, reason=reason)


async def expire_offers(conn: asyncpg.Connection, now: datetime, notifier: Notifier, config: Any,
                        limit: int = 100) -> list[int]:
    """Offers past their SLA: the vendor gets a penalty and is told, the order goes to the next vendor.

    Safe to run again: an offer expires once. Returns the ids of the orders moved on.
    """
    repo = OrderRepository(conn)
    moved = []
    for order_id in await repo.with_expired_offers(now, limit):
        order = await repo.lock(order_id)
        if order is None:
            continue
        expired = expired_of(await repo.offers(order_id), now)
        if not expired:
            continue
        await repo.save_offers(expired, reason="no answer in time")
        outcome = None
        if order.status is OrderStatus.PENDING_VENDOR:
            outcome = (await reassign_order(conn, order_id, notifier, now, config, "system",
                                            reason="vendor did not answer")).outcome
            moved.append(order_id)
        went_on = outcome in (Reassigned.OFFERED, Reassigned.SPLIT)  # only then has it "gone to another vendor"
        for offer in expired:
            await conn.execute("UPDATE vendors SET penalties = penalties + 1 WHERE user_id = $1", offer.vendor_id)
            await rescore_vendors(UnitOfWork.joining(conn), now, [offer.vendor_id])
            vendor = await person(conn, offer.vendor_id)
            await tell(notifier, vendor.phone, "vendor_offer_expired" if went_on else "vendor_offer_closed",
                       order_id=order_id)
    return moved
