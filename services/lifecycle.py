"""Shared steps of an order's life: offer it to a vendor, split lines off, end it and give back.

Callers hold the order's lock (`uow.orders.lock`) for the whole transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from domain.credit import EntryKind, LedgerEntry, order_debit, release_for_order
from domain.offers import OfferStatus, make_offer
from domain.orders import HOLDS_CREDIT, Order, OrderStatus, check_transition, release_on
from domain.reasons import Reason
from domain.vendor_selection import Allocation
from services.events import OrderEnded, OrderOffered
from storage.uow import UnitOfWork


async def offer_to(uow: UnitOfWork, order: Order, vendor_id: int, *, now: datetime, config: Any) -> None:
    """Offer the order to one vendor until now + the response SLA (the vendor is told)."""
    await uow.orders.save_offers([make_offer(order.id, vendor_id, now, config.orders.vendor_response_sla)])
    await uow.orders.set_vendor(order.id, vendor_id, now)
    order.vendor_id = vendor_id
    await uow.record(OrderOffered(order_id=order.id, vendor_id=vendor_id))


async def split_off(uow: UnitOfWork, order: Order, skus: Sequence[str], *, actor: str, now: datetime,
                    reason: str) -> Order:
    """Move the lines of `skus` to a new child order (parent_id = order).

    A DRAFT parent gets a DRAFT child. A parent already holding credit moves that part of its debit to
    the child, which starts PENDING_VENDOR, ready to be offered.
    """
    repo, ledger = uow.orders, uow.ledger
    moving = [li for li in order.lines if li.sku in set(skus)]
    child_id = await repo.create(order.retailer_id, now, parent_id=order.id)
    child = Order(child_id, order.retailer_id, None, order.id, OrderStatus.DRAFT, order.total, now, lines=moving)
    child.total = await repo.set_lines(child_id, moving, now)
    order.lines = [li for li in order.lines if li.sku not in set(skus)]
    order.total = await repo.set_lines(order.id, order.lines, now)
    if order.status in HOLDS_CREDIT and child.total > 0:
        await ledger.append(LedgerEntry(order.retailer_id, EntryKind.ORDER_RELEASE, child.total, now, order.id,
                                        f"moved to #{child_id}"))
        await ledger.append(order_debit(order.retailer_id, child_id, child.total, now))
    if order.status in HOLDS_CREDIT:
        await repo.move(child, OrderStatus.PENDING_VENDOR, actor, now, f"{reason} from #{order.id}")
    return child


async def split_parts(uow: UnitOfWork, order: Order, plan: Allocation, *, actor: str,
                      now: datetime) -> list[tuple[Order, int]]:
    """(part, vendor) for each assignment of `plan`: the order keeps the first vendor's lines and a
    child order is split off for every other vendor."""
    parts = [(order, plan.assignments[0].vendor_id)]
    for assignment in plan.assignments[1:]:
        child = await split_off(uow, order, [sku for sku, _ in assignment.items], actor=actor, now=now,
                                reason="split")
        parts.append((child, assignment.vendor_id))
    return parts


async def end_order(uow: UnitOfWork, order: Order, target: OrderStatus, *, actor: str, reason: Reason | str,
                    now: datetime) -> None:
    """Move a live order to a terminal status, giving back credit and stock, closing open offers.

    The vendor holding or being offered the order is told; raises IllegalTransition when not allowed.
    """
    check_transition(order.status, target)
    release = release_on(order.status, target)
    previous, repo = order.status, uow.orders
    await repo.move(order, target, actor, now, reason)
    if release.credit:
        entry = release_for_order(await uow.ledger.for_order(order.id), order.id, now, reason)
        if entry is not None:
            await uow.ledger.append(entry)
    if release.stock and order.vendor_id is not None:
        await uow.stock.give_back(order.vendor_id, [(li.sku, li.quantity) for li in order.lines])
    offers = await repo.offers(order.id)
    open_offers = [replace(o, status=OfferStatus.EXPIRED) for o in offers if o.status is OfferStatus.OFFERED]
    await repo.save_offers(open_offers, reason=reason)
    involved = {o.vendor_id for o in open_offers}
    if previous in (OrderStatus.ACCEPTED, OrderStatus.DISPATCHED) and order.vendor_id is not None:
        involved.add(order.vendor_id)
    await uow.record(OrderEnded(order_id=order.id, status=target, reason=reason, vendor_ids=tuple(sorted(involved))))


def waits_for_desk(order: Order) -> bool:
    """No vendor holds or is offered the order: the ops desk was asked to assign it by hand."""
    return order.status is OrderStatus.PENDING_VENDOR and order.vendor_id is None
