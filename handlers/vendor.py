"""Vendor replies, read with keywords (vendors are not run through the retailer intent model):

    ACCEPT 1042 | ok | yes | 👍           accept (the number may be left out when one order waits)
    accept 1042 without coke             accept the rest; the left-out lines go to another vendor
    REJECT 1042 out of stock             reject with a reason; the order goes to the next vendor
    dispatched 1042 / delivered 1042     move the order on; the retailer is told

An order the vendor was never offered and does not hold gets the same answer as one that does not
exist, before anything of it (its items, its status) is read out.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from domain.bounds import read_reference
from domain.orders import Order, OrderStatus
from handlers.context import Reply, Turn
from handlers.drafting import named_skus
from handlers.routing import VENDOR, Priority, Router
from services import UnitOfWork
from services.fulfilment import Answer, VendorResult, accept_order, advance_order, reject_order
from services.present import person, tell

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
WAITING = {"accept": ["PENDING_VENDOR"], "reject": ["PENDING_VENDOR"], "dispatched": ["ACCEPTED"],
           "delivered": ["DISPATCHED"]}
ANSWER_KEYS = {Answer.NOT_YOURS: "vendor_not_yours", Answer.TAKEN: "vendor_taken", Answer.EXPIRED: "vendor_expired",
               Answer.NOTHING_LEFT: "vendor_nothing_left", Answer.NOT_FOUND: "vendor_not_yours"}
ORDER_ID_MAX = 2**63 - 1  # orders.id is a bigint


def vendor_command(turn: Turn) -> dict[str, Any] | None:
    for action, pattern in ACTIONS.items():
        match = pattern.match(turn.text)
        if match:
            number = match.group("id")
            return {"action": action, "order_id": read_reference(number) if number else None,
                    "rest": (match.groupdict().get("rest") or "").strip()}
    return None


@router.message(priority=Priority.INTENT, roles=(VENDOR,), filters=(vendor_command,))
async def vendor_reply(reply: Reply, uow: UnitOfWork, user: Any, now: datetime, config: Any, nlu: Any,
                       action: str, order_id: int | None, rest: str) -> None:
    if order_id is None:
        waiting = await uow.orders.open_for_vendor(user.id, WAITING[action])
        if len(waiting) != 1:
            await (reply("vendor_which_order", orders=", ".join(f"#{i}" for i in waiting), action=action.upper(),
                         first=waiting[0]) if waiting else reply("vendor_no_open_orders"))
            return
        order_id = waiting[0]
    order = await concerned(uow, order_id, user.id)
    if order is None:
        await reply("vendor_not_yours", order_id=order_id)
        return
    conn = uow.conn
    if action == "accept":
        without: list[str] = []
        if rest:
            without = await named_skus(uow, nlu, rest, order.lines)
            if not without:
                await reply("vendor_without_unknown", order_id=order_id, items=rest,
                            names=", ".join(li.name for li in order.lines))
                return
        result = await accept_order(conn, order_id, user.id, reply, now, config, without=without)
    elif action == "reject":
        result = await reject_order(conn, order_id, user.id, rest, reply, now, config)
    else:
        target = OrderStatus.DISPATCHED if action == "dispatched" else OrderStatus.DELIVERED
        result = await advance_order(conn, order_id, user.id, target, reply, now)
    await answer(reply, uow, action, order_id, result)


async def concerned(uow: UnitOfWork, order_id: int, vendor_id: int) -> Order | None:
    """The order if it was offered to this vendor or is held by it; None otherwise, as for no order."""
    order = await uow.orders.get(order_id) if 0 < order_id <= ORDER_ID_MAX else None
    if order is None:
        return None
    if order.vendor_id == vendor_id or any(o.vendor_id == vendor_id for o in await uow.orders.offers(order_id)):
        return order
    return None


async def answer(reply: Reply, uow: UnitOfWork, action: str, order_id: int, result: VendorResult) -> None:
    """Tell the vendor what its reply did."""
    status = result.order.status if result.order else ""  # rendered as words in the vendor's language
    if result.answer in ANSWER_KEYS:
        await reply(ANSWER_KEYS[result.answer], order_id=order_id)
    elif result.answer is Answer.ALREADY:
        await reply("vendor_already", order_id=order_id, status=status)
    elif result.answer is Answer.WRONG_STATUS:
        await reply("vendor_wrong_status", order_id=order_id, status=status)
    elif result.answer is Answer.NO_STOCK:
        await reply("vendor_no_stock", order_id=order_id, items=", ".join(result.short))
    elif action == "accept" and result.order is not None:
        retailer = await person(uow.conn, result.order.retailer_id)
        await tell(reply, reply.phone, "vendor_accepted", result.order.lines, prices=False, order_id=order_id,
                   retailer=retailer.name, address=retailer.address or "-")
        if result.child_id:
            await reply("vendor_accepted_part", child_id=result.child_id)
    else:
        await reply(f"vendor_{action}" if action != "reject" else "vendor_rejected", order_id=order_id)
