"""Vendor replies, read with keywords (vendors are not run through the retailer intent model):

    ACCEPT 1042 | ok | yes | 👍           accept (the number may be left out when one order waits)
    accept 1042 without coke             accept the rest; the left-out lines go to another vendor
    REJECT 1042 out of stock             reject with a reason; the order goes to the next vendor
    dispatched 1042 / delivered 1042     move the order on; the retailer is told
    PART 1042 (the offer's Accept part)  a list of the order's lines: the one tapped is left out

Offers, acceptances and dispatches carry buttons standing for these replies (services.choices).

An order the vendor was never offered and does not hold gets the same answer as one that does not
exist, before anything of it (its items, its status) is read out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain.bounds import read_reference
from domain.formatting import qty
from domain.interactive import MAX_ROW_TITLE, MAX_ROWS, Interactive, ListRow, ListSection, clip, say
from domain.orders import Order, OrderStatus
from domain.people import User
from handlers.context import Reply, Turn
from handlers.drafting import named_skus, titles
from handlers.routing import VENDOR, Priority, Router
from services import UnitOfWork
from services.choices import next_step_button
from services.fulfilment import (
    Answer,
    VendorResult,
    accept_order,
    advance_order,
    open_orders,
    order_for_vendor,
    reject_order,
)
from services.notifications import render_lines

router = Router("vendor")

_END = r"(?=[\s#:.,!]|$|\d)[\s#:.,!]*(?P<id>\d+)?"
ACTIONS: dict[str, re.Pattern[str]] = {
    "accept": re.compile(r"^\s*(?:accept(?:ed)?|ok(?:ay)?|yes|ho|haan|hunchha|thik\s*cha|✅|👍)" + _END
                         + r"(?:\s*(?:without|except|bina|bahek)\s+(?P<rest>.+?))?\s*$", re.IGNORECASE),
    "reject": re.compile(r"^\s*(?:reject(?:ed)?|no|sakdina|hudaina|❌)" + _END + r"\s*(?P<rest>.*?)\s*$",
                         re.IGNORECASE),
    "dispatched": re.compile(r"^\s*(?:dispatch(?:ed)?|sent|shipped|pathaye|pathayo|niskyo)" + _END + r"\s*$",
                             re.IGNORECASE),
    "delivered": re.compile(r"^\s*(?:deliver(?:ed)?|pugyo|pugaye|pugayo)" + _END + r"\s*$", re.IGNORECASE),
}
WAITING = {"accept": [OrderStatus.PENDING_VENDOR], "reject": [OrderStatus.PENDING_VENDOR],
           "dispatched": [OrderStatus.ACCEPTED], "delivered": [OrderStatus.DISPATCHED]}
REFUSALS = {Answer.NOT_YOURS: "vendor_not_yours", Answer.TAKEN: "vendor_taken", Answer.EXPIRED: "vendor_expired",
            Answer.NOTHING_LEFT: "vendor_nothing_left", Answer.NOT_FOUND: "vendor_not_yours"}
ORDER_ID_MAX = 2**63 - 1  # orders.id is a bigint
PART = re.compile(r"^\s*part" + _END + r"\s*$", re.IGNORECASE)


def _read(action: str, turn: Turn) -> dict[str, Any] | None:
    match = ACTIONS[action].match(turn.text)
    if not match:
        return None
    number = match.group("id")
    return {"action": action, "order_id": read_reference(number) if number else None,
            "rest": (match.groupdict().get("rest") or "").strip()}


def said(action: str) -> Callable[[Turn], dict[str, Any] | None]:
    """The filter of one action: its order number (None when left out) and the rest of the reply."""
    return lambda turn: _read(action, turn)


def vendor_command(turn: Turn) -> dict[str, Any] | None:
    """Any vendor action the message is, the first that matches."""
    return next(filter(None, (_read(action, turn) for action in ACTIONS)), None)


async def which_order(reply: Reply, uow: UnitOfWork, vendor: User, action: str, order_id: int | None
                      ) -> Order | None:
    """The order a reply is about: the one named, or the only one waiting for this action. Otherwise
    (none, several, or one the vendor was never offered) the vendor is told so and None returned."""
    if order_id is None:
        waiting = await open_orders(uow, vendor.id, WAITING[action])
        if len(waiting) != 1:
            await (reply("vendor_which_order", orders=", ".join(f"#{i}" for i in waiting), action=action.upper(),
                         first=waiting[0]) if waiting else reply("vendor_no_open_orders"))
            return None
        order_id = waiting[0]
    order = await order_for_vendor(uow, order_id, vendor.id) if 0 < order_id <= ORDER_ID_MAX else None
    if order is None:
        await reply("vendor_not_yours", order_id=order_id)
    return order


async def refused(reply: Reply, order_id: int, result: VendorResult) -> bool:
    """Say why the reply changed nothing (or did less than asked); False when it was done."""
    status = result.order.status if result.order else ""  # rendered as words in the vendor's language
    if result.answer in REFUSALS:
        await reply(REFUSALS[result.answer], order_id=order_id)
    elif result.answer is Answer.ALREADY:
        await reply("vendor_already", order_id=order_id, status=status)
    elif result.answer is Answer.WRONG_STATUS:
        await reply("vendor_wrong_status", order_id=order_id, status=status)
    elif result.answer is Answer.NO_STOCK:
        await reply("vendor_no_stock", order_id=order_id, items=", ".join(result.short))
    else:
        return False
    return True


@router.message(priority=Priority.INTENT, roles=(VENDOR,), filters=(said("accept"),))
async def accept(reply: Reply, uow: UnitOfWork, user: User, now: datetime, config: Any, nlu: Any,
                 order_id: int | None, rest: str) -> None:
    order = await which_order(reply, uow, user, "accept", order_id)
    if order is None:
        return
    without: list[str] = []
    if rest:
        without = await named_skus(uow, nlu, rest, order.lines)
        if not without:
            await reply("vendor_without_unknown", order_id=order.id, items=rest,
                        names=", ".join(li.name for li in order.lines))
            return
    result = await accept_order(uow, order.id, user.id, now=now, config=config, without=without)
    if await refused(reply, order.id, result) or result.order is None or result.retailer is None:
        return
    await reply("vendor_accepted", lines=await render_lines(uow, reply.language, result.order.lines, prices=False),
                order_id=order.id, retailer=result.retailer.name, address=result.retailer.address or "-",
                interactive=None if result.child_id else next_step_button("dispatched", order.id, titles(reply)))
    if result.child_id:
        await reply("vendor_accepted_part", child_id=result.child_id,
                    interactive=next_step_button("dispatched", order.id, titles(reply)))


def _part(turn: Turn) -> dict[str, Any] | None:
    match = PART.match(turn.text)
    number = match.group("id") if match else None
    return {"order_id": read_reference(number) if number else None} if match else None


@router.message(priority=Priority.INTENT, roles=(VENDOR,), filters=(_part,))
async def accept_part(reply: Reply, uow: UnitOfWork, user: User, order_id: int | None) -> None:
    """The offer's Accept part: a list of the order's lines; the one tapped is left out of the acceptance."""
    order = await which_order(reply, uow, user, "accept", order_id)
    if order is None:
        return
    rows = tuple(ListRow(say(f"ACCEPT {order.id} without {li.name}"), clip(li.name, MAX_ROW_TITLE),
                         f"{qty(li.quantity)} {li.unit}") for li in order.lines[:MAX_ROWS])
    shown = Interactive("list", sections=(ListSection("", rows),), button_label=titles(reply)("button_choose"))
    await reply("vendor_choose_left_out", order_id=order.id, interactive=shown)


@router.message(priority=Priority.INTENT, roles=(VENDOR,), filters=(said("reject"),))
async def reject(reply: Reply, uow: UnitOfWork, user: User, now: datetime, config: Any, order_id: int | None,
                 rest: str) -> None:
    order = await which_order(reply, uow, user, "reject", order_id)
    if order is None:
        return
    result = await reject_order(uow, order.id, user.id, reason=rest, now=now, config=config)
    if not await refused(reply, order.id, result):
        await reply("vendor_rejected", order_id=order.id)


@router.message(priority=Priority.INTENT, roles=(VENDOR,), filters=(said("dispatched"),))
async def dispatched(reply: Reply, uow: UnitOfWork, user: User, now: datetime, order_id: int | None) -> None:
    await _move_on(reply, uow, user, now, order_id, OrderStatus.DISPATCHED, "dispatched", "vendor_dispatched")


@router.message(priority=Priority.INTENT, roles=(VENDOR,), filters=(said("delivered"),))
async def delivered(reply: Reply, uow: UnitOfWork, user: User, now: datetime, order_id: int | None) -> None:
    await _move_on(reply, uow, user, now, order_id, OrderStatus.DELIVERED, "delivered", "vendor_delivered")


async def _move_on(reply: Reply, uow: UnitOfWork, user: User, now: datetime, order_id: int | None,
                   target: OrderStatus, action: str, done_key: str) -> None:
    """An order the vendor holds moves on to `target`; the vendor hears `done_key` or why not."""
    order = await which_order(reply, uow, user, action, order_id)
    if order is None:
        return
    result = await advance_order(uow, order.id, user.id, target, now=now)
    if not await refused(reply, order.id, result):
        await reply(done_key, order_id=order.id, interactive=next_step_button("delivered", order.id, titles(reply))
                    if target is OrderStatus.DISPATCHED else None)
