"""What retailers look up about their own orders: the latest ones, the previous one to repeat, and
whether an order they name is theirs."""

from __future__ import annotations

from domain.orders import Order, OrderSummary, PastOrder
from storage.uow import UnitOfWork


async def recent_orders(uow: UnitOfWork, retailer_id: int, *, limit: int, order_id: int | None = None
                        ) -> list[OrderSummary]:
    """The newest placed orders (drafts left out), newest first; just `order_id` when given (and theirs)."""
    return await uow.views.recent_orders(retailer_id, limit=limit, order_id=order_id)


async def latest_order(uow: UnitOfWork, retailer_id: int) -> Order | None:
    """The retailer's newest order that is not a draft."""
    return await uow.orders.latest_of(retailer_id)


async def owns_order(uow: UnitOfWork, retailer_id: int, order_id: int) -> bool:
    """Whether `order_id` is a placed order of this retailer."""
    return await uow.views.owns_order(retailer_id, order_id)


async def previous_order(uow: UnitOfWork, retailer_id: int) -> PastOrder | None:
    """The last placed order (not a draft, not cancelled) with every line it and its parts had."""
    return await uow.views.previous_order(retailer_id)
