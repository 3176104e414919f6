"""Every minute: offers a vendor left unanswered past the SLA expire, with a penalty, and the order
moves to the next vendor (admins alerted after orders.max_vendor_attempts). Idempotent."""

from __future__ import annotations

from typing import Any

from services.bootstrap import unit_of_work
from services.reassignment import expire_offers
from services.texts import default_texts


async def order_timeouts(ctx: dict[str, Any]) -> int:
    """Returns how many orders were moved on."""
    config, clock = ctx["config"], ctx["clock"]
    runtime = ctx.get("runtime")
    texts = runtime.texts if runtime is not None else default_texts()
    async with unit_of_work(ctx["pool"], texts, clock, config) as uow:
        return len(await expire_offers(uow, now=clock.now(), config=config))
