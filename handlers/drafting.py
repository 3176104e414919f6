"""Helpers the order handlers share: sorting parsed items, asking about unclear ones, showing the draft.

Questions wait in the conversation data (JSON only): `{"order_id", "mode", "questions": [...]}` where a
question is `{"kind": "choose", "text", "quantity", "options": [{"sku", "name", "unit"}]}` or
`{"kind": "quantity", "sku", "name", "unit"}`. The draft itself is a DRAFT order row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain import bounds
from handlers.context import Reply
from nlu.normalize import prepare
from nlu.numbers import parse_numeral
from storage.repos.orders import Order, OrderLine
from storage.uow import UnitOfWork
from storage.workflows.drafts import edit_draft
from storage.workflows.present import amount, tell

CONFIRM, CHOOSE, QUANTITY = "order.confirm", "order.choose", "order.quantity"
MAX_OPTIONS = 4
ADD_WORDS = re.compile(r"^\s*(?:add|thap(?:nu|idinu|a)?|aru|plus|\+)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[./]\d+)?|[०-९]+")


def sort_items(items: Iterable[Any]) -> tuple[list[tuple[str, Decimal]], list[dict[str, Any]], list[str]]:
    """Parsed items as (ready (sku, quantity), questions to ask, texts not found at all)."""
    ready, questions, unknown = [], [], []
    for item in items:
        # refused here (OutOfBounds), before a draft line or a question in the conversation keeps it
        quantity = bounds.read_number(item.quantity, bounds.QUANTITY) if item.quantity else None
        if item.sku and quantity:
            ready.append((item.sku, quantity))
        elif item.sku:
            questions.append({"kind": "quantity", "sku": item.sku, "name": item.name, "unit": item.unit or ""})
        elif item.ambiguous and item.candidates:
            options = [{"sku": c.sku, "name": c.name} for c in item.candidates[:MAX_OPTIONS]]
            questions.append({"kind": "choose", "text": item.text, "options": options,
                              "quantity": item.quantity})
        else:
            unknown.append(item.text)
    return ready, questions, unknown


def message_items(parse: Any, nlu: Any, text: str) -> list[Any]:
    """The parse's items, or (when the intent dropped them) the items the product matcher finds."""
    if parse.items:
        return list(parse.items)
    try:
        return [i for i in nlu.pipeline.items(prepare(text)) if i.sku or i.ambiguous]
    except AttributeError:
        return []


def number_in(text: str) -> Decimal | None:
    """The first number in a reply ("5", "2.5", "५"), or None; OutOfBounds past a quantity's bound."""
    match = _NUMBER.search(text)
    value = parse_numeral(match.group()) if match else None
    return bounds.read_number(value, bounds.QUANTITY) if value else None


def named_skus(nlu: Any, phrase: str, lines: Sequence[OrderLine]) -> list[str]:
    """The order lines a phrase names ("wai wai", "coke"): through the product matcher, else by name."""
    try:
        items = nlu.pipeline.items(prepare(phrase))
    except AttributeError:
        items = []
    wanted = {sku for i in items for sku in ([i.sku] if i.sku else []) + [c.sku for c in i.candidates]}
    hits = [li.sku for li in lines if li.sku in wanted]
    words = phrase.strip().lower()
    return hits or [li.sku for li in lines if words and (words in li.name.lower() or words in li.sku.lower())]


async def apply_items(uow: UnitOfWork, user: Any, now: datetime, config: Any, ready: Sequence[tuple[str, Decimal]],
                      mode: str) -> Order:
    """Put items in the draft: `mode` "add" adds to a line's quantity, "set" replaces it."""
    if mode == "add":
        return await edit_draft(uow.conn, user.id, now, config, add_items=ready)
    return await edit_draft(uow.conn, user.id, now, config, set_items=ready)


async def show_draft(reply: Reply, uow: UnitOfWork, user: Any, convo: Any, draft: Order) -> None:
    """The draft summary with credit, awaiting YES or a change; an empty draft says so."""
    if not draft.lines:
        await reply("order_draft_empty")
        convo.reset()
        return
    credit = await uow.ledger.state(user.id)
    await tell(reply, reply.phone, "order_draft", draft.lines, order_id=draft.id, total=amount(draft.total),
               available=amount(credit.available))
    convo.set(CONFIRM, order_id=draft.id)


async def ask_next(reply: Reply, uow: UnitOfWork, user: Any, convo: Any, now: datetime, config: Any,
                   questions: list[dict[str, Any]], mode: str) -> None:
    """Ask the first open question, or show the draft when none is left."""
    if not questions:
        draft = await edit_draft(uow.conn, user.id, now, config)
        await show_draft(reply, uow, user, convo, draft)
        return
    question = questions[0]
    if question["kind"] == "choose":
        options = "\n".join(reply.texts.render("order_choose_option", reply.language, number=n, name=o["name"])
                            for n, o in enumerate(question["options"], 1))
        await reply("order_choose", text=question["text"], options=options)
        convo.set(CHOOSE, questions=questions, mode=mode)
    else:
        await reply("order_ask_quantity", name=question["name"], unit=question["unit"])
        convo.set(QUANTITY, questions=questions, mode=mode)
