"""GET /health: PostgreSQL, Redis, the worker's heartbeat and the outbox sender; 503 when any is down.

The sender is down when rows have waited longer than `outbox.stale_after` with nothing sent meanwhile
(a pump that stopped, a provider that refuses us), whatever the heartbeat says.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from aiohttp import web

from bot.appkeys import RUNTIME
from jobs.heartbeat import HEARTBEAT_KEY
from jobs.outbox import PAUSED_KEY
from storage.repos.outbox import OutboxRepository


async def health(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    checks: dict[str, str] = {}
    waiting, since = 0, None
    try:
        async with asyncio.timeout(2):
            async with runtime.pool.acquire() as conn:
                await conn.fetchval("SELECT 1")
                waiting, since = await OutboxRepository(conn).stalled(runtime.clock.now(),
                                                                      runtime.config.outbox.stale_after)
        checks["postgresql"] = "ok"
    except Exception as exc:
        checks["postgresql"] = f"down: {type(exc).__name__}"
    paused = None
    try:
        async with asyncio.timeout(2):
            await runtime.redis.ping()
            beat = await runtime.redis.get(HEARTBEAT_KEY)
            paused = await runtime.redis.get(PAUSED_KEY)
        checks["redis"] = "ok"
        checks["worker"] = "ok" if beat else "down: no heartbeat"
    except Exception as exc:
        checks["redis"] = f"down: {type(exc).__name__}"
        checks["worker"] = "unknown"
    checks["sender"] = _sender_check(waiting, since, paused)
    healthy = all(v == "ok" for v in checks.values())
    return web.json_response({"status": "ok" if healthy else "degraded", "checks": checks},
                             status=200 if healthy else 503)


def _sender_check(waiting: int, since: datetime | None, paused: bytes | None) -> str:
    if paused:
        return "down: paused, the provider refused the credentials: " + paused.decode(errors="replace")[:200]
    if waiting:
        return f"down: no progress, {waiting} message(s) due since {since.isoformat() if since else '?'}"
    return "ok"
