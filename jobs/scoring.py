"""Hourly scoring: vendors (one pass over all) and retailers' credit (score, risk, limit changes)."""

from __future__ import annotations

from typing import Any

from jobs.units import unit_of_work
from services.credit import rescore_retailer, retailers_to_score
from services.scoring import rescore_vendors


async def score_vendors(ctx: dict[str, Any]) -> int:
    """Rescore every vendor; returns how many. Idempotent: the same history gives the same scores."""
    async with unit_of_work(ctx) as uow:
        return await rescore_vendors(uow, ctx["clock"].now(), on_time_within=ctx["config"].orders.delivery_limit)


async def score_credit_risk(ctx: dict[str, Any]) -> dict[str, list[int] | int]:
    """Rescore every retailer's credit, one short unit of work each; limit changes and alerts commit with it."""
    now = ctx["clock"].now()
    async with unit_of_work(ctx) as uow:
        retailer_ids = await retailers_to_score(uow)
    runs = []
    for retailer_id in retailer_ids:
        async with unit_of_work(ctx) as uow:
            runs.append(await rescore_retailer(uow, retailer_id, now, ctx["config"]))
    done = [r for r in runs if r is not None]
    return {"scored": len(done), "limits_changed": [r.retailer_id for r in done if r.limit_changed],
            "high_risk": [r.retailer_id for r in done if r.became_high_risk]}
