"""The answer to a reorder reminder ([Yes] [Change] [No], or typed): YES puts the last order back at
today's prices and confirms it (through the reorder and ordering flows' own handlers); CHANGE puts it
back as a draft and says how to change it; NO just says fine."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.conversations import Conversation
from handlers import order as ordering
from handlers import reorder
from handlers.context import Reply
from handlers.drafting import CONFIRM
from handlers.routing import RETAILER, Router
from services import UnitOfWork
from services.reminders import REMINDER_STATE

router = Router("reminders")


@router.state(REMINDER_STATE, roles=(RETAILER,), filters=(ordering.is_yes,))
async def reorder_from_reminder(reply: Reply, user: Any, convo: Conversation, uow: UnitOfWork, now: datetime,
                                config: Any) -> None:
    await reorder.reorder(reply, user, convo, uow, now, config)
    if convo.state == CONFIRM:
        await ordering.confirm(reply, uow, user, convo, now, config)


@router.state(REMINDER_STATE, roles=(RETAILER,), filters=(ordering.is_no,))
async def decline_reminder(reply: Reply, convo: Conversation) -> None:
    convo.reset()
    await reply("reorder_reminder_declined")


@router.state(REMINDER_STATE, roles=(RETAILER,), filters=(ordering.is_edit,))
async def change_from_reminder(reply: Reply, user: Any, convo: Conversation, uow: UnitOfWork, now: datetime,
                               config: Any) -> None:
    await reorder.reorder(reply, user, convo, uow, now, config)
    if convo.state == CONFIRM:
        await reply("order_edit_help")
