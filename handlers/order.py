"""Retailer ordering by chat: items become a priced draft, questions settle unclear items, YES confirms.

    "2 kg chini ra 5 packet wai wai"  -> draft summary, awaiting YES or a change
    "remove wai wai" / "chini 3 kg banau" / "add 2 crate coke"  -> edited draft
    "6 bottle coke"                   -> "Which coke? 1) … 2) …"   ("2" answers)
    "chini pathaidinu"                -> "How much Sugar (kg)?"     ("5" answers)
    "yes" / "ho" / "hunchha" / "👍"   -> confirm_order (credit, stock, prices), vendors offered
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from domain.formatting import amount
from domain.learned_aliases import AGREE
from domain.orders import Order
from handlers.context import Reply, Turn
from handlers.drafting import (
    CHOOSE,
    CONFIRM,
    QUANTITY,
    apply_items,
    ask_next,
    message_items,
    named_skus,
    note_said,
    number_in,
    said_lines,
    selling_units,
    show_draft,
    sort_items,
    tell_rounded,
)
from handlers.inquiry import answer_beside
from handlers.routing import RETAILER, Router
from nlu.edits import REMOVE, SET, edit_kind, edit_kinds, without_edit_words
from nlu.types import ParsedItem
from services import UnitOfWork
from services.catalogue import products
from services.drafts import current_draft, discard_draft, edit_draft
from services.learned_aliases import apply_learned, remember_choice, remember_switch
from services.notifications import render_lines
from services.order_history import latest_order
from services.ordering import Confirmed, confirm_order

router = Router("order")

YES = re.compile(r"^\s*(?:yes|y|yeah|ok(?:ay)?|ho|hajur|hunchha|huncha|haan|han|thik\s*cha|thikcha|confirm|"
                 r"pathau|pathaidinu|👍|✅|हो|हुन्छ|हजुर|ठिक\s*छ)\s*[.!]*\s*$", re.IGNORECASE)
NO = re.compile(r"^\s*(?:no|n|nope|hoina|pardaina|chaidaina|cancel|nai|nahi|❌|👎|होइन|पर्दैन|चाहिँदैन)\s*[.!]*\s*$",
                re.IGNORECASE)


def is_yes(turn: Turn) -> bool:
    """YES, or the intent model's "affirm" on a message without items, unless it is the exact EDIT
    word (the Edit button's title): the word is certain, the intent a guess."""
    if is_edit(turn):
        return False
    return bool(YES.match(turn.text)) or (not turn.parse.items and turn.parse.intent == "affirm")


def is_no(turn: Turn) -> bool:
    return bool(NO.match(turn.text)) or (not turn.parse.items and turn.parse.intent in ("deny", "cancel"))


EDIT = re.compile(r"^\s*(?:edit|change|badal\w*|badl\w*|बदल\S*)\s*[.!]*\s*$", re.IGNORECASE)


def is_edit(turn: Turn) -> bool:
    return bool(EDIT.match(turn.text))


def _remove(turn: Turn) -> dict[str, str] | None:
    """A message that only removes lines, its verb anywhere: "remove wai wai", "coke nahi chahiye"."""
    if edit_kinds(turn.text) != {REMOVE} or any(i.quantity for i in turn.parse.items):
        return None  # "2 packet wai wai hatau" takes two packets off instead
    phrase = without_edit_words(turn.text)
    return {"phrase": phrase} if phrase else None


def _edit(turn: Turn) -> bool:
    return turn.parse.intent in ("order", "out_of_scope")


def _choice(turn: Turn) -> bool:
    return bool(re.fullmatch(r"\s*\d{1,2}\s*[).]?\s*", turn.text))


def _quantity(turn: Turn) -> bool:
    return number_in(turn.text) is not None


def actor(user: Any) -> str:
    return f"retailer:{user.id}"


@router.state(CONFIRM, roles=(RETAILER,), filters=(is_yes,))
async def confirm(reply: Reply, uow: UnitOfWork, user: Any, convo: Any, now: datetime, config: Any) -> None:
    result = await confirm_order(uow, int(convo.data.get("order_id", 0)), now=now, config=config, actor=actor(user))
    order, outcome = result.order, result.outcome
    if outcome in (Confirmed.PRICES_CHANGED, Confirmed.OVER_LIMIT, Confirmed.NO_STOCK) and order is not None:
        if outcome is Confirmed.PRICES_CHANGED:
            await reply("order_prices_changed", lines=await render_lines(uow, reply.language, order.lines),
                        total=amount(order.total))
        elif outcome is Confirmed.OVER_LIMIT:
            await reply("order_over_limit", order_id=order.id, shortfall=amount(result.shortfall),
                        total=amount(order.total), available=amount(result.available))
        else:
            await reply("order_no_stock", items=", ".join(result.missing))
        return  # the draft stays, awaiting YES or a change
    convo.reset()
    if order is None or outcome in (Confirmed.EMPTY, Confirmed.NOT_FOUND):
        await reply("order_nothing_to_confirm")
    elif outcome is Confirmed.ALREADY:
        await reply("order_already_confirmed", order_id=order.id, status=order.status)
    elif len(result.order_ids) > 1:
        await reply("order_confirmed_split", count=len(result.order_ids), total=amount(result.total),
                            parts=", ".join(f"#{i}" for i in result.order_ids), available=amount(result.available))
    else:
        key = {Confirmed.HELD: "order_held", Confirmed.QUEUED: "order_queued"}.get(outcome, "order_confirmed")
        await reply(key, order_id=order.id, total=amount(order.total), available=amount(result.available))


@router.state(CONFIRM, roles=(RETAILER,), filters=(_remove,))
async def remove(reply: Reply, uow: UnitOfWork, user: Any, convo: Any, now: datetime, config: Any, nlu: Any,
                 phrase: str) -> None:
    draft = await current_draft(uow, user.id)
    skus = await named_skus(uow, nlu, phrase, draft.lines) if draft else []
    if not skus:
        await reply("order_edit_not_found", items=f'"{phrase}"')
        return
    await show_draft(reply, uow, user, convo, await edit_draft(uow, user.id, now=now, config=config, remove=skus))


@router.state(CONFIRM, roles=(RETAILER,), filters=(is_edit,))
async def ask_edit(reply: Reply) -> None:
    """EDIT (the draft's Edit button): say how to change it; the draft keeps waiting."""
    await reply("order_edit_help")


@router.state(CONFIRM, roles=(RETAILER,), filters=(is_no,))
async def discard(reply: Reply, uow: UnitOfWork, user: Any, convo: Any, now: datetime) -> None:
    order_id = await discard_draft(uow, user.id, actor=actor(user), now=now)
    convo.reset()
    await reply("order_draft_cancelled" if order_id else "order_nothing_to_confirm", order_id=order_id)


@router.state(CHOOSE, roles=(RETAILER,), filters=(_choice,))
async def choose(reply: Reply, uow: UnitOfWork, user: Any, convo: Any, turn: Turn, now: datetime,
                 config: Any) -> None:
    questions = list(convo.data.get("questions", []))
    options, mode = questions[0]["options"], questions[0].get("mode", SET)
    number = int(re.sub(r"\D", "", turn.text))
    if not 1 <= number <= len(options):
        await reply("order_choose_again", count=len(options))
        return
    picked, quantity = options[number - 1], questions[0].get("quantity")
    await remember_choice(uow, user.id, questions[0]["text"], quantity, picked["sku"], now)
    unit = (await products(uow, [picked["sku"]]))[picked["sku"]].unit
    item = ParsedItem(questions[0]["text"], picked["sku"], picked["name"], quantity, unit, 100.0)
    note_said(convo, [item])
    done = sort_items([item], mode, {picked["sku"]: unit})
    await tell_rounded(reply, done.rounded)
    draft = await apply_items(uow, user, now, config, done.ready)
    questions[:1] = done.questions
    await ask_next(reply, uow, user, convo, now, config, questions, draft)


@router.state(QUANTITY, roles=(RETAILER,), filters=(_quantity,))
async def quantity(reply: Reply, uow: UnitOfWork, user: Any, convo: Any, turn: Turn, now: datetime,
                   config: Any) -> None:
    questions = list(convo.data.get("questions", []))
    asked = questions[0]
    item = ParsedItem(turn.text, asked["sku"], asked["name"], float(number_in(turn.text) or 0), asked["unit"],
                      100.0)
    done = sort_items([item], asked.get("mode", SET))
    await tell_rounded(reply, done.rounded)
    draft = await apply_items(uow, user, now, config, done.ready)
    await ask_next(reply, uow, user, convo, now, config, done.questions + questions[1:], draft)


@router.state(CONFIRM, CHOOSE, QUANTITY, roles=(RETAILER,), filters=(_edit,))
async def edit(reply: Reply, uow: UnitOfWork, user: Any, convo: Any, parse: Any, turn: Turn, now: datetime,
               config: Any, nlu: Any) -> None:
    """Any other message while a draft is open that names products: an edit ("chini 3 kg banau")."""
    items = message_items(parse, nlu, turn.text)
    if not items:
        await reply("not_understood")
        return
    await answer_beside(reply, parse, uow, config, user)
    await take_order(reply, uow, user, convo, items, turn, now, config)


@router.intent("order", roles=(RETAILER,))
async def order(reply: Reply, uow: UnitOfWork, user: Any, convo: Any, parse: Any, turn: Turn, now: datetime,
                config: Any) -> None:
    await answer_beside(reply, parse, uow, config, user)  # "dal chaina, chini 5 kg": the dal question first
    await take_order(reply, uow, user, convo, parse.items, turn, now, config)


@router.intent("affirm", roles=(RETAILER,))
async def nothing_to_confirm(reply: Reply, uow: UnitOfWork, user: Any, now: datetime) -> None:
    """A YES with no draft awaiting it (e.g. sent twice): say where the last order stands."""
    latest = await latest_order(uow, user.id)
    if latest is not None and now - latest.created_at < timedelta(days=1):
        await reply("order_already_confirmed", order_id=latest.id, status=latest.status)
    else:
        await reply("order_nothing_to_confirm")


async def take_order(reply: Reply, uow: UnitOfWork, user: Any, convo: Any, items: list[Any], turn: Turn,
                     now: datetime, config: Any) -> None:
    """Items from a message into the draft; unclear ones are asked about (unless their phrase has
    been learned), unknown ones reported."""
    items = await apply_learned(uow, user.id, items, getattr(getattr(config, "nlu", None), "alias_agree", AGREE))
    done = sort_items(items, edit_kind(turn.text), await selling_units(uow, items))
    if done.unknown:
        await reply("order_not_found_items", items=", ".join(f'"{text}"' for text in done.unknown))
    await tell_rounded(reply, done.rounded)
    draft: Order | None = None  # priced once, by the change that makes it
    if done.ready or done.remove:
        if done.remove:  # one line out and one new SKU in: the line was switched to it
            before = await current_draft(uow, user.id)
            lines = {li.sku for li in before.lines} if before else set()
            await remember_switch(uow, user.id, said_lines(convo), done.remove,
                                  [sku for sku, _, _ in done.ready if sku not in lines], now)
        note_said(convo, [i for i in items if i.sku in {sku for sku, _, _ in done.ready}])
        draft = await apply_items(uow, user, now, config, done.ready, done.remove)
    if done.ready or done.remove or done.questions:
        await ask_next(reply, uow, user, convo, now, config, done.questions, draft)
    elif not done.unknown:
        draft = await current_draft(uow, user.id)
        if draft is not None and draft.lines:
            await show_draft(reply, uow, user, convo, draft)
        else:
            await reply("order_draft_empty")
