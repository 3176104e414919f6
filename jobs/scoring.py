"""Hourly scoring: vendors (one SQL pass) and retailers' credit (score, risk, limit changes)."""

from __future__ import annotations

from typing import Any

from services.credit import rescore_credit
from services.scoring import rescore_vendors
from storage.notifier import Notifier


async def score_vendors(ctx: dict[str, Any]) -> int:
    """Rescore every vendor; returns how many. Idempotent: the same history gives the same scores."""
    async with ctx["pool"].acquire() as conn:
        return await rescore_vendors(conn, ctx["clock"].now(),
                                     on_time_within=ctx["config"].orders.delivery_limit)


async def score_credit_risk(ctx: dict[str, Any]) -> dict[str, list[int] | int]:
    """Rescore every retailer's credit, one short transaction each; limit changes and alerts commit with it."""
    now = ctx["clock"].now()
    async with ctx["pool"].acquire() as conn:
        run = await rescore_credit(conn, now, ctx["config"], Notifier(conn, ctx["runtime"].texts, now))
    return {"scored": run.scored, "limits_changed": run.limits_changed, "high_risk": run.became_high_risk}
