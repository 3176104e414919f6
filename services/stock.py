"""Vendors' stock as they report it by chat (acceptance takes from it: see `services.fulfilment`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from storage.uow import UnitOfWork


async def set_stock(uow: UnitOfWork, vendor_id: int, levels: Sequence[tuple[str, Decimal]]) -> None:
    """Set the vendor's stock of each (sku, quantity), listing the product for it if needed."""
    for sku, quantity in levels:
        await uow.stock.set_level(vendor_id, sku, quantity)
