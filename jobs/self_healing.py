"""Every five minutes: stuck orders, failing messages and old payment claims get the next strategy.

Earlier retries are settled first; then every stuck case is worked in its own unit of work."""

from __future__ import annotations

from typing import Any

from jobs.units import unit_of_work
from services import healing


async def self_heal(ctx: dict[str, Any]) -> dict[str, int]:
    now, config = ctx["clock"].now(), ctx["config"]
    cooldown = config.self_healing.cooldown
    async with unit_of_work(ctx) as uow:
        pending = await healing.pending_attempts(uow, now, cooldown)
    settled = 0
    for case, attempt in pending:
        async with unit_of_work(ctx) as uow:
            settled += len(await healing.settle_attempt(uow, case, attempt, now, cooldown))
    async with unit_of_work(ctx) as uow:
        cases = await healing.find_cases(uow, now, config)
    attempted = 0
    for case in cases:
        async with unit_of_work(ctx) as uow:
            attempted += (await healing.heal_case(uow, case, now, config)).strategy is not None
    return {"settled": settled, "attempted": attempted}
