"""/stuck, /heal ORDER, /deadletters: operators see what is stuck and heal it now."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from handlers.admin.args import admin_actor
from handlers.admin.framework import Audit, admin_command, parse_order_id, require
from handlers.context import Reply, Turn
from handlers.routing import Router
from services import UnitOfWork
from services.healing import find_cases, heal_case
from storage.repos.healing import HealingRepository, recovery_rate_since

router = Router("admin.healing")
LIST_SIZE = 15


def _age(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24}d {hours % 24}h" if hours >= 24 else f"{hours}h {int(delta.total_seconds() // 60) % 60}m"


async def _rate(uow: UnitOfWork) -> str:
    rate = await recovery_rate_since(uow.conn)
    return "-" if rate.rate is None else f"{rate.rate:.0%} ({rate.recovered}/{rate.attempted})"


@admin_command(router, "/stuck", usage="/stuck", summary="stuck orders and dead letters")
async def stuck(args: list[str], reply: Reply, uow: UnitOfWork, now: datetime, config: Any) -> None:
    require(args, 0, 0)
    cases = [c for c in await find_cases(uow.conn, now, config) if c.kind == "order"]
    dead = await uow.conn.fetchval("SELECT count(*) FROM outbound_messages WHERE status = 'dead'")
    if not cases:
        await reply("admin_stuck_none", dead=dead, rate=await _rate(uow))
        return
    repo = HealingRepository(uow.conn)
    lines = [reply.texts.render("admin_stuck_line", reply.language, order_id=c.id, status=c.status,
                                age=_age(now - c.since), problem=c.problem.value, attempts=len(await repo.attempts(c)))
             for c in cases[:LIST_SIZE]]
    await reply("admin_stuck", orders="\n".join(lines), dead=dead, rate=await _rate(uow))


@admin_command(router, "/heal", usage="/heal ORDER", summary="run the self-healing strategies on an order now")
async def heal(args: list[str], reply: Reply, uow: UnitOfWork, turn: Turn, now: datetime, config: Any) -> Audit:
    require(args, 1, 1)
    order_id = parse_order_id(args[0])
    case = await HealingRepository(uow.conn).order_case(order_id)
    if case is None:
        status = await uow.conn.fetchval("SELECT status FROM orders WHERE id = $1", order_id)
        await reply("admin_heal_unknown" if status is None else "admin_heal_nothing", order_id=order_id,
                    status=status)
        return Audit(subject=f"#{order_id}")
    result = await heal_case(uow.conn, case, reply, now, config, force=True, actor=admin_actor(turn))
    await reply("admin_heal_result", order_id=order_id, problem=case.problem.value,
                strategy=result.strategy.value if result.strategy else "nothing tried",
                outcome=result.outcome.value if result.outcome else "-", detail=result.detail)
    return Audit(subject=f"#{order_id}", after={"strategy": result.strategy, "outcome": result.outcome})


@admin_command(router, "/deadletters", usage="/deadletters", summary="messages that could not be sent")
async def deadletters(args: list[str], reply: Reply, uow: UnitOfWork) -> None:
    require(args, 0, 0)
    dead = await uow.outbox.dead_letters(LIST_SIZE)
    if not dead:
        await reply("admin_deadletters_none")
        return
    lines = [reply.texts.render("admin_deadletter_line", reply.language, id=d["id"], recipient=d["recipient"],
                                tries=d["tries"], body=d["body"].replace("\n", " "), error=d["last_error"] or "-")
             for d in dead]
    await reply("admin_deadletters", lines="\n".join(lines))
