"""Hourly: reorder reminders to retailers whose predicted next order is today, from their usual hour
(not in quiet hours)."""

from __future__ import annotations

from typing import Any

from jobs.units import unit_of_work
from services.reminders import due_retailers, quiet_now, remind


async def send_reorder_reminders(ctx: dict[str, Any]) -> list[int]:
    """Remind every due retailer, each in its own unit of work; returns the retailer ids reminded."""
    now, config = ctx["clock"].now(), ctx["config"]
    if quiet_now(now, config):
        return []
    async with unit_of_work(ctx) as uow:
        due = await due_retailers(uow, now, config)
    sent = []
    for candidate, plan in due:
        async with unit_of_work(ctx) as uow:
            if await remind(uow, candidate, plan, now, config):
                sent.append(candidate.retailer_id)
    return sent
