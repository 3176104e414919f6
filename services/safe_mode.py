"""Safe mode: while on, confirmed orders queue (QUEUED) instead of going to vendors.

Every process sees the same state (`uow.safe_mode`, one row of `flags`). It ends when an operator
turns it off or its timer runs out; then the queue is released in order (`release_queue`). It turns
on by itself when the inbound backlog or the recent error rate crosses `config.safe_mode` thresholds
(`auto_check`). The safe-mode job runs `watch` every minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.orders import OrderStatus
from domain.reasons import Reason
from domain.safe_mode import Load, SafeModeState
from domain.vendor_selection import plan_allocation
from services.events import OrderReleased, SafeModeOff, SafeModeOn
from services.lifecycle import offer_to, split_parts
from services.reassignment import fail_order
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Status:
    state: SafeModeState
    load: Load
    queued: int  # orders waiting for safe mode to end


@dataclass(frozen=True)
class Watched:
    switched_on: str | None  # why it turned on by itself, if it did
    timer_ended: bool
    released: list[int]


async def is_safe_mode(uow: UnitOfWork, now: datetime) -> bool:
    """Whether orders confirmed now should be QUEUED (safe mode on and its timer not run out)."""
    return (await uow.safe_mode.state()).active(now)


async def status(uow: UnitOfWork, now: datetime, config: Any) -> Status:
    """The state, the inbound load over `safe_mode.window`, and how many orders are queued."""
    return Status(await uow.safe_mode.state(), await uow.safe_mode.load(now, config.safe_mode.window),
                  await uow.safe_mode.queued_count())


async def turn_on(uow: UnitOfWork, now: datetime, by: str, reason: str,
                  duration: timedelta | None = None) -> SafeModeState:
    """Switch on (for `duration`, or until turned off); audited, admins told. Returns the state before."""
    before = await uow.safe_mode.state()
    after = SafeModeState(True, now + duration if duration else None, reason, by)
    await uow.safe_mode.save(after, now)
    await uow.audit.record(by, "safe mode on", now, before={"on": before.active(now)},
                           after={"until": after.until.isoformat() if after.until else None, "reason": reason})
    await uow.record(SafeModeOn(after.until, reason, by))
    return before


async def turn_off(uow: UnitOfWork, now: datetime, config: Any, by: str, reason: str) -> list[int]:
    """Switch off and release the queue; admins hear how many orders went out. Returns their ids."""
    await _switch_off(uow, now, by, reason)
    released = await release_queue(uow, now, config)
    await uow.record(SafeModeOff(tuple(released), by))
    return released


async def _switch_off(uow: UnitOfWork, now: datetime, by: str, reason: str) -> None:
    before = await uow.safe_mode.state()
    await uow.safe_mode.save(SafeModeState(False, None, reason, by), now)
    await uow.audit.record(by, "safe mode off", now, before={"on": before.active(now)}, after={"reason": reason})


def overload_reason(current: Load, config: Any) -> str | None:
    """Why the load calls for safe mode (backlog or error rate over its threshold), or None."""
    c = config.safe_mode
    if current.backlog >= c.auto_backlog:
        return f"backlog of {current.backlog} messages (threshold {c.auto_backlog})"
    if current.handled >= c.min_handled and current.error_rate >= c.auto_error_rate:
        return (f"error rate {current.error_rate:.0%} over {current.handled} messages"
                f" (threshold {c.auto_error_rate:.0%})")
    return None


async def auto_check(uow: UnitOfWork, now: datetime, config: Any) -> str | None:
    """Turn safe mode on when overloaded (and not on already); admins are told. Returns the reason."""
    if (await uow.safe_mode.state()).active(now):
        return None
    reason = overload_reason(await uow.safe_mode.load(now, config.safe_mode.window), config)
    if reason is None:
        return None
    await turn_on(uow, now, "system", reason, config.safe_mode.auto_duration)
    return reason


async def watch(uow: UnitOfWork, now: datetime, config: Any) -> Watched:
    """Off when its timer ran out, on when overloaded, and the queue released when off; one process
    at a time. Safe to run again."""
    await uow.safe_mode.lock()
    current = await uow.safe_mode.state()
    timer_ended = current.on and not current.active(now)
    if timer_ended:
        await _switch_off(uow, now, "system", "timer ended")
    switched_on = await auto_check(uow, now, config)
    released = await release_queue(uow, now, config)
    if timer_ended:
        await uow.record(SafeModeOff(tuple(released), "system"))
    return Watched(switched_on, timer_ended, released)


async def release_order(uow: UnitOfWork, order_id: int, now: datetime, config: Any, actor: str,
                        reason: str) -> list[int]:
    """A QUEUED (or HELD) order goes to vendors as at confirmation: split when no single vendor has
    everything, each part offered; failed when nobody can supply it. Returns the order ids offered."""
    order = await uow.orders.lock(order_id)
    if order is None or order.status not in (OrderStatus.QUEUED, OrderStatus.HELD):
        return []
    candidates = await uow.stock.candidates(order.skus, order.retailer_id)
    plan = plan_allocation([(li.sku, li.quantity) for li in order.lines], candidates)
    await uow.orders.move(order, OrderStatus.PENDING_VENDOR, actor, now, reason)
    if not plan.is_complete:
        await fail_order(uow, order, actor=actor, reason=Reason.NO_VENDOR_CAN_SUPPLY, now=now)
        return []
    parts = await split_parts(uow, order, plan, actor=actor, now=now)
    for part, vendor_id in parts:
        await offer_to(uow, part, vendor_id, now=now, config=config)
    await uow.record(OrderReleased(order.id, order.retailer_id))
    return [part.id for part, _ in parts]


async def release_queue(uow: UnitOfWork, now: datetime, config: Any, limit: int = 200) -> list[int]:
    """Release QUEUED orders oldest first, unless safe mode is (still) on. Safe to run again."""
    if await is_safe_mode(uow, now):
        return []
    released = []
    for order_id in await uow.safe_mode.queued(limit):
        if await release_order(uow, order_id, now, config, "system", "safe mode ended"):
            released.append(order_id)
    return released
