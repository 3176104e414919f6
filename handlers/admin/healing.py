"""/stuck, /heal ORDER, /deadletters: operators see what is stuck and heal it now."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.healing import RecoveryRate
from handlers.admin.args import admin_actor
from handlers.admin.framework import Audit, admin_command, parse_order_id, require
from handlers.context import Reply, Turn
from handlers.routing import Router
from services import UnitOfWork, healing

router = Router("admin.healing")
LIST_SIZE = 15


def _age(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24}d {hours % 24}h" if hours >= 24 else f"{hours}h {int(delta.total_seconds() // 60) % 60}m"


def _rate(rate: RecoveryRate) -> str:
    return "-" if rate.rate is None else f"{rate.rate:.0%} ({rate.recovered}/{rate.attempted})"


@admin_command(router, "/stuck", usage="/stuck", summary="stuck orders and dead letters")
async def stuck(args: list[str], reply: Reply, uow: UnitOfWork, now: datetime, config: Any) -> None:
    require(args, 0, 0)
    found = await healing.stuck(uow, now, config, LIST_SIZE)
    if not found.orders:
        await reply("admin_stuck_none", dead=found.dead_letters, rate=_rate(found.rate))
        return
    lines = [reply.texts.render("admin_stuck_line", reply.language, order_id=s.case.id, status=s.case.status,
                                age=_age(now - s.case.since), problem=s.case.problem.value, attempts=s.attempts)
             for s in found.orders]
    await reply("admin_stuck", orders="\n".join(lines), dead=found.dead_letters, rate=_rate(found.rate))


@admin_command(router, "/heal", usage="/heal ORDER", summary="run the self-healing strategies on an order now")
async def heal(args: list[str], reply: Reply, uow: UnitOfWork, turn: Turn, now: datetime, config: Any) -> Audit:
    require(args, 1, 1)
    order_id = parse_order_id(args[0])
    healed = await healing.heal_order(uow, order_id, now, config, admin_actor(turn))
    if healed.result is None:
        await reply("admin_heal_unknown" if healed.status is None else "admin_heal_nothing", order_id=order_id,
                    status=healed.status)
        return Audit(subject=f"#{order_id}")
    result = healed.result
    await reply("admin_heal_result", order_id=order_id, problem=result.case.problem.value,
                strategy=result.strategy.value if result.strategy else "nothing tried",
                outcome=result.outcome.value if result.outcome else "-", detail=result.detail)
    return Audit(subject=f"#{order_id}", after={"strategy": result.strategy, "outcome": result.outcome})


@admin_command(router, "/deadletters", usage="/deadletters", summary="messages that could not be sent")
async def deadletters(args: list[str], reply: Reply, uow: UnitOfWork) -> None:
    require(args, 0, 0)
    dead = await healing.dead_letters(uow, LIST_SIZE)
    if not dead:
        await reply("admin_deadletters_none")
        return
    lines = [reply.texts.render("admin_deadletter_line", reply.language, id=d["id"], recipient=d["recipient"],
                                tries=d["tries"], body=d["body"].replace("\n", " "), error=d["last_error"] or "-")
             for d in dead]
    await reply("admin_deadletters", lines="\n".join(lines))
