"""Messages stored but never handled (the process that took them died) are handled here."""

from __future__ import annotations

from typing import Any


async def sweep_inbox(ctx: dict[str, Any]) -> int:
    return await ctx["intake"].sweep()
