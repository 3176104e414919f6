"""What vendors do with an order: accept (all or part), reject, dispatch, deliver.

A vendor acts only on orders offered to it or held by it; the first accept wins (`domain.offers`).
Stock is taken at acceptance under the vendor_products row locks, so two orders racing for the
last units cannot both get them: the second acceptance is refused and that order moves on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.formatting import qty
from domain.offers import AcceptOutcome, Offer, OfferError, OfferStatus, accept_offer, reject_offer
from domain.orders import IllegalTransition, Order, OrderStatus, check_transition
from domain.people import Person
from domain.reasons import Reason
from services.events import OrderAccepted, OrderDelivered, OrderDispatched, OrderTaken, PartLeftOut, StockRanLow
from services.lifecycle import split_off
from services.reassignment import Reassigned, ReassignResult, reassign_order
from services.scoring import rescore_vendors
from storage.uow import UnitOfWork


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
    retailer: Person | None = None       # whose order was accepted


_ACCEPT = {AcceptOutcome.ALREADY_ACCEPTED: Answer.ALREADY, AcceptOutcome.TAKEN_BY_OTHER: Answer.TAKEN,
           AcceptOutcome.EXPIRED: Answer.EXPIRED, AcceptOutcome.NOT_OPEN: Answer.NOT_YOURS}


async def open_orders(uow: UnitOfWork, vendor_id: int, statuses: Sequence[OrderStatus]) -> list[int]:
    """Ids of the orders in `statuses` waiting on this vendor: offered to it, or held by it."""
    return await uow.orders.open_for_vendor(vendor_id, [s.value for s in statuses])


async def order_for_vendor(uow: UnitOfWork, order_id: int, vendor_id: int) -> Order | None:
    """The order if it was offered to this vendor or is held by it; None otherwise, as for no order."""
    order = await uow.orders.get(order_id)
    if order is None:
        return None
    if order.vendor_id == vendor_id or any(o.vendor_id == vendor_id for o in await uow.orders.offers(order_id)):
        return order
    return None


async def accept_order(uow: UnitOfWork, order_id: int, vendor_id: int, *, now: datetime, config: Any,
                       without: Sequence[str] = ()) -> VendorResult:
    """Accept an offered order, optionally leaving out the lines of `without` (SKUs), which become a
    child order offered to other vendors."""
    repo = uow.orders
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
    levels = await uow.stock.lock_levels(vendor_id, [li.sku for li in keep])
    short = [li for li in keep if li.sku not in levels or _below(levels[li.sku], li.quantity)]
    actor = f"vendor:{vendor_id}"
    if short:
        await repo.save_offers([reject_offer(offers, vendor_id, now)], reason="not enough stock")
        moved = await reassign_order(uow, order_id, now=now, config=config, actor=actor,
                                     reason="vendor short of stock")
        names = [f"{li.name} ({qty(levels.get(li.sku) or Decimal(0))} {li.unit})" for li in short]
        return VendorResult(Answer.NO_STOCK, order, short=names, reassigned=moved)

    child = None
    if len(keep) < len(order.lines):
        child = await split_off(uow, order, [li.sku for li in order.lines if li not in keep], actor=actor, now=now,
                                reason="left out by vendor")
        await repo.save_offers([Offer(child.id, vendor_id, OfferStatus.REJECTED, now, now, now)],
                               reason="left out by vendor")
    await repo.save_offers(result.changed)
    await repo.move(order, OrderStatus.ACCEPTED, actor, now, "accepted")
    for low in await uow.stock.take(vendor_id, [(li.sku, li.quantity) for li in order.lines]):
        await uow.record(StockRanLow(vendor_id=vendor_id, sku=low.sku, name=low.name, stock=low.stock, unit=low.unit))
    for other in result.changed:
        if other.status is OfferStatus.TAKEN_BY_OTHER:
            await uow.record(OrderTaken(order_id=order_id, vendor_id=other.vendor_id))
    await uow.record(OrderAccepted(order_id=order.id, vendor_id=vendor_id))
    if child is not None:  # the retailer hears once what became of the rest, the vendor when it went nowhere
        moved = await reassign_order(uow, child.id, now=now, config=config, actor=actor,
                                     reason=Reason.VENDOR_LEFT_OUT, tell_retailer=False)
        await uow.record(PartLeftOut(order_id=order.id, child_id=child.id, vendor_id=vendor_id,
                                     lines=tuple(child.lines), rest=moved.outcome))
        if moved.outcome is Reassigned.FAILED:
            child = None
    await rescore_vendors(uow, now, [vendor_id])  # the score follows every answer
    return VendorResult(Answer.DONE, order, child_id=child.id if child else None,
                        retailer=await uow.users.person(order.retailer_id))


async def reject_order(uow: UnitOfWork, order_id: int, vendor_id: int, *, reason: str, now: datetime,
                       config: Any) -> VendorResult:
    """The vendor says no: its offer is REJECTED and the order goes to the next vendor at once."""
    repo = uow.orders
    order = await repo.lock(order_id)
    if order is None:
        return VendorResult(Answer.NOT_FOUND)
    try:
        rejected = reject_offer(await repo.offers(order_id), vendor_id, now)
    except OfferError:
        return VendorResult(Answer.NOT_YOURS, order)
    await repo.save_offers([rejected], reason=reason or "rejected")
    moved = await reassign_order(uow, order_id, now=now, config=config, actor=f"vendor:{vendor_id}",
                                 reason=f"vendor rejected: {reason}" if reason else "vendor rejected")
    await rescore_vendors(uow, now, [vendor_id])  # the score follows every answer
    return VendorResult(Answer.DONE, order, reassigned=moved)


async def advance_order(uow: UnitOfWork, order_id: int, vendor_id: int, target: OrderStatus, *,
                        now: datetime, eta: datetime | None = None) -> VendorResult:
    """DISPATCHED or DELIVERED by the vendor holding the order; the retailer is told (with the
    run's `eta` when it was dispatched on a delivery run)."""
    repo = uow.orders
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
    if target is OrderStatus.DISPATCHED:
        await uow.record(OrderDispatched(order_id=order.id, vendor_id=vendor_id, eta=eta))
    else:
        await uow.record(OrderDelivered(order_id=order.id, vendor_id=vendor_id))
    await rescore_vendors(uow, now, [vendor_id])  # the score follows every answer
    return VendorResult(Answer.DONE, order)


def _below(level: Decimal | None, wanted: Decimal) -> bool:
    """A vendor's stock level is short of `wanted` (None: stock not tracked, never short)."""
    return level is not None and level < wanted
