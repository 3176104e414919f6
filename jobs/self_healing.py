"""Every five minutes: stuck orders, failing messages and old payment claims get the next strategy."""

from __future__ import annotations

from typing import Any

from services.healing import heal_all


async def self_heal(ctx: dict[str, Any]) -> dict[str, int]:
    report = await heal_all(ctx["pool"], ctx["clock"].now(), ctx["config"], ctx["runtime"].texts)
    return {"settled": len(report.settled), "attempted": sum(1 for r in report.results if r.strategy)}
