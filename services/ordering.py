"""Where an order gets confirmed (and cancelled).

`confirm_order` is the one place a draft becomes a real order: under the retailer's row lock it
re-prices, checks that vendors can supply every line, checks credit, writes the ORDER_DEBIT, moves
the draft on (split into child orders when no single vendor has everything) and offers each part.
A second confirmation finds the order no longer DRAFT and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.credit import check_order_fits, order_debit
from domain.orders import IllegalTransition, Order, OrderStatus, check_transition, status_on_confirm
from domain.reasons import Reason
from domain.vendor_selection import plan_allocation
from services.credit import needs_approval
from services.drafts import reprice
from services.events import OrderCancelled, OrderHeld
from services.lifecycle import end_order, offer_to, split_parts, waits_for_desk
from services.safe_mode import is_safe_mode
from storage.uow import UnitOfWork


class Confirmed(StrEnum):
    CONFIRMED = "CONFIRMED"            # offered to vendor(s); `order_ids` has more than one when split
    HELD = "HELD"                      # waiting for an operator (high-risk retailer)
    QUEUED = "QUEUED"                  # safe mode: goes out when it ends
    ALREADY = "ALREADY"                # not a draft any more (a repeated YES)
    EMPTY = "EMPTY"
    PRICES_CHANGED = "PRICES_CHANGED"  # re-priced; ask again
    OVER_LIMIT = "OVER_LIMIT"
    NO_STOCK = "NO_STOCK"              # `missing` names the lines no vendor can supply
    NOT_FOUND = "NOT_FOUND"


@dataclass
class ConfirmResult:
    outcome: Confirmed
    order: Order | None = None
    order_ids: list[int] = field(default_factory=list)
    available: Decimal = Decimal("0.00")
    shortfall: Decimal = Decimal("0.00")
    missing: list[str] = field(default_factory=list)
    total: Decimal = Decimal("0.00")       # of every part together


async def confirm_order(uow: UnitOfWork, order_id: int, *, now: datetime, config: Any, actor: str
                        ) -> ConfirmResult:
    """Confirm a DRAFT order: this is where an order gets confirmed (see the module docstring).
    Nothing changes unless the outcome is CONFIRMED, HELD or QUEUED."""
    repo = uow.orders
    order = await repo.lock(order_id)
    if order is None:
        return ConfirmResult(Confirmed.NOT_FOUND)
    if order.status is not OrderStatus.DRAFT:
        return ConfirmResult(Confirmed.ALREADY, order, [order.id])
    if not order.lines:
        return ConfirmResult(Confirmed.EMPTY, order)
    candidates = await uow.stock.candidates(order.skus, order.retailer_id)  # read once: priced and planned on
    if await reprice(uow, order, config=config, now=now, candidates=candidates):
        return ConfirmResult(Confirmed.PRICES_CHANGED, order)
    plan = plan_allocation([(li.sku, li.quantity) for li in order.lines], candidates)
    if not plan.is_complete:
        missing = {sku for sku, _ in plan.unfillable} or set(order.skus)
        return ConfirmResult(Confirmed.NO_STOCK, order, missing=[li.name for li in order.lines if li.sku in missing])
    credit = await uow.ledger.lock_retailer(order.retailer_id)
    fits = check_order_fits(credit.limit, credit.outstanding, order.total)
    if not fits.ok:
        return ConfirmResult(Confirmed.OVER_LIMIT, order, available=fits.available, shortfall=fits.shortfall)

    target = status_on_confirm(safe_mode=await is_safe_mode(uow, now),
                               needs_approval=await needs_approval(uow, order.retailer_id))
    parts = [(order, plan.assignments[0].vendor_id)]
    if target is OrderStatus.PENDING_VENDOR:
        parts = await split_parts(uow, order, plan, actor=actor, now=now)
    for part, _ in parts:
        await uow.ledger.append(order_debit(part.retailer_id, part.id, part.total, now))
        await repo.move(part, target, actor, now, "confirmed")
    if target is OrderStatus.PENDING_VENDOR:
        for part, vendor_id in parts:
            await offer_to(uow, part, vendor_id, now=now, config=config)
    elif target is OrderStatus.HELD:
        await uow.record(OrderHeld(order_id=order.id))
    outcome = {OrderStatus.HELD: Confirmed.HELD, OrderStatus.QUEUED: Confirmed.QUEUED}.get(target, Confirmed.CONFIRMED)
    total = sum((p.total for p, _ in parts), Decimal("0.00"))
    return ConfirmResult(outcome, order, [p.id for p, _ in parts], available=fits.available - total, total=total)


@dataclass
class CancelResult:
    ok: bool
    status: OrderStatus | None  # the status after (or the unchanged one when refused)


async def cancel_order(uow: UnitOfWork, order_id: int, *, actor: str, reason: Reason | str,
                       now: datetime) -> CancelResult:
    """Cancel an order if its status allows; credit and stock are given back, the vendor and the
    retailer (unless the retailer cancelled) are told, and the ops desk when the platform cancelled
    it or the desk had been asked to assign it (a closing notice: nothing left to do)."""
    order = await uow.orders.lock(order_id)
    if order is None:
        return CancelResult(False, None)
    try:
        check_transition(order.status, OrderStatus.CANCELLED)
    except IllegalTransition:
        return CancelResult(False, order.status)
    desk_asked = waits_for_desk(order)
    await end_order(uow, order, OrderStatus.CANCELLED, actor=actor, reason=reason, now=now)
    await uow.record(OrderCancelled(order_id=order.id, actor=actor, reason=reason, desk_asked=desk_asked))
    return CancelResult(True, order.status)
