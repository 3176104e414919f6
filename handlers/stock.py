"""Vendors set their stock by chat: "stock chini 500 kg", "stock rara 20 carton, coke 48 bottle"; and
read it with its days of cover and reorder advice: "stock report", "stock kati cha", "स्टक रिपोर्ट"."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain import bounds
from domain.formatting import qty
from handlers.context import Reply, Turn
from handlers.routing import VENDOR, Priority, Router
from nlu.normalize import prepare
from services import UnitOfWork
from services.stock import set_stock
from services.stock_cover import cover_text, stock_report

router = Router("stock")
STOCK = re.compile(r"^\s*(?:stock|stok|मौज्दात)\s+(?P<rest>.+)$", re.IGNORECASE)
REPORT = re.compile(
    r"^\s*(?:(?:my|mero|mera|मेरो|मेरा)\s+)?(?:stock|stok|स्टक|स्टॉक|मौज्दात)\s+"
    r"(?:report|riport|ripot|रिपोर्ट|list|सूची|kati\s*c?ch?h?a|kati\s*xa|कति\s*छ|kitna\s*(?:hai|he|h)|कितना\s*है"
    r"|dekhau|dekhaunus|देखाउ|देखाउनुहोस्|dikhao|dikhaiye|दिखाओ|दिखाइए|batau|bataiye|बताउ|बताइए)"
    r"\s*[?।.!]*\s*$", re.IGNORECASE)


def _report(turn: Turn) -> bool:
    return REPORT.match(turn.text) is not None


@router.message(priority=Priority.INTENT, roles=(VENDOR,), filters=(_report,))
async def report_stock(reply: Reply, uow: UnitOfWork, user: Any, now: datetime, config: Any) -> None:
    lines = await stock_report(uow, user.id, now, config)
    if not lines:
        await reply("vendor_stock_report_empty")
        return
    await reply("vendor_stock_report", days=config.market.sales_days, target=config.market.target_cover_days,
                lines=cover_text(reply.texts, reply.language, lines))


def _stock(turn: Turn) -> dict[str, str] | None:
    match = STOCK.match(turn.text)
    return {"rest": match.group("rest")} if match else None


@router.message(priority=Priority.INTENT, roles=(VENDOR,), filters=(_stock,))
async def update_stock(reply: Reply, uow: UnitOfWork, user: Any, nlu: Any, rest: str) -> None:
    items = [i for i in nlu.pipeline.items(prepare(rest)) if i.sku and i.quantity is not None]
    if not items:
        await reply("vendor_stock_unknown")
        return
    await set_stock(uow, user.id, [(i.sku, bounds.read_number(i.quantity, bounds.STOCK)) for i in items])
    await reply("vendor_stock_updated",
                items=", ".join(f"{i.name} {qty(Decimal(str(i.quantity)))} {i.unit}" for i in items))
