"""Every minute: switch safe mode on when overloaded, off when its timer ran out, and release the queue."""

from __future__ import annotations

import dataclasses
from typing import Any

from jobs.units import unit_of_work
from services import safe_mode


async def watch_safe_mode(ctx: dict[str, Any]) -> dict[str, Any]:
    async with unit_of_work(ctx) as uow:
        watched = await safe_mode.watch(uow, ctx["clock"].now(), ctx["config"])
    return dataclasses.asdict(watched)
