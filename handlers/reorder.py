"""Reorder: "same as last time", "pahile jastai", "last week ko order" put the previous order back in
a draft at today's prices, without what no vendor has now, and show it through the ordering flow's
own summary, so YES confirms it exactly like any other order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from domain.conversations import Conversation
from domain.people import User
from handlers.context import Reply
from handlers.drafting import show_draft
from handlers.routing import RETAILER, Router
from handlers.services_text import local_time
from services import UnitOfWork
from services.catalogue import products, vendors_with_stock
from services.drafts import current_draft, edit_draft
from services.order_history import previous_order

router = Router("reorder")


async def put_back(reply: Reply, user: User, convo: Conversation, uow: UnitOfWork, now: Any, config: Any,
                   items: list[tuple[str, Decimal]], intro: Callable[[], Awaitable[None]]) -> bool:
    """Put `items` in the retailer's draft at today's prices, without what no vendor has now, say `intro`
    and show the draft (YES confirms it); False when no vendor has any of them."""
    stocked = await vendors_with_stock(uow, [sku for sku, _ in items])
    keep = [(sku, quantity) for sku, quantity in items if stocked[sku]]
    if not keep:
        return False
    current = await current_draft(uow, user.id)
    extra = [li.sku for li in current.lines if li.sku not in dict(keep)] if current else []
    draft = await edit_draft(uow, user.id, now=now, config=config, set_items=keep, remove=extra)
    gone = [sku for sku, _ in items if not stocked[sku]]
    names = {sku: p.name for sku, p in (await products(uow, gone)).items()}
    await intro()
    if gone:
        await reply("reorder_unavailable", items=", ".join(names.get(sku, sku) for sku in gone))
    await show_draft(reply, uow, user, convo, draft)
    return True


@router.intent("reorder", roles=(RETAILER,))
async def reorder(reply: Reply, user: User, convo: Conversation, uow: UnitOfWork, now: Any, config: Any) -> None:
    past = await previous_order(uow, user.id)
    if past is None:
        await reply("reorder_nothing")
        return

    async def intro() -> None:
        await reply("reorder_intro", order_id=past.id, date=local_time(config, past.created_at))

    if not await put_back(reply, user, convo, uow, now, config, list(past.items), intro):
        await reply("reorder_all_unavailable", order_id=past.id)
