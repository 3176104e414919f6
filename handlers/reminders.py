"""The answer to a reorder reminder ([Yes] [Change] [No], or typed): YES puts the predicted basket in a
draft at today's prices through the reorder flow's own `put_back` (the draft is shown; YES again
confirms it like any order); CHANGE does the same and says how to change it; NO just says fine."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.conversations import Conversation
from domain.people import User
from handlers import order as ordering
from handlers.context import Reply
from handlers.reorder import put_back
from handlers.routing import RETAILER, Router
from services import UnitOfWork
from services.reminders import REMINDER_STATE

router = Router("reminders")


def _basket(convo: Conversation) -> list[tuple[str, Decimal]]:
    """The predicted basket the reminder kept in the conversation (malformed entries left out)."""
    out = []
    for item in convo.data.get("basket") or []:
        try:
            quantity = Decimal(str(item[1]))
        except (InvalidOperation, IndexError, TypeError):
            continue
        if quantity.is_finite() and quantity > 0:
            out.append((str(item[0]), quantity))
    return out


async def _draft(reply: Reply, user: User, convo: Conversation, uow: UnitOfWork, now: datetime,
                 config: Any) -> bool:
    """The predicted basket as a draft (shown); False, and said so, when none of it can be had."""
    basket = _basket(convo)
    convo.reset()

    async def intro() -> None:
        await reply("reminder_draft_intro")

    if not basket or not await put_back(reply, user, convo, uow, now, config, basket, intro):
        await reply("reminder_all_unavailable")
        return False
    return True


@router.state(REMINDER_STATE, roles=(RETAILER,), filters=(ordering.is_yes,))
async def draft_from_reminder(reply: Reply, user: User, convo: Conversation, uow: UnitOfWork, now: datetime,
                              config: Any) -> None:
    await _draft(reply, user, convo, uow, now, config)


@router.state(REMINDER_STATE, roles=(RETAILER,), filters=(ordering.is_edit,))
async def change_from_reminder(reply: Reply, user: User, convo: Conversation, uow: UnitOfWork, now: datetime,
                               config: Any) -> None:
    if await _draft(reply, user, convo, uow, now, config):
        await reply("order_edit_help")


@router.state(REMINDER_STATE, roles=(RETAILER,), filters=(ordering.is_no,))
async def decline_reminder(reply: Reply, convo: Conversation) -> None:
    convo.reset()
    await reply("reorder_reminder_declined")
