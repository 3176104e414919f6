"""The worker's heartbeat in Redis, read by GET /health."""

from __future__ import annotations

from typing import Any

HEARTBEAT_KEY = "khaacho:worker:heartbeat"
HEARTBEAT_TTL_SECONDS = 30


async def heartbeat(ctx: dict[str, Any]) -> None:
    await ctx["redis"].set(HEARTBEAT_KEY, ctx["clock"].now().isoformat(), ex=HEARTBEAT_TTL_SECONDS)
