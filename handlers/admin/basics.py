"""/help, unknown commands, and slash commands from people who are not admins (refused and audited)."""

from __future__ import annotations

from datetime import datetime

from handlers.admin.framework import COMMANDS, admin_command
from handlers.context import Reply, Turn
from handlers.routing import ADMIN, RETAILER, UNKNOWN, VENDOR, Priority, Router
from services import UnitOfWork
from services.ops.audit import audit

router = Router("admin.basics")


@admin_command(router, "/help", usage="/help", summary="the commands you may use")
async def show_help(reply: Reply, turn: Turn) -> None:
    lines = [f"{spec.usage} — {spec.summary}" for spec in sorted(COMMANDS.values(), key=lambda s: s.name)
             if turn.role in spec.roles]
    await reply("admin_help", commands="\n".join(lines))


def _is_slash(turn: Turn) -> bool:
    return turn.text.startswith("/")


@router.message(priority=Priority.FALLBACK, roles=(ADMIN,), filters=[_is_slash])
async def unknown_command(reply: Reply, turn: Turn) -> None:
    await reply("admin_unknown_command", command=turn.text.split()[0])


@router.message(priority=Priority.COMMAND, roles=(RETAILER, VENDOR, UNKNOWN), filters=[_is_slash])
async def not_allowed(reply: Reply, turn: Turn, uow: UnitOfWork, now: datetime) -> None:
    await audit(uow, turn.phone, "command refused", now, subject=turn.text.split()[0],
                after={"role": turn.role, "text": turn.text[:200]})
    await reply("admin_not_allowed")
