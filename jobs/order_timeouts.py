"""Every minute: offers a vendor left unanswered past the SLA expire, with a penalty, and the order
moves to the next vendor (admins alerted after orders.max_vendor_attempts). Idempotent."""

from __future__ import annotations

from typing import Any

from services.reassignment import expire_offers
from services.texts import default_texts
from storage.notifier import Notifier
from storage.uow import UnitOfWork


async def order_timeouts(ctx: dict[str, Any]) -> int:
    """Returns how many orders were moved on."""
    config, now = ctx["config"], ctx["clock"].now()
    runtime = ctx.get("runtime")
    texts = runtime.texts if runtime is not None else default_texts()
    async with UnitOfWork(ctx["pool"]) as uow:
        notifier = Notifier(uow.conn, texts, now, config.languages.default)
        return len(await expire_offers(uow.conn, now, notifier, config))
