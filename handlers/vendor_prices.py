"""Vendors set their own prices by chat: "chini rate 102", "rara 540 carton", "चिनी को भाउ १०२", or a
pasted list with one product and price a line (read by nlu.price_lists).

Only vendors: a retailer's "chini rate 102" is a price question (handlers.inquiry). The vendor is
told what changed (old → new, per the SKU's unit) and which lines were not understood or refused;
the change is kept in the price history as made by "chat:<phone>".
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.formatting import amount
from domain.people import User
from domain.vendor_prices import per_unit
from handlers.context import Reply, Turn
from handlers.routing import VENDOR, Priority, Router
from nlu.price_lists import MAX_LINES, PriceLine, read_price_list, split_price_line
from services import UnitOfWork
from services.catalogue import products
from services.prices import refused_price, set_vendor_prices

router = Router("vendor_prices")


def _prices(turn: Turn, nlu: Any) -> dict[str, Any] | None:
    """The lines of a message in which at least one line names a product and its price; other
    messages (a greeting, an order number) are left to the other handlers."""
    if not any((parts := split_price_line(line)) and parts[0] for line in turn.text.splitlines()[:MAX_LINES]):
        return None
    units = {p.sku: p.unit for p in nlu.pipeline.index.products}
    lines = read_price_list(turn.text, nlu.pipeline.items, units.get)
    return {"lines": lines} if any(line.understood for line in lines) else None


@router.message(priority=Priority.INTENT, roles=(VENDOR,), filters=(_prices,))
async def set_prices(reply: Reply, lines: list[PriceLine], uow: UnitOfWork, user: User, now: datetime,
                     config: Any) -> None:
    wanted: dict[str, Decimal] = {}   # sku -> price per SKU unit; a SKU named twice: the last line
    unread, refused = [], []
    catalogue = await products(uow, [line.sku for line in lines if line.sku])
    for line in lines:
        if not line.understood or line.sku not in catalogue:
            unread.append(f"• {line.text}")
            continue
        assert line.price is not None and line.per is not None and line.sku is not None
        try:
            price = per_unit(line.price, line.per)
        except ValueError:   # a figure no price could be: not understood
            unread.append(f"• {line.text}")
            continue
        why = await refused_price(uow, line.sku, price)
        if why:
            product = catalogue[line.sku]
            refused.append(reply.texts.render(f"price_refused_{why}", reply.language, text=line.text,
                                              price=amount(price), unit=product.unit, name=product.name))
            continue
        wanted[line.sku] = price
    done = await set_vendor_prices(uow, user.id, [(sku, p, None) for sku, p in wanted.items()],
                                   f"chat:{user.phone}", now, config)
    if done:
        said = [reply.texts.render("vendor_price_changed" if d.changed else "vendor_price_same", reply.language,
                                   name=catalogue[d.sku].name, unit=catalogue[d.sku].unit, new=amount(d.new),
                                   old=amount(d.old if d.old is not None else catalogue[d.sku].price))
                for d in done]
        await reply("vendor_prices_set", lines="\n".join(said))
    if refused or unread or not done:
        await reply("vendor_prices_not_set", lines="\n".join(refused + unread))
