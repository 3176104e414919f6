"""POST /sim/travel: the demo moves the clock on and runs the jobs that fall due, as fixtures' `advance:`.

Only with `web.time_travel: true` (and the simulator on): the clock is a ShiftedClock whose offset
every process follows (storage.clock_offset), so the worker sends and times out by the same time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from bot.worker import make_outbox, make_sender
from jobs.schedule import PERIODIC
from storage.clock import ShiftedClock
from storage.clock_offset import shift

MAX_MINUTES = 7 * 24 * 60
JOBS = web.AppKey("time_travel_jobs", dict)  # the jobs' context, and when each last ran


def _jobs(app: web.Application) -> dict[str, Any]:
    """Made on first use: the context jobs find in the worker (the real sender: the outbox is shared)."""
    if JOBS not in app:
        runtime = app[RUNTIME]
        sender = make_sender(runtime.config)
        ctx = {"config": runtime.config, "runtime": runtime, "pool": runtime.pool, "clock": runtime.clock,
               "redis": runtime.redis, "intake": runtime.intake, "sender": sender,
               "outbox": make_outbox(runtime, sender)}
        app[JOBS] = {"ctx": ctx, "last_run": {job.name: runtime.clock.now() for job in PERIODIC}}
    return app[JOBS]


async def run_due_jobs(app: web.Application, now: datetime) -> list[str]:
    state = _jobs(app)
    ran = []
    for job in PERIODIC:
        if now - state["last_run"][job.name] >= job.every:
            await job.func(state["ctx"])
            state["last_run"][job.name] = now
            ran.append(job.name)
    return ran


async def travel(request: web.Request) -> web.Response:
    config, runtime = request.app[CONFIG], request.app[RUNTIME]
    if not (config.web.simulator and config.web.time_travel) or not isinstance(runtime.clock, ShiftedClock):
        raise web.HTTPForbidden(text="time travel is off (web.time_travel: false in config.yml)")
    try:
        minutes = (await request.json()).get("minutes")
    except (ValueError, UnicodeDecodeError, AttributeError):
        raise web.HTTPBadRequest(text='expected {"minutes": N}') from None
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 < minutes <= MAX_MINUTES:
        raise web.HTTPBadRequest(text=f"minutes: a whole number from 1 to {MAX_MINUTES}")
    _jobs(request.app)  # the jobs' last runs are counted from before the jump
    offset = await shift(runtime.redis, runtime.clock, timedelta(minutes=minutes))
    now = runtime.clock.now()
    ran = await run_due_jobs(request.app, now)
    return web.json_response({"now": now.isoformat(), "offset_minutes": offset.total_seconds() / 60, "ran": ran})


async def close(app: web.Application) -> None:
    if JOBS in app:
        await app[JOBS]["ctx"]["sender"].close()
