"""Every two hours: reorder reminders to retailers whose next order is due (not in quiet hours)."""

from __future__ import annotations

from typing import Any

from services.reminders import send_reminders


async def send_reorder_reminders(ctx: dict[str, Any]) -> list[int]:
    return await send_reminders(ctx["pool"], ctx["clock"].now(), ctx["config"], ctx["runtime"].texts)
