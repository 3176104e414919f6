"""A cart sent from the WhatsApp catalogue (a Cloud API `order` message) becomes the draft: its
products by SKU (the catalogue's retailer id is our SKU) and quantities, priced by our engine — the
cart's own prices are never read. Products we do not know are named and left out; the draft is then
shown with Confirm / Edit / Cancel like any other."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from domain import bounds
from domain.conversations import Conversation
from domain.people import User
from handlers.context import Reply
from handlers.drafting import CHOOSE, QUANTITY, apply_items, show_draft
from handlers.message_kinds import kind_of
from handlers.routing import RETAILER, Priority, Router
from nlu.edits import SET
from services import UnitOfWork
from services.catalogue import products

router = Router("catalogue")


def cart_lines(items: Any) -> list[tuple[str, Any]]:
    """(sku, quantity as sent) of each cart item the channel kept."""
    return [(str(i["sku"]), i.get("quantity")) for i in items if isinstance(i, dict) and i.get("sku")] \
        if isinstance(items, list) else []


@router.message(priority=Priority.MEDIA, roles=(RETAILER,), filters=(lambda record: kind_of(record) == "order",))
async def catalogue_order(reply: Reply, uow: UnitOfWork, user: User, convo: Conversation, record: Any,
                          now: datetime, config: Any) -> None:
    lines = cart_lines(record.payload.get("OrderItems"))
    found = await products(uow, [sku for sku, _ in lines])
    ready: list[tuple[str, Decimal, str]] = []
    unknown: list[str] = []
    for sku, quantity in lines:
        if sku not in found:
            unknown.append(sku)
            continue
        ready.append((sku, bounds.read_number(quantity, bounds.QUANTITY), SET))  # OutOfBounds: told the range
    if unknown:
        await reply("catalogue_unknown", items=", ".join(unknown))
    if not ready:
        await reply("catalogue_nothing")
        return
    if convo.state in (CHOOSE, QUANTITY):
        convo.reset()
    draft = await apply_items(uow, user, now, config, ready)
    await show_draft(reply, uow, user, convo, draft)
