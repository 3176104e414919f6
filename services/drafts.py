"""Drafts: the retailer's order before confirmation, kept as a DRAFT order row and re-priced on change.

Prices are cost-plus (`domain.pricing`). The cost of a line is the price of the vendor that would
supply it, chosen as `confirm_order` chooses (`domain.vendor_selection.plan_allocation` over the same
candidates), read from the `vendor_costs` view: the vendor's own price, else the catalogue price.
A line no vendor can supply is priced at the catalogue cost (confirming it is refused anyway). The
unit price and line total stored on order_items are what is shown and what is charged; the price
stays as confirmed when an order later moves to another vendor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.catalog import Product
from domain.orders import Order, OrderLine, OrderStatus
from domain.packs import deliverable
from domain.pricing import PricingPolicy, price_line
from domain.vendor_selection import VendorCandidate, plan_allocation
from storage.uow import UnitOfWork

Wanted = tuple[str, Decimal]  # (sku, quantity)


def pricing_policy(config: Any) -> PricingPolicy:
    """The policy from config.pricing (an empty section means the default 8 % margin)."""
    return PricingPolicy.from_config(config.pricing or {"default_margin": "0.08"})


async def supply_costs(uow: UnitOfWork, retailer_id: int, wanted: Sequence[Wanted],
                       candidates: Sequence[VendorCandidate] | None = None) -> dict[str, Decimal]:
    """The cost of each SKU from the vendor that would supply these lines to this retailer today;
    SKUs no vendor can supply are absent (their cost is the catalogue price). `candidates`: the
    vendors for these SKUs as the caller read them already (`uow.stock.candidates`)."""
    if candidates is None:
        candidates = await uow.stock.candidates([sku for sku, _ in wanted], retailer_id)
    prices = {c.vendor_id: c.prices for c in candidates}
    plan = plan_allocation(list(wanted), list(candidates))
    return {sku: prices[a.vendor_id][sku] for a in plan.assignments for sku, _ in a.items}


async def price_lines(uow: UnitOfWork, config: Any, wanted: Sequence[Wanted], *, retailer_id: int,
                      candidates: Sequence[VendorCandidate] | None = None) -> list[OrderLine]:
    """Priced lines for (sku, quantity) pairs, in the given order; unknown SKUs are skipped
    (`candidates` as for `supply_costs`)."""
    products = await uow.products.by_skus([sku for sku, _ in wanted])
    policy = pricing_policy(config)
    kept: list[tuple[Product, Decimal]] = []
    for sku, asked in wanted:
        product = products.get(sku)
        quantity = deliverable(asked, product.unit) if product is not None else None
        if product is not None and quantity is not None:  # else unknown, or less than one of a counted unit
            kept.append((product, quantity))             # (the handlers ask before this)
    costs = await supply_costs(uow, retailer_id, [(p.sku, q) for p, q in kept], candidates) if kept else {}
    lines = []
    for product, quantity in kept:
        priced = price_line(policy, costs.get(product.sku, product.price), product.category, quantity)
        lines.append(OrderLine(product.sku, product.name, quantity, product.unit, priced.unit_price,
                               priced.line_total))
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
    draft.lines = await price_lines(uow, config, wanted, retailer_id=retailer_id)
    draft.total = await uow.orders.set_lines(draft.id, draft.lines, now)
    return draft


async def reprice(uow: UnitOfWork, order: Order, *, config: Any, now: datetime,
                  candidates: Sequence[VendorCandidate] | None = None) -> bool:
    """Re-price the order's lines at today's prices; True (and the lines saved) when any price moved
    (`candidates`: the vendors for the order's SKUs, when the caller read them already)."""
    fresh = await price_lines(uow, config, [(li.sku, li.quantity) for li in order.lines],
                              retailer_id=order.retailer_id, candidates=candidates)
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
