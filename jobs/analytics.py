"""Daily: roll up yesterday (final) and today (so far) for the dashboard, and every earlier day that is
not settled yet — never rolled up, rolled up before migration 0105 (open NULL), or holding orders that
were still open — so a day's figures follow its orders until they have all ended; idempotent per day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.formatting import platform_zone
from storage.rollup import local_day, roll_up_day, unsettled_days


async def roll_up_analytics(ctx: dict[str, Any]) -> list[str]:
    now, zone = ctx["clock"].now(), platform_zone(ctx["config"])
    today = local_day(now, zone)
    async with ctx["pool"].acquire() as conn, conn.transaction():
        days = sorted(set(await unsettled_days(conn, today, zone)) | {today - timedelta(days=1), today})
        for day in days:
            await roll_up_day(conn, day, now, zone)
    return [d.isoformat() for d in days]
