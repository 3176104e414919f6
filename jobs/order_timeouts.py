"""Every minute: offers a vendor left unanswered past the SLA expire, with a penalty, and the order
moves to the next vendor (admins alerted after orders.max_vendor_attempts). Idempotent."""

from __future__ import annotations

from typing import Any

from jobs.units import unit_of_work
from services.reassignment import expire_offers


async def order_timeouts(ctx: dict[str, Any]) -> int:
    """Returns how many orders were moved on."""
    async with unit_of_work(ctx) as uow:
        return len(await expire_offers(uow, now=ctx["clock"].now(), config=ctx["config"]))
