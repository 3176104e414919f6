"""Complaints: a ticket with the order it is about and a category; the ops chat is told.

When the message names no order of the retailer's, the bot lists the recent ones numbered and
waits for a number (1, 2, …) or an order number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from domain.bounds import reference_or_none
from domain.complaints import classify_complaint
from domain.conversations import Conversation
from domain.formatting import amount
from domain.interactive import (
    MAX_ROW_DESCRIPTION,
    MAX_ROW_TITLE,
    MAX_ROWS,
    Interactive,
    ListRow,
    ListSection,
    clip,
    say,
)
from domain.orders import OrderSummary
from domain.people import User
from handlers.context import Reply, Turn
from handlers.drafting import titles
from handlers.routing import RETAILER, Router
from handlers.services_text import order_lines, status_name
from nlu.types import Parse
from services import UnitOfWork
from services.complaints import open_ticket
from services.order_history import owns_order, recent_orders

router = Router("complaint")
AWAITING_COMPLAINT_ORDER = "awaiting_complaint_order"
_NUMBER = re.compile(r"\s*(?:order|no\.?|number|अर्डर)?\s*#?\s*(\d{1,8})\s*[).]?\s*", re.IGNORECASE)
_NO_ORDER = re.compile(r"\b(none|no order|kunai pani haina|chaina|chhaina)\b|कुनै", re.IGNORECASE)


@router.intent("complaint", roles=(RETAILER,))
async def complain(reply: Reply, turn: Turn, parse: Parse, user: User, convo: Conversation, uow: UnitOfWork,
                   config: Any, now: Any) -> None:
    category = classify_complaint(turn.text).value
    ref = reference_or_none(parse.entities.get("order_ref") or "")
    if ref and await owns_order(uow, user.id, ref):
        await open_ticket(uow, user.id, ref, category=category, body=turn.text, now=now)
        return
    recent = await recent_orders(uow, user.id, limit=5)
    if not recent:
        await open_ticket(uow, user.id, None, category=category, body=turn.text, now=now)
        return
    convo.set(AWAITING_COMPLAINT_ORDER, body=turn.text, category=category, choices=[o.id for o in recent])
    await reply("complaint_which_order", lines=order_lines(reply, config, recent, numbered=True),
                interactive=recent_order_list(reply, recent))


def recent_order_list(reply: Reply, recent: Sequence[OrderSummary]) -> Interactive:
    """The recent orders as a list (a row stands for its number), and a row for "about no order" (0)."""
    title = titles(reply)
    rows = [ListRow(say(str(n)), clip(f"#{o.id} · Rs {amount(o.total)}", MAX_ROW_TITLE),
                    clip(f"{status_name(reply, o.status)} · {o.items}", MAX_ROW_DESCRIPTION))
            for n, o in enumerate(recent[:MAX_ROWS - 1], 1)]
    rows.append(ListRow(say("0"), title("complaint_no_order_row")))
    return Interactive("list", sections=(ListSection("", tuple(rows)),), button_label=title("button_choose"))


def _answers_which_order(turn: Turn) -> bool:
    """A number, "none", or nothing else the bot would act on; an order or a question goes its own way
    (the complaint question stays open)."""
    if _NUMBER.fullmatch(turn.text) or _NO_ORDER.search(turn.text):
        return True
    return turn.parse.intent in ("cancel", "deny", "out_of_scope", "complaint", "help")


@router.state(AWAITING_COMPLAINT_ORDER, roles=(RETAILER,), filters=[_answers_which_order])
async def which_order(reply: Reply, turn: Turn, user: User, convo: Conversation, uow: UnitOfWork,
                      now: Any) -> None:
    choices: list[int] = convo.data.get("choices", [])
    if turn.parse.intent == "cancel":
        convo.reset()
        await reply("complaint_dropped")
        return
    match = _NUMBER.fullmatch(turn.text)
    number = int(match.group(1)) if match else None
    order_id: int | None = None
    if number is not None and 1 <= number <= len(choices):
        order_id = choices[number - 1]
    elif number and await owns_order(uow, user.id, number):
        order_id = number
    elif number != 0 and not _NO_ORDER.search(turn.text) and turn.parse.intent != "deny":
        await reply("complaint_choose_again", count=len(choices))
        return
    body, category = convo.data.get("body", ""), convo.data.get("category", "other")
    convo.reset()
    await open_ticket(uow, user.id, order_id, category=category, body=body, now=now)

