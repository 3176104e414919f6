"""Vendors set their stock by chat: "stock chini 500 kg", "stock rara 20 carton, coke 48 bottle"."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from domain import bounds
from domain.formatting import qty
from handlers.context import Reply, Turn
from handlers.routing import VENDOR, Priority, Router
from nlu.normalize import prepare
from services import UnitOfWork
from services.stock import set_stock

router = Router("stock")
STOCK = re.compile(r"^\s*(?:stock|stok|मौज्दात)\s+(?P<rest>.+)$", re.IGNORECASE)


def _stock(turn: Turn) -> dict[str, str] | None:
    match = STOCK.match(turn.text)
    return {"rest": match.group("rest")} if match else None


@router.message(priority=Priority.INTENT, roles=(VENDOR,), filters=(_stock,))
async def update_stock(reply: Reply, uow: UnitOfWork, user: Any, nlu: Any, rest: str) -> None:
    items = [i for i in nlu.pipeline.items(prepare(rest)) if i.sku and i.quantity is not None]
    if not items:
        await reply("vendor_stock_unknown")
        return
    await set_stock(uow, user.id, [(i.sku, bounds.read_number(i.quantity, bounds.STOCK)) for i in items])
    await reply("vendor_stock_updated",
                items=", ".join(f"{i.name} {qty(Decimal(str(i.quantity)))} {i.unit}" for i in items))
