"""Drafts: the retailer's order before confirmation, kept as a DRAFT order row and re-priced on change.

Prices are cost-plus (`domain.pricing`) with the catalogue price as cost; the unit price and line
total stored on order_items are what is shown and what is charged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.orders import Order, OrderLine, OrderStatus
from domain.packs import deliverable
from domain.pricing import PricingPolicy, price_line
from storage.uow import UnitOfWork

Wanted = tuple[str, Decimal]  # (sku, quantity)


def pricing_policy(config: Any) -> PricingPolicy:
    """The policy from config.pricing (an empty section means the default 8 % margin)."""
    return PricingPolicy.from_config(config.pricing or {"default_margin": "0.08"})


async def price_lines(uow: UnitOfWork, config: Any, wanted: Sequence[Wanted]) -> list[OrderLine]:
    """Priced lines for (sku, quantity) pairs, in the given order; unknown SKUs are skipped."""
    products = await uow.products.by_skus([sku for sku, _ in wanted])
    policy = pricing_policy(config)
    lines = []
    for sku, asked in wanted:
        product = products.get(sku)
        quantity = deliverable(asked, product.unit) if product is not None else None
        if product is None or quantity is None:
            continue  # unknown, or less than one of a counted unit (the handlers ask before this)
        priced = price_line(policy, product.price, product.category, quantity)
        lines.append(OrderLine(sku, product.name, quantity, product.unit, priced.unit_price, priced.line_total))
    return lines


def merged(lines: Iterable[OrderLine], *, set_items: Sequence[Wanted] = (), add_items: Sequence[Wanted] = (),
           reduce_items: Sequence[Wanted] = (), remove: Iterable[str] = ()) -> list[Wanted]:
    """The draft's (sku, quantity) after an edit: set replaces a quantity, add adds to it, reduce takes
    from it (a line taken to nothing goes), remove drops."""
    wanted: dict[str, Decimal] = {li.sku: li.quantity for li in lines}
    for sku, quantity in set_items:
        wanted[sku] = quantity
    for sku, quantity in add_items:
        wanted[sku] = wanted.get(sku, Decimal(0)) + quantity
    for sku, quantity in reduce_items:
        if sku in wanted:
            wanted[sku] -= quantity
    for sku in remove:
        wanted.pop(sku, None)
    return [(sku, q) for sku, q in wanted.items() if q > 0]


async def current_draft(uow: UnitOfWork, retailer_id: int) -> Order | None:
    """The retailer's newest draft, as it stands (stale or not)."""
    return await uow.orders.draft_of(retailer_id)


async def open_draft(uow: UnitOfWork, retailer_id: int, *, now: datetime, config: Any) -> Order:
    """The retailer's draft, resumed if still fresh; a stale one expires and a new one starts."""
    repo = uow.orders
    draft = await repo.draft_of(retailer_id)
    if draft is not None and now - draft.created_at > config.orders.draft_ttl:
        await repo.move(draft, OrderStatus.EXPIRED, "system", now, "draft not confirmed in time")
        draft = None
    if draft is None:
        order_id = await repo.create(retailer_id, now)
        draft = Order(order_id, retailer_id, None, None, OrderStatus.DRAFT, Decimal("0.00"), now)
    return draft


async def edit_draft(uow: UnitOfWork, retailer_id: int, *, now: datetime, config: Any,
                     set_items: Sequence[Wanted] = (), add_items: Sequence[Wanted] = (),
                     reduce_items: Sequence[Wanted] = (), remove: Iterable[str] = ()) -> Order:
    """Apply an edit to the retailer's draft (made if missing), re-price it and return it."""
    draft = await open_draft(uow, retailer_id, now=now, config=config)
    wanted = merged(draft.lines, set_items=set_items, add_items=add_items, reduce_items=reduce_items,
                    remove=remove)
    draft.lines = await price_lines(uow, config, wanted)
    draft.total = await uow.orders.set_lines(draft.id, draft.lines, now)
    return draft


async def reprice(uow: UnitOfWork, order: Order, *, config: Any, now: datetime) -> bool:
    """Re-price the order's lines at today's prices; True (and the lines saved) when any price moved."""
    fresh = await price_lines(uow, config, [(li.sku, li.quantity) for li in order.lines])
    if [li.unit_price for li in fresh] == [li.unit_price for li in order.lines]:
        return False
    order.lines = fresh
    order.total = await uow.orders.set_lines(order.id, fresh, now)
    return True


async def discard_draft(uow: UnitOfWork, retailer_id: int, *, actor: str, now: datetime) -> int | None:
    """Cancel the retailer's draft; its id, or None when there was none."""
    repo = uow.orders
    draft = await repo.draft_of(retailer_id)
    if draft is None:
        return None
    await repo.move(draft, OrderStatus.CANCELLED, actor, now, "draft discarded")
    return draft.id


async def credit_available(uow: UnitOfWork, retailer_id: int) -> Decimal:
    """What the retailer can still order on credit, as shown under a draft (no lock taken)."""
    return (await uow.ledger.state(retailer_id)).available
