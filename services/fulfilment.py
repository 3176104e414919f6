"""What vendors do with an order: accept (all or part), reject, dispatch, deliver.

A vendor acts only on orders offered to it or held by it; the first accept wins (`domain.offers`).
Stock is taken at acceptance under the vendor_products row locks, so two orders racing for the
last units cannot both get them: the second acceptance is refused and that order moves on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import asyncpg

from domain.formatting import amount, qty
from domain.offers import AcceptOutcome, Offer, OfferError, OfferStatus, accept_offer, reject_offer
from domain.orders import IllegalTransition, Order, OrderStatus, check_transition
from domain.reasons import Reason
from services.lifecycle import split_off
from services.present import person, tell
from services.reassignment import Reassigned, ReassignResult, reassign_order
from services.scoring import rescore_vendors
from storage.notifier import Notifier
from storage.repos.orders import OrderRepository
from storage.repos.stock import StockRepository
from storage.uow import UnitOfWork  # bridge: services of other families take the unit of work


class Answer(StrEnum):
    DONE = "DONE"
    NOT_FOUND = "NOT_FOUND"
    NOT_YOURS = "NOT_YOURS"              # never offered to / not held by this vendor, or it said no
    TAKEN = "TAKEN"                      # another vendor accepted first
    EXPIRED = "EXPIRED"                  # the offer ran out; the order went elsewhere
    ALREADY = "ALREADY"                  # repeated answer, nothing changed
    NO_STOCK = "NO_STOCK"                # not enough stock; the order moves on
    NOTHING_LEFT = "NOTHING_LEFT"        # "accept without" everything
    WRONG_STATUS = "WRONG_STATUS"        # e.g. delivered before dispatched


@dataclass
class VendorResult:
    answer: Answer
    order: Order | None = None
    child_id: int | None = None          # the part left out by a partial accept, when it went on to others
    short: list[str] = field(default_factory=list)
    reassigned: ReassignResult | None = None


_REST_KEYS = {Reassigned.FAILED: "order_partly_accepted_rest_dropped",
              Reassigned.ESCALATED: "order_partly_accepted_rest_with_team"}
_ACCEPT = {AcceptOutcome.ALREADY_ACCEPTED: Answer.ALREADY, AcceptOutcome.TAKEN_BY_OTHER: Answer.TAKEN,
           AcceptOutcome.EXPIRED: Answer.EXPIRED, AcceptOutcome.NOT_OPEN: Answer.NOT_YOURS}


async def accept_order(conn: asyncpg.Connection, order_id: int, vendor_id: int, notifier: Notifier, now: datetime,
                       config: Any, without: Sequence[str] = ()) -> VendorResult:
    """Accept an offered order, optionally leaving out the lines of `without` (SKUs), which become a
    child order offered to other vendors."""
    repo = OrderRepository(conn)
    order = await repo.lock(order_id)
    if order is None:
        return VendorResult(Answer.NOT_FOUND)
    offers = await repo.offers(order_id)
    result = accept_offer(offers, vendor_id, now)
    if result.outcome is not AcceptOutcome.ACCEPTED:
        return VendorResult(_ACCEPT[result.outcome], order)
    if order.status is not OrderStatus.PENDING_VENDOR:
        return VendorResult(Answer.NOT_YOURS, order)
    keep = [li for li in order.lines if li.sku not in set(without)]
    if not keep:
        return VendorResult(Answer.NOTHING_LEFT, order)
    stock = StockRepository(conn)
    levels = await stock.lock_levels(vendor_id, [li.sku for li in keep])
    short = [li for li in keep if li.sku not in levels or (levels[li.sku] is not None and levels[li.sku] < li.quantity)]
    if short:
        await repo.save_offers([reject_offer(offers, vendor_id, now)], reason="not enough stock")
        moved = await reassign_order(conn, order_id, notifier, now, config, f"vendor:{vendor_id}",
                                     reason="vendor short of stock")
        names = [f"{li.name} ({qty(levels.get(li.sku) or 0)} {li.unit})" for li in short]
        return VendorResult(Answer.NO_STOCK, order, short=names, reassigned=moved)

    actor = f"vendor:{vendor_id}"
    child = None
    if len(keep) < len(order.lines):
        child = await split_off(conn, order, [li.sku for li in order.lines if li not in keep], actor, now,
                                "left out by vendor")
        await repo.save_offers([Offer(child.id, vendor_id, OfferStatus.REJECTED, now, now, now)],
                               reason="left out by vendor")
    await repo.save_offers(result.changed)
    await repo.move(order, OrderStatus.ACCEPTED, actor, now, "accepted")
    vendor, retailer = await person(conn, vendor_id), await person(conn, order.retailer_id)
    for low in await stock.take(vendor_id, [(li.sku, li.quantity) for li in order.lines]):
        await tell(notifier, vendor.phone, "vendor_low_stock", name=low.name, stock=qty(low.stock), unit=low.unit)
    for other in result.changed:
        if other.status is OfferStatus.TAKEN_BY_OTHER:
            await tell(notifier, (await person(conn, other.vendor_id)).phone, "vendor_order_taken", order_id=order_id)
    await tell(notifier, retailer.phone, "order_accepted", order.lines, order_id=order.id, vendor=vendor.name,
               total=amount(order.total))
    if child is not None:  # the retailer hears once what became of the rest, the vendor when it went nowhere
        moved = await reassign_order(conn, child.id, notifier, now, config, actor, reason=Reason.VENDOR_LEFT_OUT,
                                     tell_retailer=False)
        await tell(notifier, retailer.phone, _REST_KEYS.get(moved.outcome, "order_partly_accepted"), child.lines,
                   prices=False, order_id=order.id, child_id=child.id, vendor=vendor.name)
        if moved.outcome is Reassigned.FAILED:
            await tell(notifier, vendor.phone, "vendor_accepted_rest_dropped", order_id=order.id)
            child = None
    await rescore_vendors(UnitOfWork.joining(conn), now, [vendor_id])  # the score follows every answer
    return VendorResult(Answer.DONE, order, child_id=child.id if child else None)


async def reject_order(conn: asyncpg.Connection, order_id: int, vendor_id: int, reason: str, notifier: Notifier,
                       now: datetime, config: Any) -> VendorResult:
    """The vendor says no: its offer is REJECTED and the order goes to the next vendor at once."""
    repo = OrderRepository(conn)
    order = await repo.lock(order_id)
    if order is None:
        return VendorResult(Answer.NOT_FOUND)
    try:
        rejected = reject_offer(await repo.offers(order_id), vendor_id, now)
    except OfferError:
        return VendorResult(Answer.NOT_YOURS, order)
    await repo.save_offers([rejected], reason=reason or "rejected")
    moved = await reassign_order(conn, order_id, notifier, now, config, f"vendor:{vendor_id}",
                                 reason=f"vendor rejected: {reason}" if reason else "vendor rejected")
    await rescore_vendors(UnitOfWork.joining(conn), now, [vendor_id])  # the score follows every answer
    return VendorResult(Answer.DONE, order, reassigned=moved)


async def advance_order(conn: asyncpg.Connection, order_id: int, vendor_id: int, target: OrderStatus,
                        notifier: Notifier, now: datetime) -> VendorResult:
    """DISPATCHED or DELIVERED by the vendor holding the order; the retailer is told."""
    repo = OrderRepository(conn)
    order = await repo.lock(order_id)
    if order is None:
        return VendorResult(Answer.NOT_FOUND)
    if order.vendor_id != vendor_id or order.status in (OrderStatus.DRAFT, OrderStatus.PENDING_VENDOR):
        return VendorResult(Answer.NOT_YOURS, order)
    if order.status is target:
        return VendorResult(Answer.ALREADY, order)
    try:
        check_transition(order.status, target)
    except IllegalTransition:
        return VendorResult(Answer.WRONG_STATUS, order)
    await repo.move(order, target, f"vendor:{vendor_id}", now)
    vendor, retailer = await person(conn, vendor_id), await person(conn, order.retailer_id)
    key = "order_dispatched" if target is OrderStatus.DISPATCHED else "order_delivered"
    await tell(notifier, retailer.phone, key, order_id=order.id, vendor=vendor.name, total=amount(order.total))
    await rescore_vendors(UnitOfWork.joining(conn), now, [vendor_id])  # the score follows every answer
    return VendorResult(Answer.DONE, order)
