"""GET /health: PostgreSQL, Redis and the worker's heartbeat; 503 when any is down."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.appkeys import RUNTIME
from jobs.heartbeat import HEARTBEAT_KEY


async def health(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    checks: dict[str, str] = {}
    try:
        async with asyncio.timeout(2):
            async with runtime.pool.acquire() as conn:
                await conn.fetchval("SELECT 1")
        checks["postgresql"] = "ok"
    except Exception as exc:
        checks["postgresql"] = f"down: {type(exc).__name__}"
    try:
        async with asyncio.timeout(2):
            await runtime.redis.ping()
            beat = await runtime.redis.get(HEARTBEAT_KEY)
        checks["redis"] = "ok"
        checks["worker"] = "ok" if beat else "down: no heartbeat"
    except Exception as exc:
        checks["redis"] = f"down: {type(exc).__name__}"
        checks["worker"] = "unknown"
    healthy = all(v == "ok" for v in checks.values())
    return web.json_response({"status": "ok" if healthy else "degraded", "checks": checks},
                             status=200 if healthy else 503)
