"""Safe mode: while on, confirmed orders queue (QUEUED) instead of going to vendors.

The state is one row of the `flags` table, so every process sees the same: {"on": bool, "until": ISO time
or null, "reason": text, "by": who}. It ends when an operator turns it off or its timer runs out; then
the queue is released in order (`release_queue`, run by the safe-mode job). It turns on by itself when
the inbound backlog or the recent error rate crosses `config.safe_mode` thresholds (`auto_check`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from domain.orders import OrderStatus
from domain.reasons import Reason
from domain.vendor_selection import plan_allocation
from services.bootstrap import joined
from services.lifecycle import offer_to, split_parts
from services.present import person, tell
from services.reassignment import fail_order
from storage.notifier import Notifier
from storage.repos.audit import AuditRepository
from storage.repos.orders import OrderRepository
from storage.repos.stock import StockRepository

FLAG = "safe_mode"


@dataclass(frozen=True)
class SafeModeState:
    on: bool
    until: datetime | None = None
    reason: str = ""
    by: str = ""

    def active(self, now: datetime) -> bool:
        return self.on and (self.until is None or now < self.until)


@dataclass(frozen=True)
class Load:
    backlog: int       # inbound messages stored, not yet handled
    handled: int       # handled (done or failed) in the window
    failed: int

    @property
    def error_rate(self) -> float:
        return self.failed / self.handled if self.handled else 0.0


async def state(conn: asyncpg.Connection) -> SafeModeState:
    value = await conn.fetchval("SELECT value FROM flags WHERE name = $1", FLAG)
    if not value:
        return SafeModeState(False)
    until = datetime.fromisoformat(value["until"]) if value.get("until") else None
    return SafeModeState(bool(value.get("on")), until, value.get("reason", ""), value.get("by", ""))


async def is_safe_mode(conn: asyncpg.Connection, now: datetime) -> bool:
    """Whether orders confirmed now should be QUEUED (safe mode on and its timer not run out)."""
    return (await state(conn)).active(now)


async def _write(conn: asyncpg.Connection, new: SafeModeState, now: datetime) -> None:
    value = {"on": new.on, "until": new.until.isoformat() if new.until else None, "reason": new.reason,
             "by": new.by}
    await conn.execute("INSERT INTO flags (name, value, updated_at) VALUES ($1, $2, $3)"
                       " ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at",
                       FLAG, value, now)


async def turn_on(conn: asyncpg.Connection, now: datetime, by: str, reason: str,
                  duration: timedelta | None = None) -> SafeModeState:
    """Switch on (for `duration`, or until turned off); audited. Returns the state before."""
    before = await state(conn)
    after = SafeModeState(True, now + duration if duration else None, reason, by)
    await _write(conn, after, now)
    await AuditRepository(conn).record(by, "safe mode on", now, before={"on": before.active(now)},
                                       after={"until": after.until.isoformat() if after.until else None,
                                              "reason": reason})
    return before


async def turn_off(conn: asyncpg.Connection, now: datetime, by: str, reason: str = "") -> SafeModeState:
    """Switch off; the queue is released by `release_queue`. Returns the state before."""
    before = await state(conn)
    await _write(conn, SafeModeState(False, None, reason, by), now)
    await AuditRepository(conn).record(by, "safe mode off", now, before={"on": before.active(now)},
                                       after={"reason": reason})
    return before


async def load(conn: asyncpg.Connection, now: datetime, window: timedelta) -> Load:
    row = await conn.fetchrow(
        "SELECT count(*) FILTER (WHERE status = 'received') AS backlog,"
        " count(*) FILTER (WHERE status IN ('done', 'failed') AND handled_at >= $1) AS handled,"
        " count(*) FILTER (WHERE status = 'failed' AND handled_at >= $1) AS failed"
        " FROM inbound_messages WHERE status = 'received' OR handled_at >= $1", now - window)
    return Load(row["backlog"], row["handled"], row["failed"])


def overload_reason(current: Load, config: Any) -> str | None:
    """Why the load calls for safe mode (backlog or error rate over its threshold), or None."""
    c = config.safe_mode
    if current.backlog >= c.auto_backlog:
        return f"backlog of {current.backlog} messages (threshold {c.auto_backlog})"
    if current.handled >= c.min_handled and current.error_rate >= c.auto_error_rate:
        return (f"error rate {current.error_rate:.0%} over {current.handled} messages"
                f" (threshold {c.auto_error_rate:.0%})")
    return None


async def auto_check(conn: asyncpg.Connection, now: datetime, config: Any, notifier: Notifier) -> str | None:
    """Turn safe mode on when overloaded (and not on already); admins are told. Returns the reason."""
    if (await state(conn)).active(now):
        return None
    reason = overload_reason(await load(conn, now, config.safe_mode.window), config)
    if reason is None:
        return None
    await turn_on(conn, now, "system", reason, config.safe_mode.auto_duration)
    until = now + config.safe_mode.auto_duration
    await notifier.notify_admins("admin_safe_mode_on", until=f" until {until:%H:%M} UTC", reason=reason)
    return reason


async def release_order(conn: asyncpg.Connection, order_id: int, notifier: Notifier, now: datetime, config: Any,
                        actor: str, reason: str) -> list[int]:
    """A QUEUED (or HELD) order goes to vendors as at confirmation: split when no single vendor has
    everything, each part offered; failed when nobody can supply it. Returns the order ids offered."""
    repo = OrderRepository(conn)
    order = await repo.lock(order_id)
    if order is None or order.status not in (OrderStatus.QUEUED, OrderStatus.HELD):
        return []
    candidates = await StockRepository(conn).candidates(order.skus, order.retailer_id)
    plan = plan_allocation([(li.sku, li.quantity) for li in order.lines], candidates)
    await repo.move(order, OrderStatus.PENDING_VENDOR, actor, now, reason)
    async with joined(conn, notifier) as uow:
        if not plan.is_complete:
            await fail_order(uow, order, actor=actor, reason=Reason.NO_VENDOR_CAN_SUPPLY, now=now)
            return []
        parts = await split_parts(uow, order, plan, actor=actor, now=now)
        for part, vendor_id in parts:
            await offer_to(uow, part, vendor_id, now=now, config=config)
    retailer = await person(conn, order.retailer_id)
    await tell(notifier, retailer.phone, "safe_mode_released", order_id=order.id)
    return [part.id for part, _ in parts]


async def release_queue(conn: asyncpg.Connection, now: datetime, config: Any, notifier: Notifier,
                        limit: int = 200) -> list[int]:
    """Release QUEUED orders oldest first, unless safe mode is (still) on. Safe to run again."""
    if await is_safe_mode(conn, now):
        return []
    released = []
    for row in await conn.fetch("SELECT id FROM orders WHERE status = 'QUEUED' ORDER BY id LIMIT $1", limit):
        if await release_order(conn, row["id"], notifier, now, config, "system", "safe mode ended"):
            released.append(row["id"])
    return released
