"""Moving an order to the next vendor: after a reject, an expired offer, a vendor backing out or an
operator's say-so. Used by the vendor handlers, the every-minute timeout job and the ops chat.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.offers import OfferStatus, tried_vendor_ids, withdraw_offer
from domain.offers import expire_offers as expired_of
from domain.orders import Order, OrderStatus
from domain.reasons import Reason
from domain.vendor_selection import plan_allocation
from services.events import OfferExpired, OrderEscalated, OrderFailed, OrderReassigned, OrderSplit
from services.lifecycle import end_order, offer_to, split_parts, waits_for_desk
from services.scoring import rescore_vendors
from storage.uow import UnitOfWork


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


async def reassign_order(uow: UnitOfWork, order_id: int, *, now: datetime, config: Any, actor: str,
                         exclude_current: bool = True, reason: str = "", tell_retailer: bool = True
                         ) -> ReassignResult:
    """Offer the order to the best vendor not yet tried (the current one too when not `exclude_current`).

    The retailer hears what happened unless the caller tells them itself (`tell_retailer=False`). An
    order already handed to the ops desk stays with it: nobody is told the same thing again."""
    repo = uow.orders
    order = await repo.lock(order_id)
    if order is None or order.status not in (OrderStatus.PENDING_VENDOR, OrderStatus.ACCEPTED):
        return ReassignResult(Reassigned.NOT_LIVE)
    offers = await repo.offers(order.id)
    if order.status is OrderStatus.ACCEPTED and order.vendor_id is not None:  # the vendor backs out
        await repo.save_offers([withdraw_offer(offers, order.vendor_id, now)], reason=reason or None)
        await uow.stock.give_back(order.vendor_id, [(li.sku, li.quantity) for li in order.lines])
        await repo.move(order, OrderStatus.PENDING_VENDOR, actor, now, reason or "vendor backed out")
    else:
        still_open = [replace(o, status=OfferStatus.EXPIRED) for o in offers if o.status is OfferStatus.OFFERED]
        await repo.save_offers(still_open, reason="reassigned")
    tried = tried_vendor_ids(offers)
    exclude = tried if exclude_current else tried - {order.vendor_id}
    if len(exclude) >= config.orders.max_vendor_attempts:
        if waits_for_desk(order):
            return ReassignResult(Reassigned.ESCALATED, [order.id])
        await repo.move(order, OrderStatus.PENDING_VENDOR, actor, now, reason or "vendor attempts used up")
        await repo.set_vendor(order.id, None, now)
        await uow.record(OrderEscalated(order_id=order.id, attempts=len(exclude), tell_retailer=tell_retailer))
        return ReassignResult(Reassigned.ESCALATED, [order.id])

    candidates = await uow.stock.candidates(order.skus, order.retailer_id)
    plan = plan_allocation([(li.sku, li.quantity) for li in order.lines], candidates, exclude=exclude)
    if not plan.is_complete:
        await fail_order(uow, order, actor=actor, reason=Reason.NO_VENDOR_CAN_SUPPLY, now=now,
                         tell_retailer=tell_retailer)
        return ReassignResult(Reassigned.FAILED, [order.id])
    await repo.move(order, OrderStatus.PENDING_VENDOR, actor, now, reason or "next vendor")
    parts = await split_parts(uow, order, plan, actor=actor, now=now)
    for part, vendor_id in parts:
        await offer_to(uow, part, vendor_id, now=now, config=config)
    if len(parts) > 1:
        await uow.record(OrderSplit(order_id=order.id, part_ids=tuple(p.id for p, _ in parts),
                                    tell_retailer=tell_retailer))
    else:
        await uow.record(OrderReassigned(order_id=order.id, tell_retailer=tell_retailer))
    return ReassignResult(Reassigned.SPLIT if len(parts) > 1 else Reassigned.OFFERED,
                          [p.id for p, _ in parts], [v for _, v in parts])


async def fail_order(uow: UnitOfWork, order: Order, *, actor: str, reason: Reason | str, now: datetime,
                     tell_retailer: bool = True) -> None:
    """FAILED with credit and stock given back; the admins are told, and the retailer unless the caller
    tells them itself."""
    await end_order(uow, order, OrderStatus.FAILED, actor=actor, reason=reason, now=now)
    await uow.record(OrderFailed(order_id=order.id, reason=reason, tell_retailer=tell_retailer))


async def expire_offers(uow: UnitOfWork, *, now: datetime, config: Any, limit: int = 100) -> list[int]:
    """Offers past their SLA: the vendor gets a penalty and is told, the order goes to the next vendor.

    Safe to run again: an offer expires once. Returns the ids of the orders moved on.
    """
    repo = uow.orders
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
            outcome = (await reassign_order(uow, order_id, now=now, config=config, actor="system",
                                            reason="vendor did not answer")).outcome
            moved.append(order_id)
        went_on = outcome in (Reassigned.OFFERED, Reassigned.SPLIT)  # only then has it "gone to another vendor"
        for offer in expired:
            await repo.add_penalty(offer.vendor_id)
            await rescore_vendors(uow, now, [offer.vendor_id])
            await uow.record(OfferExpired(order_id=order_id, vendor_id=offer.vendor_id, reassigned=went_on))
    return moved
