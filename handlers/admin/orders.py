"""/orders, /order, /reassign, /cancel: operators look into and steer orders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.formatting import platform_zone
from domain.order_views import OrderFilter, OrderState
from domain.orders import LIVE, OrderStatus
from handlers.admin import views
from handlers.admin.args import admin_actor, find_person
from handlers.admin.framework import Audit, UsageError, admin_command, parse_order_id, require, rest
from handlers.context import Reply, Turn
from handlers.routing import Router
from services import UnitOfWork
from services.ops.orders import actor_names, list_orders, order_history, order_state
from services.ops.people import users_by_id
from services.ops.reassign import Chosen, reassign_to
from services.ordering import cancel_order
from services.reassignment import Reassigned, reassign_order

router = Router("admin.orders")
LIST_SIZE = 15


def parse_status(text: str) -> tuple[str, ...]:
    """'pending_vendor' → ('PENDING_VENDOR',); 'open' → every live status."""
    if text.lower() == "open":
        return LIVE
    try:
        return (OrderStatus(text.upper()).value,)
    except ValueError:
        raise UsageError(f"{text!r} is not a status: use open or one of "
                         + ", ".join(s.value for s in OrderStatus)) from None


@admin_command(router, "/orders", usage="/orders [open|STATUS]", summary="the latest orders, optionally by status")
async def show_orders(args: list[str], reply: Reply, uow: UnitOfWork, config: Any) -> None:
    require(args, 0, 1)
    statuses = parse_status(args[0]) if args else ()
    rows, more = await list_orders(uow, OrderFilter(statuses=statuses), limit=LIST_SIZE)
    label = args[0].upper() if args else None
    await reply.text(views.order_list(rows, label, platform_zone(config), more is not None))


@admin_command(router, "/order", usage="/order ORDER", summary="one order: items, offers, status history")
async def show_order(args: list[str], reply: Reply, uow: UnitOfWork, config: Any) -> None:
    require(args, 1, 1)
    history = await order_history(uow, parse_order_id(args[0]))
    if history is None:
        raise UsageError(f"there is no order {args[0]}")
    names = await actor_names(uow, [e.actor for e in history.history])
    await reply.text(views.order_history(history, names, platform_zone(config)))


async def _state(uow: UnitOfWork, order_id: int) -> OrderState:
    state = await order_state(uow, order_id)
    if state is None:
        raise UsageError(f"there is no order #{order_id}")
    return state


@admin_command(router, "/reassign", usage="/reassign ORDER [VENDOR]",
               summary="send an order to the next best vendor, or to the one named")
async def reassign(args: list[str], reply: Reply, uow: UnitOfWork, turn: Turn, now: datetime,
                   config: Any) -> Audit:
    require(args, 1)
    order_id = parse_order_id(args[0])
    state = await _state(uow, order_id)
    before = {"status": state.status, "vendor": state.vendor_phone}
    if len(args) > 1:
        vendor = await find_person(uow, rest(args, 1), "vendor")
        outcome, status = await reassign_to(uow, order_id, vendor.id, now=now, config=config, actor=admin_actor(turn))
        text = {Chosen.OFFERED: f"Order #{order_id} offered to {vendor.name}.",
                Chosen.SAME_VENDOR: f"Order #{order_id} is already with {vendor.name}.",
                Chosen.CANNOT_SUPPLY: f"{vendor.name} cannot supply every item of order #{order_id};"
                                      " nothing changed.",
                Chosen.NOT_LIVE: f"Order #{order_id} is {status}; only orders waiting for or accepted by a"
                                 " vendor can be reassigned."}[outcome]
        result = outcome.value
    else:
        moved = await reassign_order(uow, order_id, now=now, config=config, actor=admin_actor(turn),
                                     reason="reassigned by operator")
        vendors = ", ".join(u.name for u in await users_by_id(uow, list(moved.vendor_ids)))
        text = {Reassigned.OFFERED: f"Order #{order_id} offered to {vendors}.",
                Reassigned.SPLIT: f"Order #{order_id} split into {', '.join(f'#{i}' for i in moved.order_ids)}"
                                  f" for {vendors}.",
                Reassigned.ESCALATED: f"Order #{order_id} has used up its vendor attempts; name a vendor:"
                                      f" /reassign {order_id} VENDOR",
                Reassigned.FAILED: f"No vendor can supply order #{order_id}; it has failed and the retailer"
                                   " was told.",
                Reassigned.NOT_LIVE: f"Order #{order_id} is {before['status']}; only orders waiting for or"
                                     " accepted by a vendor can be reassigned."}[moved.outcome]
        result = moved.outcome.value
    await reply.text(text)
    state = await _state(uow, order_id)
    after = {"status": state.status, "vendor": state.vendor_phone, "result": result}
    return Audit(subject=f"order #{order_id}", before=before, after=after)


@admin_command(router, "/cancel", usage="/cancel ORDER REASON", summary="cancel an order, giving back credit and stock")
async def cancel(args: list[str], reply: Reply, uow: UnitOfWork, turn: Turn, now: datetime) -> Audit:
    require(args, 1)
    order_id = parse_order_id(args[0])
    reason = rest(args, 1)
    if not reason:
        raise UsageError("say why the order is cancelled")
    before = (await _state(uow, order_id)).status
    result = await cancel_order(uow, order_id, actor=admin_actor(turn), reason=reason, now=now)
    if not result.ok:
        await reply.text(f"Order #{order_id} is {before} and cannot be cancelled.")
        return Audit(subject=f"order #{order_id}", before={"status": before}, after={"refused": True})
    await reply.text(f"Order #{order_id} cancelled ({reason}). Credit and stock given back; the retailer was told.")
    return Audit(subject=f"order #{order_id}", before={"status": before},
                 after={"status": OrderStatus.CANCELLED.value, "reason": reason})
