"""Delivery planning by the clock: every `routing.every`, each vendor with work gets its runs planned
(one short unit of work each; a vendor whose orders did not change keeps its runs)."""

from __future__ import annotations

from typing import Any

import aiohttp

from jobs.units import unit_of_work
from services.delivery import osrm_matrix, plan_vendor, planning_due, vendors_to_plan


async def plan_deliveries(ctx: dict[str, Any]) -> dict[str, str]:
    config, now = ctx["config"], ctx["clock"].now()
    async with unit_of_work(ctx) as uow:
        if not await planning_due(uow, now, config.routing.every):
            return {}
        vendor_ids = await vendors_to_plan(uow)
    outcomes = {}
    async with aiohttp.ClientSession() as session:
        for vendor_id in vendor_ids:
            async with unit_of_work(ctx) as uow:
                result = await plan_vendor(uow, vendor_id, now=now, config=config, matrix=osrm_matrix(config, session))
            outcomes[str(vendor_id)] = result.outcome.value
    return outcomes
