"""Daily: roll up yesterday (final) and today (so far) for the dashboard; idempotent per day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.formatting import platform_zone
from storage.rollup import local_day, roll_up_day


async def roll_up_analytics(ctx: dict[str, Any]) -> list[str]:
    now, zone = ctx["clock"].now(), platform_zone(ctx["config"])
    today = local_day(now, zone)
    days = [today - timedelta(days=1), today]
    async with ctx["pool"].acquire() as conn, conn.transaction():
        for day in days:
            await roll_up_day(conn, day, now, zone)
    return [d.isoformat() for d in days]
