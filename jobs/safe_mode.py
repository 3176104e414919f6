"""Every minute: switch safe mode on when overloaded, off when its timer ran out, and release the queue."""

from __future__ import annotations

from typing import Any

from services import safe_mode
from storage.notifier import Notifier


async def watch_safe_mode(ctx: dict[str, Any]) -> dict[str, Any]:
    now = ctx["clock"].now()
    async with ctx["pool"].acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('khaacho:safe_mode'))")
        notifier = Notifier(conn, ctx["runtime"].texts, now)
        current = await safe_mode.state(conn)
        timer_ended = current.on and not current.active(now)
        if timer_ended:
            await safe_mode.turn_off(conn, now, "system", "timer ended")
        switched_on = await safe_mode.auto_check(conn, now, ctx["config"], notifier)
        released = await safe_mode.release_queue(conn, now, ctx["config"], notifier)
        if timer_ended:
            await notifier.notify_admins("admin_safe_mode_off", released=len(released))
    return {"switched_on": switched_on, "timer_ended": timer_ended, "released": released}
