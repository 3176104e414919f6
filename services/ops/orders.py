"""Orders as operators see them: filtered, newest first, paged by cursor; one order's whole history."""

from __future__ import annotations

from collections.abc import AsyncIterator

from domain.order_views import OrderFilter, OrderHistory, OrderRow, OrderState
from storage.uow import UnitOfWork

PAGE_MAX = 200


async def list_orders(uow: UnitOfWork, flt: OrderFilter, *, limit: int = 20,
                      before_id: int | None = None) -> tuple[list[OrderRow], int | None]:
    """A page of orders, newest first, and the cursor (an order id) for the next page or None."""
    limit = max(1, min(limit, PAGE_MAX))
    rows = await uow.order_views.page(flt, limit + 1, before_id)
    page = rows[:limit]
    return page, (page[-1].id if len(rows) > limit else None)


def iter_orders(uow: UnitOfWork, flt: OrderFilter, batch: int = 5000) -> AsyncIterator[list[OrderRow]]:
    """Every placed order created in [flt.start, flt.end), oldest first, `batch` rows at a time (exports)."""
    return uow.order_views.batches(flt, batch)


async def order_history(uow: UnitOfWork, order_id: int) -> OrderHistory | None:
    """The order with its lines, every vendor offer, and every status change with actor and time."""
    return await uow.order_views.history(order_id)


async def actor_names(uow: UnitOfWork, actors: list[str]) -> dict[str, str]:
    """'vendor:12' → 'Lumbini Traders (vendor)' for the actors of a history; 'system' stays."""
    ids = {int(a.split(":", 1)[1]) for a in actors if ":" in a and a.split(":", 1)[1].isdigit()}
    names = await uow.order_views.names(list(ids))
    out = {}
    for actor in actors:
        role, _, ident = actor.partition(":")
        out[actor] = f"{names[int(ident)]} ({role})" if ident.isdigit() and int(ident) in names else actor
    return out


async def order_state(uow: UnitOfWork, order_id: int) -> OrderState | None:
    """The order's status and its vendor's phone; None when there is no such order."""
    order = await uow.orders.get(order_id)
    if order is None:
        return None
    vendor = await uow.users.by_id(order.vendor_id) if order.vendor_id else None
    return OrderState(order.status.value, vendor.phone if vendor else None)
