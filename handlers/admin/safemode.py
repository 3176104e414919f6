"""/safemode on [30m] | off | status: operators pause order dispatch; confirmed orders queue meanwhile."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from domain.bounds import check_duration
from domain.durations import looks_like_duration, parse_duration
from domain.formatting import clock_until
from handlers.admin.framework import Audit, UsageError, admin_command, require, rest
from handlers.context import Reply, Turn
from handlers.routing import Router
from services import UnitOfWork, safe_mode

router = Router("admin.safemode")


_MEANT_AS_DURATION = re.compile(r"^[0-9][0-9.]*[a-z][0-9a-z.]*$", re.IGNORECASE)


def _leading_duration(args: list[str]) -> tuple[timedelta | None, int]:
    """The duration after "on" (it may be spaced: "1h 30m") and the index where the reason starts."""
    end = 1
    while end < len(args) and looks_like_duration(" ".join(args[1:end + 1])):
        end += 1
    if end == 1 and not (len(args) > 1 and _MEANT_AS_DURATION.match(args[1])):
        return None, 1
    try:
        return check_duration(parse_duration(" ".join(args[1:max(end, 2)]))), max(end, 2)
    except (ValueError, OverflowError) as exc:
        raise UsageError(str(exc)) from None


@admin_command(router, "/safemode", usage="/safemode on [1h30m] [reason] | off | status",
               summary="queue new orders instead of sending them to vendors")
async def safemode(args: list[str], reply: Reply, uow: UnitOfWork, turn: Turn, now: datetime,
                   config: Any) -> Audit | None:
    require(args, 1)
    action = args[0].lower()
    if action == "on":
        duration, reason_from = _leading_duration(args)
        reason = rest(args, reason_from) or "turned on by an operator"
        await safe_mode.turn_on(uow, now, turn.phone, reason, duration)
        await reply("admin_safe_mode_on", until=clock_until(now + duration if duration else None), reason=reason)
        return Audit(subject="safe_mode", after={"on": True})
    if action == "off":
        require(args, 1, 1)
        released = await safe_mode.turn_off(uow, now, config, turn.phone, "turned off by an operator")
        await reply("admin_safe_mode_off", released=len(released))
        return Audit(subject="safe_mode", after={"on": False, "released": released})
    if action == "status":
        require(args, 1, 1)
        current = await safe_mode.status(uow, now, config)
        on = current.state.active(now)
        await reply("admin_safe_mode_status", state="ON" if on else "OFF",
                    until=clock_until(current.state.until) if on else "", queued=current.queued,
                    backlog=current.load.backlog, errors=f"{current.load.failed}/{current.load.handled}")
        return None
    raise UsageError(f"{args[0]!r}: use on, off or status")
